"""支部统计: per branch the head count, mean, attendance (出勤率 = attended / scheduled of its
members' activities, and 请假率 apart, :mod:`points.score.rates`), grades and candidates; below
it the flags per branch (提示条数), in stacked tables of at most :data:`FLAGS_PER_TABLE` flags
each (支部 repeated), so that no table is wider than an A4 landscape page can print at a
readable size; below them the score distribution (分数段/人数) and the flags by code
(提示/数量), then three charts, one below the other, each with every category labelled."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from ...judge.assessment import AssessmentTables
from ...score.rates import COUNTS
from ...vocab.codes import FLAG_CODES
from ...vocab.frames import positions
from ..cells import display_width, text_width
from ..xlsx import Book, Column, Kind
from .people import attendance_counts

if TYPE_CHECKING:
    from xlsxwriter.chart import Chart
    from xlsxwriter.worksheet import Worksheet

__all__ = ["write_branches"]

SHEET = "支部统计"
#: Pixels: a row's default height, and the printable width and height of an A4 landscape page
#: (at 96 dpi, within the margins of :meth:`points.report.xlsx.Book.sheet`, less a little).
ROW, PAGE_WIDTH, PAGE_HEIGHT = 20, 980, 600
#: Flag columns in each stacked 提示条数 table (with 支部: ten columns, readable on A4 landscape).
FLAGS_PER_TABLE = 9
#: Width (characters) of a flag column: its header wraps to a few lines.
FLAG_WIDTH = 10


def _bins(totals: pd.Series) -> pd.DataFrame:
    """分数段/人数: ten-point bins (wider when there would be more than 20) over the finite
    totals (a total of ±∞, from a ruleset without bounds, falls in no bin)."""
    totals = totals[np.isfinite(totals.to_numpy(dtype="float64", na_value=np.nan))]
    if totals.empty:
        return pd.DataFrame({"分数段": pd.Series(dtype="string"), "人数": pd.Series(dtype="int64")})
    low, high = math.floor(totals.min() / 10) * 10, math.floor(totals.max() / 10) * 10
    step = 10 * max(1, math.ceil((high - low) / 10 / 20))
    edges = np.arange(low, high + step + 1, step)
    counts = np.histogram(totals.to_numpy(dtype="float64"), bins=edges)[0]
    labels = [f"{lo:g}–{hi - 0.1:g}" for lo, hi in itertools.pairwise(edges)]
    return pd.DataFrame({"分数段": pd.Series(labels, dtype="string"), "人数": counts})


def _per_branch(a: AssessmentTables, people: pd.DataFrame, codes: list[str]
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The main table (支部, 人数, 平均分, 出勤率, 请假率, one column per grade, 发展对象人数)
    and the flag counts (支部 and one column per flag code), both a row per branch. Counted
    on the branches' positions (integers), not grouped by their names."""
    members = people[people["kind"] == "member"]
    branches = pd.Index(sorted(people["branch"].unique()), name="支部")
    n = len(branches)
    names = pd.Series(branches)

    def count(where: np.ndarray, by: np.ndarray | None = None) -> np.ndarray:
        keep = where >= 0 if by is None else (where >= 0) & (by >= 0)
        return np.bincount(where[keep], minlength=n).astype("int64")

    at = positions(members["branch"], names)
    table = pd.DataFrame(index=branches)
    table["人数"] = count(at)
    table["平均分"] = members["total"].groupby(at).mean().reindex(range(n)).round(1).to_numpy()
    rates = _branch_rates(a, branches)
    table["出勤率"] = rates["rate"].to_numpy()
    table["请假率"] = rates["leave_rate"].to_numpy()
    rs = a.ruleset
    grade = members["grade"].astype("string").fillna("").to_numpy(dtype=object)
    for band in [b.name for b in rs.grades.bands] if rs.grades is not None else []:
        table[band] = count(np.where(grade == band, at, -1))
    table["发展对象人数"] = count(positions(people.loc[people["kind"] == "candidate", "branch"],
                                        names))
    flagged = positions(a.flags["branch"], names)
    flag_codes = a.flags["code"].astype("string").fillna("").to_numpy(dtype=object)
    flags = pd.DataFrame(index=branches)
    for code in codes:
        flags[FLAG_CODES[code].label] = count(np.where(flag_codes == code, flagged, -1))
    return table.reset_index(), flags.reset_index()


