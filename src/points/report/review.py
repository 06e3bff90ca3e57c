"""The review workbook (复核工作簿) a secretary opens, prints and posts.

:meth:`points.AssessmentTables.to_excel` writes it; :meth:`points.AssessmentTables.to_excel_per_branch`
writes one per branch. The sheet names and column headers below are a public contract:

========  ===================================================================================
sheet     columns
========  ===================================================================================
汇总      党员编号, 姓名, 支部, 类别, one column per dimension (日常表现, 民主评议, 先锋示范,
          扣分 in the default rules), 调整, 总积分, 建议等次, 支部排名, 提示数, 转正建议
复核提示  党员编号, 姓名, 支部, 提示代码, 提示, 依据, 建议处理, 类别, 级别, 距六个月
积分明细  党员编号, 姓名, 日期, 规则, 积分, 来源, 维度, 规则编号 (积分明细2, … when longer
          than a sheet holds)
发展对象  党员编号, 姓名, 支部, 类别, 总积分, 排名, 择优档次, 推荐, 推荐顺序, 说明
支部统计  支部, 人数, 平均分, one column per grade, one per flag that occurs, 发展对象人数;
          beside it 分数段/人数 and 提示/数量, and three charts
数据问题  位置, 问题代码, 说明, 党员编号
积分规则  部分, 名称, 编号, 分值, 封顶, 说明: the ruleset as applied, then its SHA-256, the
          input files with their SHA-256, the library version, the year and the as-of date
========  ===================================================================================

The 公示 version (``public=True``) has one sheet, ``公示``: 姓名, 支部, 总积分, 建议等次.
Phone and ID-card columns are never read, so they never appear in any output.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs
import numpy as np
import pandas as pd

from .._version import __version__
from ..judge.assessment import AssessmentTables
from ..vocab.codes import FLAG_CODES
from ..vocab.errors import ArgumentError, OutputError
from ..vocab.frames import sort_frame
from ..vocab.statuses import STATUS_LABELS
from .common import check_target, new_book, not_an_input
from .ruletable import RULE_TABLE_COLUMNS, rule_table
from .xlsx import MAX_ROWS, Book, Column, atomic_write, safe_filename

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

__all__ = ["LedgerOption", "mask_name", "write_per_branch", "write_review"]

LedgerOption = Literal["sheets", "csv", "parquet", "none"]
COUNTY_FILE = "全部支部"
SEVERE = ("six_month_rule", "zeroed", "probation_revoke", "grade_unqualified")
RED, ORANGE, GREEN = "#F8CBAD", "#FFE699", "#C6EFCE"


def mask_name(names: pd.Series) -> pd.Series:
    """``张三`` → ``张*``, ``张三丰`` → ``张*丰``, ``欧阳小明`` → ``欧**明``; one character stays."""
    text = names.astype("string").fillna("")
    n = text.str.len()
    middle = pd.Series(["*" * max(k - 2, 1) for k in range(int(n.max() or 0) + 1)],
                       dtype="string")
    stars = middle.reindex(n.to_numpy()).reset_index(drop=True)
    stars.index = text.index
    masked = text.str.slice(0, 1) + stars + text.str.slice(-1).where(n > 2, "")
    return masked.where(n > 1, text)


def _people(assessment: AssessmentTables) -> pd.DataFrame:
    """One row per assessed person, members first within each branch, by branch rank."""
    ranked = assessment.rankings
    kind = np.where(ranked["kind"] == "member", 0, 1)
    return sort_frame(ranked.assign(_kind=kind), ["branch", "_kind", "branch_rank", "member_id"]
                      ).drop(columns="_kind").reset_index(drop=True)


def _suggested(people: pd.DataFrame) -> pd.Series:
    return people["grade"].fillna(people["candidate_band"]).astype("string")


# -- sheets ---------------------------------------------------------------------------------

def _summary(book: Book, a: AssessmentTables, people: pd.DataFrame) -> None:
    dims = a.ruleset.dimensions
    totals = a.totals.set_index("member_id")
    flags = a.flags["member_id"].value_counts()
    frame = pd.DataFrame({
        "党员编号": people["member_id"], "姓名": people["name"], "支部": people["branch"],
        "类别": people["category"]})
    for d in dims:
        frame[d.label] = totals[d.id].reindex(people["member_id"]).to_numpy()
    frame["调整"] = totals["adjustment"].reindex(people["member_id"]).to_numpy()
    frame["总积分"] = people["total"]
    frame["建议等次"] = _suggested(people)
    frame["支部排名"] = people["branch_rank"]
    frame["提示数"] = flags.reindex(people["member_id"]).fillna(0).astype("int64").to_numpy()
    frame["转正建议"] = people["probation_band"]
    columns = [Column("党员编号"), Column("姓名"), Column("支部"), Column("类别")]
    columns += [Column(d.label, "points", 12) for d in dims]
    columns += [Column("调整", "points", 10), Column("总积分", "points", 10),
                Column("建议等次", "text", 12), Column("支部排名", "int", 10),
                Column("提示数", "int", 8), Column("转正建议", "text", 14)]
    ws = book.table("汇总", frame, columns, freeze_columns=2)
    n = len(frame)
    col = {c.header: i for i, c in enumerate(columns)}
    _grade_colours(book, ws, a, n, col["建议等次"])
    _colour_if(book, ws, n, col["转正建议"], [b.name for b in a.ruleset.probation if b.flag], RED)
    ws.conditional_format(1, col["提示数"], max(n, 1), col["提示数"],
                          {"type": "cell", "criteria": ">", "value": 0,
                           "format": book.workbook.add_format({"bg_color": RED})})
    ws.conditional_format(1, col["总积分"], max(n, 1), col["总积分"],
                          {"type": "data_bar", "bar_color": "#9BC2E6", "bar_solid": True})


def _grade_colours(book: Book, ws: Worksheet, a: AssessmentTables, n: int, col: int) -> None:
    rs = a.ruleset
    good = [rs.grades.top] if rs.grades is not None else []
    good += [rs.candidate_bands[0].name] if rs.candidate_bands else []
    bad = [b.name for b in (rs.grades.bands if rs.grades is not None else ())
           if b.flag == "grade_unqualified"]
    warn = [b.name for b in (rs.grades.bands if rs.grades is not None else ())
            if b.flag and b.flag != "grade_unqualified"]
    _colour_if(book, ws, n, col, good, GREEN)
    _colour_if(book, ws, n, col, bad, RED)
    _colour_if(book, ws, n, col, warn, ORANGE)


def _colour_if(book: Book, ws: Worksheet, n: int, col: int, values: Sequence[str],
               colour: str) -> None:
    fmt = book.workbook.add_format({"bg_color": colour})
    for value in dict.fromkeys(values):
        quoted = '"' + value.replace('"', '""') + '"'
        ws.conditional_format(1, col, max(n, 1), col,
                              {"type": "cell", "criteria": "==", "value": quoted, "format": fmt})


def _flags(book: Book, a: AssessmentTables) -> None:
    f = a.flags
    frame = pd.DataFrame({
        "党员编号": f["member_id"], "姓名": f["name"], "支部": f["branch"], "提示代码": f["code"],
        "提示": f["label"], "依据": f["evidence"], "建议处理": f["action"], "类别": f["category"],
        "级别": f["level"], "距六个月": f["months_to_six_month_rule"]})
    columns = [Column("党员编号"), Column("姓名"), Column("支部"), Column("提示代码", "text", 20),
               Column("提示", "text", 24), Column("依据", "wrap", 60), Column("建议处理", "text", 24),
               Column("类别"), Column("级别", "int", 6), Column("距六个月", "int", 10)]
    ws = book.table("复核提示", frame, columns, freeze_columns=2)
    _colour_if(book, ws, len(frame), 3, SEVERE, RED)
    _colour_if(book, ws, len(frame), 3, [c for c in FLAG_CODES if c not in SEVERE], ORANGE)


LEDGER_COLUMNS = [Column("党员编号"), Column("姓名"), Column("日期", "date", 12),
                  Column("规则", "text", 30), Column("积分", "points", 8), Column("来源", "text", 60),
                  Column("维度", "text", 10), Column("规则编号", "text", 30)]


def ledger_table(a: AssessmentTables) -> pd.DataFrame:
    """The ledger with Chinese headers, as the 积分明细 sheet shows it."""
    led = a.ledger
    names = a.members.set_index("member_id")["name"]
    status = led["status"].astype("string").fillna("")
    shown = status.map(STATUS_LABELS).astype("string").fillna(status)
    rule = (led["item"].astype("string").fillna("")
            + ("（" + shown + "）").where(shown != "", ""))
    labels = a.dimension_labels
    return pd.DataFrame({
        "党员编号": led["member_id"], "姓名": names.reindex(led["member_id"]).to_numpy(),
        "日期": led["date"], "规则": rule, "积分": led["points"], "来源": led["source"],
        "维度": led["dimension"].map(labels).astype("string").fillna(led["dimension"]),
        "规则编号": led["rule"]})


def _ledger(book: Book, a: AssessmentTables, path: Path, option: LedgerOption, rows_per_sheet: int
            ) -> list[Path]:
    if option == "none":
        return []
    frame = ledger_table(a)
    if option in ("csv", "parquet"):
        side = path.with_name(f"{path.stem}-积分明细.{option}")
        not_an_input(side, a)
        if option == "csv":
            atomic_write(side, lambda h: h.write(frame.to_csv(index=False).encode("utf-8-sig")))
        else:
            atomic_write(side, lambda h: frame.to_parquet(h, index=False))
        ws = book.sheet("积分明细")
        book.write_text(ws, 0, 0, f"积分明细共 {len(frame)} 行，另存为 {side.name}（与本工作簿同一文件夹）")
        return [side]
    per = rows_per_sheet - 1
    for part in range(max(1, math.ceil(len(frame) / per))):
        name = "积分明细" if part == 0 else f"积分明细{part + 1}"
        book.table(name, frame.iloc[part * per:(part + 1) * per], LEDGER_COLUMNS, freeze_columns=2)
    return []


def _candidates(book: Book, a: AssessmentTables) -> None:
    c = a.candidates
    frame = pd.DataFrame({
        "党员编号": c["member_id"], "姓名": c["name"], "支部": c["branch"], "类别": c["category"],
        "总积分": c["total"], "排名": c["rank"], "择优档次": c["band"],
        "推荐": np.where(c["selected"].to_numpy(dtype=bool), "是", "否"),
        "推荐顺序": c["place"], "说明": c["reason"]})
    columns = [Column("党员编号"), Column("姓名"), Column("支部"), Column("类别"),
               Column("总积分", "points", 10), Column("排名", "int", 8), Column("择优档次"),
               Column("推荐", "text", 8), Column("推荐顺序", "int", 10), Column("说明", "wrap", 50)]
    ws = book.table("发展对象", frame, columns, freeze_columns=2)
    if a.ruleset.candidate_bands:
        _colour_if(book, ws, len(frame), 6, [a.ruleset.candidate_bands[0].name], GREEN)


def _bins(totals: pd.Series) -> pd.DataFrame:
    if totals.empty:
        return pd.DataFrame({"分数段": pd.Series(dtype="string"), "人数": pd.Series(dtype="int64")})
    low, high = math.floor(totals.min() / 10) * 10, math.floor(totals.max() / 10) * 10
    step = 10 * max(1, math.ceil((high - low) / 10 / 20))
    edges = np.arange(low, high + step + 1, step)
    counts = np.histogram(totals.to_numpy(dtype="float64"), bins=edges)[0]
    labels = [f"{lo:g}–{hi - 0.1:g}" for lo, hi in itertools.pairwise(edges)]
    return pd.DataFrame({"分数段": pd.Series(labels, dtype="string"), "人数": counts})


def _branches(book: Book, a: AssessmentTables, people: pd.DataFrame) -> None:
    rs = a.ruleset
    members = people[people["kind"] == "member"]
    branches = pd.Index(sorted(people["branch"].unique()), name="支部")
    table = pd.DataFrame(index=branches)
    table["人数"] = members.groupby("branch").size().reindex(branches).fillna(0).astype("int64")
    table["平均分"] = members.groupby("branch")["total"].mean().reindex(branches).round(1)
    grades = [b.name for b in rs.grades.bands] if rs.grades is not None else []
    counts = members.groupby(["branch", "grade"]).size().unstack(fill_value=0)
    for grade in grades:
        table[grade] = (counts[grade] if grade in counts else pd.Series(dtype="int64")
                        ).reindex(branches).fillna(0).astype("int64")
    codes = [c for c in FLAG_CODES if c in set(a.flags["code"])]
    flagged = a.flags.groupby(["branch", "code"]).size().unstack(fill_value=0)
    for code in codes:
        table[FLAG_CODES[code].label] = flagged[code].reindex(branches).fillna(0).astype("int64")
    table["发展对象人数"] = (people[people["kind"] == "candidate"].groupby("branch").size()
                        .reindex(branches).fillna(0).astype("int64"))
    table = table.reset_index()
    main = len(table.columns)
    bins = _bins(members["total"])
    by_code = pd.DataFrame({"提示": [FLAG_CODES[c].label for c in codes],
                            "数量": [int((a.flags["code"] == c).sum()) for c in codes]})
    frame = pd.concat([table, pd.DataFrame({" ": pd.Series(dtype="string")}), bins,
                       pd.DataFrame({"  ": pd.Series(dtype="string")}), by_code], axis=1)
    columns = [Column("支部", "text", 30), Column("人数", "int", 8), Column("平均分", "points", 8)]
    columns += [Column(str(h), "int", 12) for h in table.columns[3:]]
    columns += [Column("", "text", 2), Column("分数段", "text", 10), Column("人数", "int", 8),
                Column("", "text", 2), Column("提示", "text", 30), Column("数量", "int", 8)]
    ws = book.table("支部统计", frame, columns, freeze_columns=1, filter_columns=main)
    name = "支部统计"
    nb, nbins, ncodes = len(table), len(bins), len(by_code)
    below = max(nb, nbins, ncodes) + 3
    charts = [("各支部党员平均积分", "column", [name, 1, 0, max(nb, 1), 0],
               [name, 1, 2, max(nb, 1), 2], "平均分"),
              ("党员总积分分布", "column", [name, 1, main + 1, max(nbins, 1), main + 1],
               [name, 1, main + 2, max(nbins, 1), main + 2], "人数"),
              ("复核提示（按类别）", "bar", [name, 1, main + 4, max(ncodes, 1), main + 4],
               [name, 1, main + 5, max(ncodes, 1), main + 5], "数量")]
    for i, (title, kind, categories, values, series) in enumerate(charts):
        chart = book.workbook.add_chart({"type": kind})
        chart.add_series({"name": series, "categories": categories, "values": values,
                          "data_labels": {"value": True}})
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        chart.set_size({"width": 640, "height": 300})
        axis = {"min": 0, "major_gridlines": {"visible": True}}
        if kind == "bar":
            chart.set_x_axis(axis)
        else:
            chart.set_y_axis(axis)
        ws.insert_chart(below + i * 17, 0, chart)


def _issues(book: Book, a: AssessmentTables) -> None:
    i = a.issues
    frame = pd.DataFrame({"位置": i["source"], "问题代码": i["code"], "说明": i["message"],
                          "党员编号": i["member_id"]})
    book.table("数据问题", frame, [Column("位置", "text", 50), Column("问题代码", "text", 20),
                                   Column("说明", "wrap", 70), Column("党员编号")])


def _rules(book: Book, a: AssessmentTables) -> None:
    table = rule_table(a.ruleset)
    rs = a.ruleset
    meta: list[tuple[str, str, str, float | None, float | None, str]] = [
        ("规则文件", "SHA-256", "", None, None, rs.sha256 or "（在 Python 中构建，无文件）")]
    meta += [("输入文件", Path(p).name, "", None, None, f"SHA-256 {h}（{p}）") for p, h in a.files]
    meta += [("程序", "points 版本", "", None, None, __version__),
             ("统计期", "年度", "", float(a.year), None, f"{a.year}年"),
             ("统计期", "统计截至", "", None, None,
              f"{a.as_of:%Y-%m-%d}" if a.as_of is not None else f"{a.year}-12-31（全年）")]
    frame = pd.concat([table, pd.DataFrame(meta, columns=RULE_TABLE_COLUMNS)], ignore_index=True)
    book.table("积分规则", frame, [Column("部分", "text", 16), Column("名称", "text", 30),
                                   Column("编号", "text", 24), Column("分值", "points", 8),
                                   Column("封顶", "points", 8), Column("说明", "wrap", 70)])


def _public(book: Book, a: AssessmentTables, people: pd.DataFrame, mask: bool) -> None:
    names = mask_name(people["name"]) if mask else people["name"]
    frame = pd.DataFrame({"姓名": names, "支部": people["branch"], "总积分": people["total"],
                          "建议等次": _suggested(people)})
    ws = book.table("公示", frame, [Column("姓名"), Column("支部", "text", 30),
                                    Column("总积分", "points", 10), Column("建议等次", "text", 12)])
    ws.set_header(f"&C&14{a.period_text}党员积分公示")
    ws.fit_to_pages(1, 0)
    ws.set_portrait()
    _grade_colours(book, ws, a, len(frame), 3)


# -- the public entry points ----------------------------------------------------------------

def write_review(a: AssessmentTables, path: str | Path, *, public: bool = False,
                 mask_names: bool = False, ledger: LedgerOption = "sheets",
                 rows_per_sheet: int = MAX_ROWS) -> list[Path]:
    """Write the review workbook (or the 公示 version); return the paths written."""
    target = Path(path)
    check_target(target, a)
    if ledger not in ("sheets", "csv", "parquet", "none"):
        raise ArgumentError(f"ledger（积分明细）：应为 'sheets'、'csv'、'parquet' 或 'none'，实际是 {ledger!r}")
    people = _people(a)
    if public:
        book = new_book(a, f"{a.period_text}党员积分公示")
        _public(book, a, people, mask_names)
        book.save(target)
        return [target]
    book = new_book(a, f"{a.period_text}党员积分复核")
    _summary(book, a, people)
    _flags(book, a)
    written = _ledger(book, a, target, ledger, rows_per_sheet)
    _candidates(book, a)
    _branches(book, a, people)
    _issues(book, a)
    _rules(book, a)
    book.save(target)
    return [target, *written]


def branch_view(a: AssessmentTables, branch: str) -> AssessmentTables:
    """The part of ``a`` about one branch (ranks and grades as computed for the whole)."""
    ids = a.members.loc[a.members["branch"] == branch, "member_id"]

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["member_id"].isin(ids).to_numpy()].reset_index(drop=True)

    return attrs.evolve(a, members=keep(a.members), ledger=keep(a.ledger), totals=keep(a.totals),
                        monthly=keep(a.monthly), issues=keep(a.issues), events=keep(a.events),
                        logs=keep(a.logs), rankings=keep(a.rankings), flags=keep(a.flags),
                        evidence=keep(a.evidence), candidates=keep(a.candidates))


def write_per_branch(a: AssessmentTables, directory: str | Path, *, public: bool = False,
                     mask_names: bool = False) -> dict[str, Path]:
    """One workbook per branch in ``directory`` (created if missing), named after the branch,
    plus ``全部支部.xlsx``: the whole without the ledger. Returns branch → path, with the
    whole under ``""``."""
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise OutputError(folder, "已存在同名文件，请给出一个文件夹")
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    whole = folder / f"{safe_filename(COUNTY_FILE, taken)}.xlsx"
    out = {"": whole}
    for branch in sorted(a.members["branch"].unique()):
        out[branch] = folder / f"{safe_filename(branch or '未填支部', taken)}.xlsx"
    for branch, path in out.items():
        if branch:
            write_review(branch_view(a, branch), path, public=public, mask_names=mask_names)
    write_review(a, whole, public=public, mask_names=mask_names, ledger="none")
    return out
