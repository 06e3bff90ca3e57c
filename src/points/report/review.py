"""The review workbook (复核工作簿) a secretary opens, prints and posts.

:meth:`points.AssessmentTables.to_excel` writes it; :meth:`points.AssessmentTables.to_excel_per_branch`
writes one per branch. The sheet names and column headers below are a public contract:

========  ===================================================================================
sheet     columns
========  ===================================================================================
汇总      党员编号, 姓名, 支部, 类别, one column per dimension (日常表现, 民主评议, 先锋示范,
          扣分 in the default rules), 调整, 总积分, 建议等次, 支部排名, 出勤率, 请假, 提示数,
          转正建议;
          after a blank row, the line to sign (制表人, 审核人, 日期)
复核提示  党员编号, 姓名, 支部, 提示, 依据 (the flag's sentence and its records, or when they
          would not print, the sentence and how many records 依据明细 lists), 建议处理, 类别,
          级别 (一级/二级), 距六个月, 提示代码
依据明细  党员编号, 姓名, 支部, 提示, 月份, 日期, 记录, 状态, 说明, 来源 (a hyperlink to the
          source cell), 提示代码: one row per record behind a flag (依据明细2, … when longer)
积分明细  党员编号, 姓名, 日期, 规则, 积分, 来源, 维度, 规则编号 (积分明细2, … when longer
          than a sheet holds); printed only for one branch (else the print area is its header)
发展对象  党员编号, 姓名, 支部, 类别, 总积分, 排名, 择优档次, 推荐, 推荐顺序, 说明
支部统计  支部, 人数, 平均分, 出勤率, 请假率, one column per grade, one per flag that occurs,
          发展对象人数;
          below it 分数段/人数 and 提示/数量, then three charts
数据问题  位置 (a hyperlink to the cell), 问题代码, 说明, 党员编号
积分规则  部分, 名称, 编号, 分值, 封顶, 说明: the ruleset as applied, then its SHA-256, the
          input files with their SHA-256, the library version, the year and the as-of date
========  ===================================================================================

The 公示 version (``public=True``, see :mod:`points.report.sheets.public`), A4 portrait, names
in 姓氏笔画 order: ``公示`` (the members: 姓名, 支部, 总积分, 建议等次) and, when there are
candidates, ``发展对象公示`` (姓名, 支部, 类别, 总积分, 择优档次); below each the 公示期, the
contact for objections, the issuing organisation and the date.
Phone and ID-card columns are never read, so they never appear in any output. Every sheet
prints with the title block of :mod:`points.report.page` (organisation, title with the period,
sheet, ruleset, run date, 第 N 页 共 M 页) in its page header and footer.

Each sheet is one module of :mod:`points.report.sheets` with one ``write_*`` function; this
module only puts them together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..judge.assessment import AssessmentTables
from ..vocab.errors import ArgumentError
from ..vocab.frames import positions
from ..vocab.progress import Progress, tell
from .beside import alongside
from .blocks import Blocks
from .common import check_target, check_targets, folder_made, new_book
from .page import default_org, run_date
from .pool import run_chunks
from .sheets.branches import write_branches
from .sheets.candidates import write_candidates
from .sheets.evidence import write_evidence
from .sheets.flags import write_flags
from .sheets.issues import write_issues
from .sheets.ledger import LedgerOption, ledger_choice, ledger_file, ledger_table, write_ledger
from .sheets.people import mask_name, people
from .sheets.public import Notice, write_public
from .sheets.rules import write_rules
from .sheets.summary import write_summary
from .xlsx import MAX_ROWS, all_or_nothing, safe_filename

__all__ = ["LedgerOption", "Notice", "branch_paths", "branch_view", "branch_views", "ledger_table",
           "mask_name", "named_branches", "write_per_branch", "write_review"]

COUNTY_FILE = "全部支部"
LEDGER_OPTIONS = ("auto", "sheets", "csv", "parquet", "none")


def write_review(a: AssessmentTables, path: str | Path, *, public: bool = False,
                 mask_names: bool = False, ledger: LedgerOption = "auto",
                 rows_per_sheet: int = MAX_ROWS, org: str | None = None,
                 date: dt.date | None = None, notice: Notice | None = None,
                 blocks: Blocks | None = None) -> list[Path]:
    """Write the review workbook (or the 公示 version) and the ledger file beside it (all or
    nothing); return the paths written. ``org`` names the organisation on every page (default:
    :func:`points.report.page.default_org`), ``date`` is the run date printed (default: the
    as-of date or the end of the period, so that the bytes depend on the content only) and
    the first day of the 公示期; ``notice``: the 公示期 and the contact of the 公示 version;
    ``blocks``: where the review workbook's rows are kept as XML for the next run, and taken
    from (see :mod:`.blocks`)."""
    target = Path(path)
    check_target(target, a)
    if ledger not in LEDGER_OPTIONS:
        raise ArgumentError("ledger（积分明细）：应为 'auto'、'sheets'、'csv'、'parquet' 或 "
                            f"'none'，实际是 {ledger!r}")
    ledger = ledger_choice(a, ledger)
    rows = people(a)
    if public:
        book = new_book(a, f"{a.period_text}党员积分公示", org=org, date=date)
        write_public(book, a, rows, mask_names, notice=notice, date=run_date(a, date),
                     org=default_org(a) if org is None else org)
        book.save(target)
        return [target]
    book = new_book(a, f"{a.period_text}党员积分复核", org=org, date=date)
    book.blocks = blocks
    with all_or_nothing(), alongside() as side:  # the ledger file written while the book is
        file = ledger_file(a, target, ledger, side, None if blocks is None else blocks.folder)
        write_summary(book, a, rows)
        write_flags(book, a)
        write_evidence(book, a, target.parent, rows_per_sheet)
        write_ledger(book, a, target, ledger, rows_per_sheet,
                     printed=a.members["branch"].nunique() <= 1)
        write_candidates(book, a)
        write_branches(book, a, rows)
        write_issues(book, a, target.parent)
        write_rules(book, a)
        book.save(target)
    return [target] if file is None else [target, file]


def _file(sources: pd.Series) -> pd.Series:
    """The file of each ``file!sheet!A1`` (the text before the first ``!``): one Arrow kernel,
    ten times faster than splitting a million addresses in pandas."""
    text = pa.array(sources.astype("string").array)
    files = pc.replace_substring_regex(text, pattern="(?s)!.*", replacement="", max_replacements=1)
    return pd.Series(pd.arrays.ArrowStringArray(files), index=sources.index)


def branch_files(a: AssessmentTables) -> pd.DataFrame:
    """``file, branch``: the input files that hold records of each branch's members (each
    pair once, in the order first met). Counted on integer codes of files and branches: a
    city has millions of records and a few thousand such pairs."""
    held = [a.events[["member_id", "source"]], a.logs[["member_id", "source"]],
            a.issues.loc[a.issues["member_id"].notna(), ["member_id", "source"]]]
    ids = pd.concat([h["member_id"] for h in held], ignore_index=True)
    file_codes, files = pd.factorize(_file(pd.concat([h["source"] for h in held],
                                                     ignore_index=True)))
    branch_codes, branches = pd.factorize(a.members["branch"])
    branch = np.append(branch_codes, -1)[positions(ids, a.members["member_id"])]
    keep = np.flatnonzero((branch >= 0) & (file_codes >= 0))
    pairs = file_codes[keep].astype("int64") * max(len(branches), 1) + branch[keep]
    _, first = np.unique(pairs, return_index=True)
    rows = keep[np.sort(first)]
    return pd.DataFrame({"file": pd.Series(files, dtype="string").take(file_codes[rows]).array,
                         "branch": pd.Series(branches, dtype="string").take(branch[rows]).array})


def branch_view(a: AssessmentTables, branch: str) -> AssessmentTables:
    """The part of ``a`` about one branch (ranks and grades as computed for the whole); its
    data issues are those about its members and those in its own files that name no member
    (bad dates, unknown sheets, unknown members)."""
    ids = a.members.loc[a.members["branch"] == branch, "member_id"]

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["member_id"].isin(ids).to_numpy()].reset_index(drop=True)

    links = branch_files(a)
    own = links.loc[links["branch"] == branch, "file"]
    issues = a.issues[(a.issues["member_id"].isin(ids)
                       | (a.issues["member_id"].isna() & _file(a.issues["source"]).isin(own))
                       ).to_numpy()].reset_index(drop=True)
    parts: dict[str, Any] = {t: keep(getattr(a, t)) for t in _PER_MEMBER}
    return attrs.evolve(a, issues=issues, **parts)


#: The tables of :class:`AssessmentTables` with a row per member or record (``member_id``).
_PER_MEMBER = ("members", "ledger", "totals", "monthly", "events", "logs", "rankings", "flags",
               "evidence", "candidates")


def _rows_by_branch(frame: pd.DataFrame, member_branch: np.ndarray, ids: pd.Series,
                    n_branches: int) -> list[np.ndarray]:
    """The row positions of ``frame`` per branch (branch numbers index the list), in order;
    rows of no known member (``-1``) belong to none."""
    where = positions(frame["member_id"], ids)
    branch = np.where(where >= 0, member_branch[where], n_branches)
    order = np.argsort(branch, kind="stable")
    ends = np.searchsorted(branch[order], np.arange(n_branches + 1), side="right")
    return np.split(order, ends[:-1])[:n_branches]


class _Split:
    """Each table of ``a`` split once by branch (not filtered once per branch, which grows
    with branches × records); :meth:`view` is one branch's :func:`branch_view`."""

    def __init__(self, a: AssessmentTables) -> None:
        names, member_branch = np.unique(a.members["branch"].astype("string").fillna(
            "").to_numpy(dtype=object), return_inverse=True)
        self.a, self.names = a, [str(n) for n in names.tolist()]
        ids = a.members["member_id"]
        self.rows = {t: _rows_by_branch(getattr(a, t), member_branch, ids, len(names))
                     for t in _PER_MEMBER}
        self.links = branch_files(a)
        self.files = _file(a.issues["source"])
        self.issue_rows = _rows_by_branch(a.issues, member_branch, ids, len(names))
        self.quiet = a.issues["member_id"].isna().to_numpy()

    def view(self, b: int) -> AssessmentTables:
        """The part of the assessment about branch number ``b``."""
        a, branch = self.a, self.names[b]
        own = self.files.isin(self.links.loc[self.links["branch"] == branch, "file"]
                              ).to_numpy() & self.quiet
        mine = np.zeros(len(a.issues), dtype=bool)
        mine[self.issue_rows[b]] = True
        parts: dict[str, Any] = {t: getattr(a, t).iloc[self.rows[t][b]].reset_index(drop=True)
                                 for t in _PER_MEMBER}
        return attrs.evolve(a, issues=a.issues[mine | own].reset_index(drop=True), **parts)


