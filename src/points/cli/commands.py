"""The commands: each reads its arguments, calls the public API and prints in Chinese."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..assess import Assessment, assess
from ..backends.prefetch import prefetching
from ..judge import compare_assessments
from ..read import read_workbooks
from ..records import Records
from ..report import Notice, rule_table, write_comparison, write_file, write_template
from ..report.common import check_target
from ..report.monthly import write_monthly
from ..report.outputs import is_folder, write_outputs
from ..report.review import named_branches
from ..report.sheets import ledger as ledger_sheets
from ..rules import Ruleset, default_ruleset, load_ruleset
from ..rules.load import DEFAULT_RULESET, ruleset_source
from ..vocab.codes import ISSUE_CODES
from ..vocab.errors import PointsError, os_problem
from ..vocab.frames import sort_frame
from . import terminal
from .cachedir import cache_folder, fresh_cache_undone, prune_scans
from .cluster import check_spec, cluster
from .progress import ProgressLine

__all__ = ["KEPT", "CommandError", "assess_args", "cmd_check", "cmd_compare", "cmd_init",
           "cmd_report", "cmd_rules", "cmd_score"]

SHOWN_ISSUES = 8
SHOWN_CHANGES = 20


class CommandError(PointsError):
    """A problem the user can fix: printed as one line, exit status 1."""


def _ruleset(path: str | None) -> Ruleset:
    return default_ruleset() if path is None else load_ruleset(path)


def _progress(args: argparse.Namespace) -> ProgressLine:
    return ProgressLine(quiet=getattr(args, "quiet", False))


def _read(args: argparse.Namespace) -> Records:
    check_spec(getattr(args, "dask", None))
    return read_workbooks(args.files, year=args.year, cache=cache_folder(args),  # folders: whole
                          progress=_progress(args))


#: The assessments the running command made, let go when the next command starts rather than
#: when this one returns: freeing a city's tables one by one takes about half a second, which
#: the console script then skips by ending the process at once (:func:`points.cli.main_exit`).
KEPT: list[Assessment] = []


def assess_args(args: argparse.Namespace, rules: Ruleset | None = None,
                records: Records | None = None,
                vet: Callable[[Records], None] | None = None) -> Assessment:
    """Read (unless ``records`` are given) and score; ``vet``: called on the records read,
    before any scoring (it raises to stop the command). The assessment is kept in
    :data:`KEPT` until the next command."""
    rules = _ruleset(args.rules) if rules is None else rules
    # one branch of a city is quick to score, and keeping it would push the city's chunks out
    cache = None if getattr(args, "branch", None) else cache_folder(args)
    # the score cache's entries are made ready while the files are read (another process)
    with prefetching(cache if records is None else None):
        records = _read(args) if records is None else records
        if vet is not None:
            vet(records)
        if getattr(args, "branch", None):
            records = records.for_branch(args.branch)
        with cluster(getattr(args, "dask", None)) as client:
            result = assess(records, rules, year=args.year, as_of=args.as_of, strict_year=True,
                            client=client, progress=_progress(args), cache=cache)
    KEPT.append(result)
    return result


def _summary(result: Assessment) -> list[str]:
    rs = result.ruleset
    people = result.rankings
    members = people[people["kind"] == "member"]
    lines = [f"规则：{rs.title}（{rs.name}）；{result.period_text}",
             f"参评 {len(people)} 人：党员 {len(members)}，发展对象/入党积极分子 "
             f"{len(people) - len(members)}"]
    if rs.grades is not None:
        word = "建议等次" if result.as_of is None else "预计等次（截至统计日，年底前还会变化）"
        lines.append(f"{word}：" + terminal.counts(members["grade"].dropna(),
                                          [b.name for b in rs.grades.bands]))
    lines.append(f"复核提示 {len(result.flags)} 条：" + terminal.counts(result.flags["label"]))
    lines.append(f"数据问题 {len(result.issues)} 条" + ("：" if len(result.issues) else ""))
    shown = sort_frame(result.issues, ["source"]).head(SHOWN_ISSUES)
    width = max((terminal.width(str(s)) for s in shown["source"]), default=0)
    for row in shown.itertuples():
        lines.append(f"  {terminal.pad(str(row.source), width)}  {row.message}")
    if len(result.issues) > SHOWN_ISSUES:
        lines.append(f"  ……其余 {len(result.issues) - SHOWN_ISSUES} 条见复核工作簿的“数据问题”表")
    return lines


def _open_first(result: Assessment, output: str) -> str:
    """The last line of ``points score``: which sheet of the review workbook to open first."""
    if len(result.issues):
        return f"请先打开 {output} 的“数据问题”表：数据有问题的记录没有计分，改正后重新运行"
    if len(result.flags):
        return f"请先打开 {output} 的“复核提示”表，逐条核实（依据见“依据明细”表）"
    return f"请打开 {output} 的“汇总”表"


# -- commands --------------------------------------------------------------------------------

class _NothingRead:
    """Before the work: no input known yet (a target is checked against them when written)."""

    files: tuple[tuple[str, str], ...] = ()


def cmd_score(args: argparse.Namespace) -> int:
    public = _public(args)  # usage problems, before the work: a city takes a minute to score
    check_target(Path(args.output), _NothingRead())  # (a folder missing, not writable …)
    notice = Notice(days=args.notice_days, contact=args.contact)
    # every target is checked before any is written; a failed run leaves no file behind
    with fresh_cache_undone(args):
        result = assess_args(args)
        written = write_outputs(result, args.output, public=public,
                                mask_names=args.mask_names, per_branch=args.per_branch or None,
                                ledger=args.ledger, org=args.org, date=_run_date(args.date),
                                notice=notice, progress=_progress(args), cache=cache_folder(args))
    prune_scans(args, result)
    print("\n".join(_summary(result)))
    folders = {Path(args.per_branch)} if args.per_branch else set()
    folders |= {Path(args.public)} if args.public and is_folder(args.public) else set()
    print("已写入：" + "、".join(str(p) for p in written if p.parent not in folders))
    print("\n".join(_where(result, args)))
    if result.as_of is not None:
        print(f"截至 {result.as_of:%Y-%m-%d} 的月报（出勤率、预警、趋势图）：points report "
              f"… --as-of {result.as_of:%Y-%m-%d} -o 月报.xlsx")
    print(_open_first(result, str(args.output)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    check_target(Path(args.output), _NothingRead())  # (before the work, as score does)
    result = assess_args(args)
    path = write_monthly(result, args.output, org=args.org, date=_run_date(args.date))
    lines = _summary(result)
    issues = next(i for i, line in enumerate(lines) if line.startswith("数据问题"))
    print("\n".join(lines[:issues]))
    print(f"数据问题 {len(result.issues)} 条" + ("（points check 逐条列出单元格位置）"
                                              if len(result.issues) else ""))
    print(f"已写入：{path}（个人进度、支部预警、出勤趋势）")
    return 0


def _public(args: argparse.Namespace) -> str | None:
    """``--public``: a file, or a folder for one 公示 per branch; ``--per-branch`` without a
    folder asks for the latter."""
    if args.per_branch == "" and not (args.public and is_folder(args.public)):
        raise CommandError("--per-branch 不写文件夹时表示公示按支部分开：请同时给出公示文件夹，"
                           "如 --public 公示 --per-branch；要写各支部的复核工作簿请写 --per-branch 文件夹")
    return args.public or None


def _where(result: Assessment, args: argparse.Namespace) -> list[str]:
    """Where the ledger and the per-branch workbooks went, when not in the review workbook."""
    lines = []
    rows = f"{len(result.ledger):,}"
    choice = ledger_sheets.ledger_choice(result, args.ledger)
    side = ledger_sheets.ledger_path(Path(args.output), choice)
    if side is not None:
        why = (f"超过 {ledger_sheets.SHEET_LEDGER_ROWS:,} 行，" if args.ledger == "auto" else "")
        lines.append(f"积分明细 {rows} 行：{why}另存为 {side}"
                     + ("（要写在工作簿中请加 --ledger sheets）" if why else ""))
    elif choice == "none":
        lines.append(f"积分明细 {rows} 行：未写出（--ledger none）")
    if args.per_branch:
        count = len(named_branches(result))
        lines.append(f"各支部工作簿 {count} 个（含各支部的积分明细）及全部支部.xlsx：在 {args.per_branch}")
    if args.public and is_folder(args.public):
        count = len(named_branches(result))
        lines.append(f"各支部公示 {count} 个及全部支部.xlsx：在 {args.public}")
    return lines


def _run_date(text: str | None) -> dt.date | None:
    """``--date``: ``today`` or a date (``2025-01-06``); None (the period's end) when absent."""
    if text is None:
        return None
    if text.strip().lower() in ("today", "今天"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--date：应为日期，如 2025-01-06，或 today（今天），实际是 {text!r}"
                           ) from None


def _arrow(before: pd.Series, after: pd.Series) -> pd.Series:
    """``"甲 → 乙"`` per row (``—`` for a missing side); empty where both are missing."""
    text = before.astype("string").fillna("—") + " → " + after.astype("string").fillna("—")
    return text.where(before.notna() | after.notna(), "")


def cmd_compare(args: argparse.Namespace) -> int:
    other = _ruleset(args.with_rules)
    records = _read(args)  # read once, scored under both rulesets
    if args.output:  # never over an input, and checked before anything is printed
        check_target(Path(args.output), records)
    before = assess_args(args, records=records)
    after = assess_args(args, rules=other, records=records)
    diff = compare_assessments(before, after)
    rating = after.ruleset.rating or before.ruleset.rating
    changed = diff[diff["grade_changed"] | diff["band_changed"]
                   | (diff["rating_changed"] & (rating is not None))]
    print(f"{before.ruleset.title} → {after.ruleset.title}；{after.period_text}；{len(diff)} 人")
    rated = "" if rating is None else f"{rating.label}变化 {int(diff['rating_changed'].sum())} 人，"
    print(f"等次变化 {int(diff['grade_changed'].sum())} 人，档次变化 {int(diff['band_changed'].sum())} 人，"
          f"{rated}支部排名变化 {int(diff['rank_changed'].sum())} 人")
    if len(changed):
        shown = changed.head(SHOWN_CHANGES)
        table = pd.DataFrame({
            "党员编号": shown["member_id"], "姓名": shown["name"], "支部": shown["branch"],
            "总积分": _arrow(shown["total_before"].map("{:.1f}".format),
                          shown["total_after"].map("{:.1f}".format)),
            "等次": _arrow(shown["grade_before"], shown["grade_after"]),
            "档次": _arrow(shown["band_before"], shown["band_after"])})
        if rating is not None:
            table[rating.label] = _arrow(shown["rating_before"], shown["rating_after"])
        print(f"\n等次{'、档次或' + rating.label if rating else '或档次'}变化的人：")
        print(terminal.table(table.astype("string").fillna("")))
        if len(changed) > SHOWN_CHANGES:
            rest = len(changed) - SHOWN_CHANGES
            print(f"……其余 {rest} 人见对比工作簿" if args.output
                  else f"……其余 {rest} 人：加 -o 对比.xlsx 写出全部")
    if args.output:
        print(f"已写入：{write_comparison(diff, args.output, before=before, after=after)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    result = assess_args(args)
    issues = sort_frame(result.issues, ["source"]).reset_index(drop=True)  # 6月 before 10月
    if issues.empty:
        print(f"没有发现数据问题（{len(result.members)} 人，{len(result.events)} 条签到记录）")
        return 0
    print(f"发现 {len(issues)} 个数据问题：")
    if sys.stdout.isatty():  # aligned for reading; else tab-separated, to paste into Excel
        label = issues["code"].map(ISSUE_CODES).fillna(issues["code"])
        print(terminal.table(pd.DataFrame({"位置": issues["source"], "问题": label,
                                   "说明": issues["message"]})))
    else:
        for row in issues.itertuples():
            print(f"{row.source}\t{row.code}\t{row.message}")
    print(_check_first(issues))
    return 1


def _check_first(issues: pd.DataFrame) -> str:
    """The last line of ``points check``: the sheet with the most issues, to open first."""
    sheets = issues["source"].astype("string").str.rsplit("!", n=1).str[0]
    counts = sheets.value_counts(sort=False)
    where = str(counts.idxmax())  # the first in sheet order among the most
    file, _, sheet = where.partition("!")
    place = f"{file} 的“{sheet}”表" if sheet else file
    return f"请先打开 {place}：{counts.max()} 个问题在这里（说明写了怎么改），改好后再运行 points check"


def cmd_init(args: argparse.Namespace) -> int:
    folder = Path(args.directory)
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"{folder} 已存在且不是文件夹")
    rules, template = folder / "规则.toml", folder / "积分模板.xlsx"
    for path in (rules, template):
        if path.exists() and not args.force:
            raise CommandError(f"{path} 已存在；如要覆盖请加 --force")
    spec = DEFAULT_RULESET if args.rules is None else args.rules
    ruleset, text = load_ruleset(spec), ruleset_source(spec)  # a bad ruleset writes nothing
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"无法创建文件夹 {folder}（{os_problem(error)}）") from None
    year = args.year if args.year is not None else dt.date.today().year
    write_file(rules, text)
    write_template(template, year=year, ruleset=ruleset)
    which = "默认规则" if args.rules is None else f"{ruleset.title}的副本"
    print(f"已写入：{rules}（{which}，可按本地办法修改）")
    print(f"已写入：{template}（{year} 年度"
          + ("" if args.year is not None else "，即今年；别的年度用 --year 指定")
          + "；党员名册、签到表、签到记录、负面清单、先锋示范、民主评议，下拉列表取自规则；填好后运行：）")
    print(f"  points score {template} -r {rules} -o 复核.xlsx")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    rules = _ruleset(args.rules)
    table = rule_table(rules)
    print(f"{rules.title}（{rules.name}）")
    for part, rows in table.groupby("部分", sort=False):
        print(f"\n【{part}】")
        shown = rows.drop(columns="部分").dropna(axis=1, how="all")
        for column in ("分值", "封顶"):
            if column in shown:
                shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:g}")
        shown = shown.astype("string").fillna("")
        print(terminal.table(shown))
    return 0


# -- the parser ------------------------------------------------------------------------------

