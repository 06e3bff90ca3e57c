"""依据明细: every record a review flag rests on, one row each, linked to its source cell.

复核提示 keeps one short line per flag; the records behind it are here, in the order of
复核提示 (then by date), each 来源 a hyperlink to the cell of the input workbook it came from
(see :mod:`points.report.links`). Longer than a sheet holds: continued on 依据明细2, ….
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ...judge.assessment import AssessmentTables
from ...vocab.codes import FLAG_CODES
from ...vocab.frames import positions
from ..cells import text_array, text_series
from ..links import link_targets
from ..xlsx import MAX_ROWS, Book, Column

__all__ = ["EVIDENCE_COLUMNS", "SHEET", "evidence_table", "write_evidence"]

SHEET = "依据明细"
EVIDENCE_COLUMNS = [Column("党员编号"), Column("姓名"), Column("支部"), Column("提示", "wrap", 20),
                    Column("月份", "int", 6), Column("日期", "date", 12), Column("记录", "text", 20),
                    Column("状态", "text", 10), Column("说明", "wrap", 40),
                    Column("来源", "text", 60), Column("提示代码", "text", 20)]
SOURCE = 9  # the 来源 column


def evidence_table(a: AssessmentTables) -> pd.DataFrame:
    """``a.evidence`` with Chinese headers and labels, in the order of the flags it backs.
    Each record's flag and member found by position (Arrow's hash lookup of the texts), not
    by a pandas index on text."""
    ev = a.evidence
    place = positions(_keys(ev), _keys(a.flags))
    place[place < 0] = len(a.flags)
    ev = ev.iloc[np.argsort(place, kind="stable")].reset_index(drop=True)
    at = pa.array(positions(ev["member_id"], a.members["member_id"]))
    at = pc.if_else(pc.less(at, 0), pa.scalar(None, at.type), at)

    def member(column: str) -> pd.Series:
        return text_series(text_array(a.members[column]).take(at), ev.index)

    labels = {c: f.label for c, f in FLAG_CODES.items()}
    code = ev["code"].astype("string")
    return pd.DataFrame({
        "党员编号": ev["member_id"], "姓名": member("name"), "支部": member("branch"),
        "提示": code.map(labels).astype("string").fillna(code),
        "月份": ev["month"].to_numpy(), "日期": ev["date"], "记录": ev["record"], "状态": ev["status"],
        "说明": ev["detail"], "来源": ev["source"], "提示代码": code})


def _keys(frame: pd.DataFrame) -> pd.Series:
    """``member_id`` and ``code`` of each row as one text (missing when either is)."""
    key = pc.binary_join_element_wise(text_array(frame["member_id"]), text_array(frame["code"]),
                                      pa.scalar("\x1f", pa.large_string()))
    return text_series(key, frame.index)


def write_evidence(book: Book, a: AssessmentTables, folder: Path,
                   rows_per_sheet: int = MAX_ROWS) -> None:
    """Add the 依据明细 sheet(s); each 来源 links to its cell in the input file, as seen from
    ``folder`` (where the workbook is written)."""
    frame = evidence_table(a)
    per = rows_per_sheet - 1
    for part in range(max(1, math.ceil(len(frame) / per))):
        rows = frame.iloc[part * per:(part + 1) * per].reset_index(drop=True)
        ws = book.table(SHEET if part == 0 else f"{SHEET}{part + 1}", rows, EVIDENCE_COLUMNS,
                        freeze_columns=2)
        book.link(ws, SOURCE, *link_targets(rows["来源"], a.files, folder))
