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

from ...judge.assessment import AssessmentTables
from ...vocab.codes import FLAG_CODES
from ...vocab.frames import sort_frame
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
    """``a.evidence`` with Chinese headers and labels, in the order of the flags it backs."""
    ev = a.evidence
    flag_order = pd.Series(np.arange(len(a.flags)), index=pd.MultiIndex.from_frame(
        a.flags[["member_id", "code"]].astype("string")))
    keys = pd.MultiIndex.from_frame(ev[["member_id", "code"]].astype("string"))
    place = flag_order.reindex(keys).fillna(len(a.flags)).to_numpy(dtype="int64")
    ev = sort_frame(ev.assign(_flag=place, _row=np.arange(len(ev))), ["_flag", "_row"])
    people = a.members.set_index("member_id")
    labels = {c: f.label for c, f in FLAG_CODES.items()}
    return pd.DataFrame({
        "党员编号": ev["member_id"].to_numpy(),
        "姓名": people["name"].reindex(ev["member_id"]).to_numpy(),
        "支部": people["branch"].reindex(ev["member_id"]).to_numpy(),
        "提示": ev["code"].map(labels).astype("string").fillna(ev["code"]).to_numpy(),
        "月份": ev["month"].to_numpy(), "日期": ev["date"].to_numpy(),
        "记录": ev["record"].to_numpy(), "状态": ev["status"].to_numpy(),
        "说明": ev["detail"].to_numpy(), "来源": ev["source"].to_numpy(),
        "提示代码": ev["code"].astype("string").to_numpy()})


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