def branch_views(a: AssessmentTables) -> Iterator[tuple[str, AssessmentTables]]:
    """Every named branch's :func:`branch_view`, in branch order: each table is split once
    by branch (not filtered once per branch, which grows with branches × records)."""
    split = _Split(a)
    for b, branch in enumerate(split.names):
        if branch:  # no branch named: in the whole only
            yield branch, split.view(b)


def write_per_branch(a: AssessmentTables, directory: str | Path, *, public: bool = False,
                     mask_names: bool = False, org: str | None = None,
                     date: dt.date | None = None, notice: Notice | None = None,
                     progress: Progress | None = None
                     ) -> dict[str, Path]:
    """One workbook per branch in ``directory`` (created if missing), named after the branch,
    plus ``全部支部.xlsx``: the whole without the ledger, all or nothing (every target is
    checked first; a folder created for them is removed again on failure). Returns branch →
    path, with the whole under ``""``. A branch's pages name the branch (after ``org`` when
    given), the whole's ``org`` (see :func:`write_review`). With ``public``, each is the 公示
    version (``notice``: its 公示期 and contact). ``progress``: a callback told of the
    workbooks written (see :mod:`points.vocab.progress`). Many branches are written by two
    worker processes side by side (see :mod:`.pool`); the files are the same."""
    folder = Path(directory)
    out = branch_paths(a, folder)
    with folder_made(folder):
        check_targets(((path, ".xlsx") for path in out.values()), a)
        with all_or_nothing():
            split = _Split(a)
            job = _Job(split, out, {"public": public, "mask_names": mask_names, "org": org,
                                    "date": date, "notice": notice})
            todo = [b for b, branch in enumerate(split.names) if branch]
            with contextlib.closing(run_chunks(job.write, todo)) as chunks:  # workers end
                for done in chunks:                                          # on any failure
                    tell(progress, "write", done, len(out))
            write_review(a, out[""], public=public, mask_names=mask_names, ledger="none",
                         org=org, date=date, notice=notice)
            tell(progress, "write", len(out), len(out))
    return out


