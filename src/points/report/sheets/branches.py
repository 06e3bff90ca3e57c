"""支部统计: per branch the head count, mean, grades, flags and candidates; beside it the score
distribution (分数段/人数) and the flags by code (提示/数量); below it three charts."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...judge.assessment import AssessmentTables
from ...vocab.codes import FLAG_CODES
from ..xlsx import Book, Column

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

__all__ = ["write_branches"]

SHEET = "支部统计"


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


def _per_branch(a: AssessmentTables, people: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The main table: 支部, 人数, 平均分, one column per grade and per flag code, 发展对象人数."""
    members = people[people["kind"] == "member"]
    branches = pd.Index(sorted(people["branch"].unique()), name="支部")
    table = pd.DataFrame(index=branches)
    table["人数"] = members.groupby("branch").size().reindex(branches).fillna(0).astype("int64")
    table["平均分"] = members.groupby("branch")["total"].mean().reindex(branches).round(1)
    rs = a.ruleset
    grades = [b.name for b in rs.grades.bands] if rs.grades is not None else []
    counts = members.groupby(["branch", "grade"]).size().unstack(fill_value=0)
    for grade in grades:
        table[grade] = (counts[grade] if grade in counts else pd.Series(dtype="int64")
                        ).reindex(branches).fillna(0).astype("int64")
    flagged = a.flags.groupby(["branch", "code"]).size().unstack(fill_value=0)
    for code in codes:
        table[FLAG_CODES[code].label] = flagged[code].reindex(branches).fillna(0).astype("int64")
    table["发展对象人数"] = (people[people["kind"] == "candidate"].groupby("branch").size()
                        .reindex(branches).fillna(0).astype("int64"))
    return table.reset_index()


def _charts(book: Book, ws: Worksheet, main: int, nb: int, nbins: int, ncodes: int) -> None:
    """The three charts below the tables: mean by branch, the distribution, flags by code."""
    name = SHEET
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


def write_branches(book: Book, a: AssessmentTables, people: pd.DataFrame) -> None:
    """Add the 支部统计 sheet for ``people`` (see :func:`.people.people`)."""
    codes = [c for c in FLAG_CODES if c in set(a.flags["code"])]
    table = _per_branch(a, people, codes)
    main = len(table.columns)
    bins = _bins(people.loc[people["kind"] == "member", "total"])
    by_code = pd.DataFrame({"提示": [FLAG_CODES[c].label for c in codes],
                            "数量": [int((a.flags["code"] == c).sum()) for c in codes]})
    frame = pd.concat([table, pd.DataFrame({" ": pd.Series(dtype="string")}), bins,
                       pd.DataFrame({"  ": pd.Series(dtype="string")}), by_code], axis=1)
    columns = [Column("支部", "text", 30), Column("人数", "int", 8), Column("平均分", "points", 8)]
    columns += [Column(str(h), "int", 12) for h in table.columns[3:]]
    columns += [Column("", "text", 2), Column("分数段", "text", 10), Column("人数", "int", 8),
                Column("", "text", 2), Column("提示", "text", 30), Column("数量", "int", 8)]
    ws = book.table(SHEET, frame, columns, freeze_columns=1, filter_columns=main)
    _charts(book, ws, main, len(table), len(bins), len(by_code))

