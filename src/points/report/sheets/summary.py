"""汇总: one row per assessed person with the dimension totals, grade, rating (when the ruleset
has ``[rating]``: a column named by its ``label``, e.g. 星级), rank, attendance rate
(出勤率 = attended / scheduled, :mod:`points.score.rates`; 请假 the leaves apart) and flag
count."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...judge.assessment import AssessmentTables
from ...vocab.frames import positions
from ..xlsx import Book, Column
from .colours import GREEN, ORANGE, RED, colour_if, grade_colours
from .people import attendance_counts

__all__ = ["PROVISIONAL", "SIGN_OFF", "write_summary"]

#: The note on the right of 汇总's page header in a run up to an as-of date.
PROVISIONAL = "截至统计日，建议等次为预计，年底前还会变化"
#: The line below the last row of 汇总, where the paper is signed.
SIGN_OFF = "制表人：__________      审核人：__________      日期：__________"


def _frame(a: AssessmentTables, people: pd.DataFrame) -> pd.DataFrame:
    ids = people["member_id"]
    totals = a.totals
    order = positions(ids, totals["member_id"])  # once (-1: none)
    frame = pd.DataFrame({
        "党员编号": ids, "姓名": people["name"], "支部": people["branch"],
        "类别": people["category"]})
    for d in a.ruleset.dimensions:
        frame[d.label] = _at(totals[d.id], order)
    frame["调整"] = _at(totals["adjustment"], order)
    frame["总积分"] = people["total"]
    frame["建议等次"] = people["grade"].astype("string")  # members; candidates have 择优档次
    if a.ruleset.rating is not None:
        frame[a.ruleset.rating.label] = people["rating"]
    frame["支部排名"] = people["branch_rank"]
    counts = attendance_counts(a)
    at = positions(ids, pd.Series(counts.index))
    scheduled, attended, leave = (np.append(counts[c].to_numpy(dtype="int64"), 0)[at]
                                  for c in ("scheduled", "attended", "leave"))
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["出勤率"] = np.where(scheduled > 0, attended / scheduled, np.nan)
    frame["请假"] = leave
    flagged, flag_ids = pd.factorize(a.flags["member_id"])
    per = np.append(np.bincount(flagged[flagged >= 0], minlength=len(flag_ids)), 0)
    frame["提示数"] = per[positions(ids, pd.Series(flag_ids))].astype("int64")
    frame["转正建议"] = people["probation_band"]
    frame["择优档次"] = people["candidate_band"].astype("string")
    return frame


def _at(values: pd.Series, order: np.ndarray) -> np.ndarray:
    """``values`` at positions ``order`` as NumPy values (NaN at -1, as ``reindex`` gives)."""
    if (order >= 0).all():
        return values.to_numpy()[order]
    return np.append(values.to_numpy(dtype="float64", na_value=np.nan), np.nan)[order]


def write_summary(book: Book, a: AssessmentTables, people: pd.DataFrame) -> None:
    """Add the 汇总 sheet for ``people`` (see :func:`.people.people`), with the sign-off line
    :data:`SIGN_OFF` after a blank row below the last."""
    frame = _frame(a, people)
    columns = [Column("党员编号"), Column("姓名"), Column("支部"), Column("类别")]
    columns += [Column(d.label, "points", 12) for d in a.ruleset.dimensions]
    columns += [Column("调整", "points", 10), Column("总积分", "points", 10),
                Column("建议等次", "text", 12)]
    rating = a.ruleset.rating
    if rating is not None:
        columns.append(Column(rating.label, "text", 14))
    columns += [Column("支部排名", "int", 10), Column("出勤率", "percent", 8),
                Column("请假", "int", 6), Column("提示数", "int", 8),
                Column("转正建议", "text", 14), Column("择优档次", "text", 12)]
    ws = book.table("汇总", frame, columns, freeze_columns=2)
    if a.as_of is not None:  # a run before the year is over: the grades are provisional
        ws.set_header(book.header(PROVISIONAL), margin=0.35)
    n = len(frame)
    col = {c.header: i for i, c in enumerate(columns)}
    grade_colours(book, ws, a, n, col["建议等次"])
    grade_colours(book, ws, a, n, col["择优档次"])  # (the first band green)
    if rating is not None:
        colour_if(book, ws, n, col[rating.label], [rating.bands[0].name], GREEN)
        colour_if(book, ws, n, col[rating.label], [b.name for b in rating.bands if b.flag], ORANGE)
    colour_if(book, ws, n, col["转正建议"], [b.name for b in a.ruleset.probation if b.flag], RED)
    ws.conditional_format(1, col["提示数"], max(n, 1), col["提示数"],
                          {"type": "cell", "criteria": ">", "value": 0,
                           "format": book.workbook.add_format({"bg_color": RED})})
    ws.conditional_format(1, col["总积分"], max(n, 1), col["总积分"],
                          {"type": "data_bar", "bar_color": "#9BC2E6", "bar_solid": True})
    ws.set_row(n + 2, 36)  # room to sign
    ws.write_string(n + 2, 0, SIGN_OFF)  # after a blank row, outside the filter