def _branch_rates(a: AssessmentTables, branches: pd.Index) -> pd.DataFrame:
    """``rate`` and ``leave_rate`` (see :func:`points.score.rates.attendance_rates`) of the
    members' (not the candidates') events per branch of ``branches``, in that order: the
    members' counts (:func:`.people.attendance_counts`, shared with 汇总) summed by branch."""
    counts = attendance_counts(a)
    people = a.members.drop_duplicates("member_id")
    at = positions(pd.Series(counts.index), people["member_id"])
    member = np.append((people["kind"] == "member").fillna(False).to_numpy(dtype=bool), False)
    branch = np.append(positions(people["branch"], pd.Series(branches)), -1)[at]
    keep = member[at] & (branch >= 0)
    summed = pd.DataFrame({c: np.bincount(branch[keep], counts[c].to_numpy()[keep],
                                          minlength=len(branches)).astype("int64")
                           for c in COUNTS})
    scheduled = summed["scheduled"].where(summed["scheduled"] > 0)
    return pd.DataFrame({"rate": (summed["attended"] / scheduled).astype("float64"),
                         "leave_rate": (summed["leave"] / scheduled).astype("float64")})


class _Layout(NamedTuple):
    """Where the parts of the sheet are: the first row of each table (its header) and of the
    charts, and the number of rows of each table."""

    branches: int
    flags_tops: list[int]
    bins_top: int
    bins: int
    codes_top: int
    codes: int
    charts_top: int


def _layout(nb: int, nflags: int, nbins: int, ncodes: int) -> _Layout:
    tables = math.ceil(nflags / FLAGS_PER_TABLE)
    flags_tops = [nb + 2 + k * (nb + 2) for k in range(tables)]
    bins_top = nb + 2 + tables * (nb + 2)
    codes_top = bins_top + nbins + 2
    return _Layout(nb, flags_tops, bins_top, nbins, codes_top, ncodes, codes_top + ncodes + 2)


def _flag_tables(book: Book, ws: Worksheet, flags: pd.DataFrame, at: _Layout) -> None:
    """The flag counts as stacked tables of 支部 and up to :data:`FLAGS_PER_TABLE` flags, the
    rows built a kind of cell at a time (:meth:`points.report.xlsx.Book.rows_below`; a count
    per branch is never missing: zero when none)."""
    labels = list(flags.columns[1:])
    for k, top in enumerate(at.flags_tops):
        part = labels[k * FLAGS_PER_TABLE:(k + 1) * FLAGS_PER_TABLE]
        book.write_text(ws, top, 0, "支部", "header")
        lines = 1
        for index, label in enumerate(part, start=1):
            book.write_text(ws, top, index, label, "header")
            lines = max(lines, math.ceil(text_width(label) / (FLAG_WIDTH - 1)))
        ws.set_row(top, 15 * min(lines, 6))
        counts: list[Kind] = ["int"] * len(part)
        kinds: list[Kind] = ["text", *counts]
        book.rows_below(ws, top + 1, flags[["支部", *part]], kinds)