@attrs.frozen
class _Job:
    """Writing the workbooks of some branches (in this process or a forked worker)."""

    split: _Split
    out: dict[str, Path]
    options: dict[str, Any]

    def write(self, branches: list[int]) -> None:
        """The workbooks of branch numbers ``branches``."""
        options = dict(self.options)
        org = options.pop("org")
        for b in branches:
            branch = self.split.names[b]
            write_review(self.split.view(b), self.out[branch], ledger="sheets",
                         org=_branch_org(org, branch), **options)


def _branch_org(org: str | None, branch: str) -> str | None:
    """The organisation on a branch's pages: the branch, after ``org`` unless it says it."""
    if org is None or branch.startswith(org):
        return None  # the default: the branch itself
    return f"{org} {branch}".strip()


def branch_paths(a: AssessmentTables, folder: Path) -> dict[str, Path]:
    """The workbooks :func:`write_per_branch` writes in ``folder``: branch → path, the whole
    under ``""`` (members whose branch is blank are in the whole only, as in
    :func:`branch_views`)."""
    taken: set[str] = set()
    out = {"": folder / f"{safe_filename(COUNTY_FILE, taken)}.xlsx"}
    for branch in sorted(named_branches(a)):
        out[branch] = folder / f"{safe_filename(branch, taken)}.xlsx"
    return out


def named_branches(a: AssessmentTables) -> list[str]:
    """The branches that get a workbook of their own: every non-blank branch, in order."""
    branches = a.members["branch"].astype("string").fillna("")
    return sorted(branches[branches != ""].unique().tolist())