def _chart(book: Book, kind: str, title: str, series: str, categories: list[Any],
           values: list[Any], n: int, width: int) -> tuple[Chart, int]:
    """A chart of one series with every category labelled (long runs of labels turned), as
    wide as the table; and its height."""
    chart = book.workbook.add_chart({"type": kind})
    chart.add_series({"name": series, "categories": categories, "values": values,
                      "data_labels": {"value": True}})
    chart.set_title({"name": title, "name_font": {"size": 12}})
    chart.set_legend({"none": True})
    labels: dict[str, Any] = {"interval_unit": 1, "num_font": {"size": 9}}
    values_axis = {"min": 0, "major_gridlines": {"visible": True}}
    if kind == "bar":  # categories down the side, in table order, each on its own line
        chart.set_y_axis({**labels, "reverse": True, "crossing": "max"})
        chart.set_x_axis(values_axis)
        height = max(width // 4, 70 + 22 * n)
    else:
        if n > 8:
            labels["num_font"]["rotation"] = -45
        chart.set_x_axis(labels)
        chart.set_y_axis(values_axis)
        height = width // 4
    chart.set_size({"width": width, "height": height})
    return chart, height


def _charts(book: Book, ws: Worksheet, at: _Layout, width: int) -> None:
    """The three charts below the tables, one below the other, from a new page on; a chart
    that would not fit on the rest of a printed page starts the next one."""
    def span(top: int, n: int, col: int) -> list[Any]:
        return [SHEET, top + 1, col, top + max(n, 1), col]

    charts = [
        _chart(book, "column", "各支部党员平均积分", "平均分", span(0, at.branches, 0),
               span(0, at.branches, 2), at.branches, width),
        _chart(book, "column", "党员总积分分布", "人数", span(at.bins_top, at.bins, 0),
               span(at.bins_top, at.bins, 1), at.bins, width),
        _chart(book, "bar", "复核提示（按类别）", "数量", span(at.codes_top, at.codes, 0),
               span(at.codes_top, at.codes, 1), at.codes, width)]
    page = PAGE_HEIGHT / min(1.0, PAGE_WIDTH / width)  # sheet pixels on one printed page
    top, used, breaks = at.charts_top, 0, [at.charts_top]
    for chart, height in charts:
        rows = math.ceil(height / ROW) + 1
        if used and used + rows * ROW > page:
            breaks.append(top)
            used = 0
        ws.insert_chart(top, 0, chart)
        top, used = top + rows, used + rows * ROW
    ws.set_h_pagebreaks(breaks)


def write_branches(book: Book, a: AssessmentTables, people: pd.DataFrame) -> None:
    """Add the 支部统计 sheet for ``people`` (see :func:`.people.people`): the table per
    branch, below it the flag counts per branch, 分数段/人数 and 提示/数量, then the charts,
    one below the other."""
    present = set(a.flags["code"].dropna().unique().tolist())  # (once, not once per code)
    codes = [c for c in FLAG_CODES if c in present]
    table, flags = _per_branch(a, people, codes)
    bins = _bins(people.loc[people["kind"] == "member", "total"])
    counted = a.flags["code"].value_counts()
    by_code = pd.DataFrame({"提示": [FLAG_CODES[c].label for c in codes],
                            "数量": [int(counted[c]) for c in codes]})
    columns = [Column("支部", "text", 30), Column("人数", "int", 8), Column("平均分", "points", 8),
               Column("出勤率", "percent", 8), Column("请假率", "percent", 8)]
    columns += [Column(str(h), "int", 9) for h in table.columns[5:]]
    ws = book.table(SHEET, table, columns, freeze_columns=1, repeat=False)
    at = _layout(len(table), len(codes), len(bins), len(by_code))
    _flag_tables(book, ws, flags, at)
    book.cells(ws, at.bins_top, bins, [Column("分数段"), Column("人数", "int")])
    book.cells(ws, at.codes_top, by_code, [Column("提示"), Column("数量", "int")])
    labels = pd.concat([table["支部"], by_code["提示"]]).astype("string")
    first = min(max(display_width(labels) + 2, 10), 36)
    ws.set_column(0, 0, first)
    widths = [first, *book.widths(ws)[1:]]
    if codes:  # the flag columns wrap their headers at a width of their own
        n = min(len(codes), FLAGS_PER_TABLE)
        widths += [0.0] * (n + 1 - len(widths))
        for index in range(1, n + 1):
            widths[index] = max(widths[index], FLAG_WIDTH)
            ws.set_column(index, index, widths[index])
    _charts(book, ws, at, max(int(sum(w * 7 + 5 for w in widths)), 600))
