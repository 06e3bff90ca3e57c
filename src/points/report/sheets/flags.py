"""复核提示: one row per flag, a short account of what it rests on and what to do about it.

The 依据 cell is short enough to print: the flag's own sentence and its records when they fit
in :data:`SHORT` characters; else the sentence (which names the run of months or the count)
with the number of records, which 依据明细 lists one by one (see :mod:`.evidence`). The code
(for filters and scripts) is the last column; everything before it is in Chinese.
"""

from __future__ import annotations

import pandas as pd

from ...judge.assessment import AssessmentTables
from ...vocab.codes import FLAG_CODES
from ..xlsx import Book, Column
from .colours import ORANGE, RED, SEVERE, colour_if
from .evidence import SHEET as EVIDENCE_SHEET

__all__ = ["SHORT", "evidence_summary", "write_flags"]

#: Evidence longer than this (in characters) is summarised, the records left to 依据明细.
SHORT = 160
LEVELS = {1: "一级", 2: "二级"}


def evidence_summary(a: AssessmentTables) -> pd.Series:
    """The 依据 of each flag: the whole evidence text when it is short, else the flag's
    sentence, ``共 N 条记录，见依据明细``."""
    f = a.flags
    counts = a.evidence.groupby(["member_id", "code"]).size()
    found = counts.reindex(pd.MultiIndex.from_frame(f[["member_id", "code"]])).fillna(0)
    n = pd.Series(found.to_numpy(dtype="int64"), index=f.index).astype("string")
    long = f["evidence"].str.len().fillna(0) > SHORT
    summary = f["detail"] + "，共 " + n + f" 条记录，见{EVIDENCE_SHEET}"
    return f["evidence"].where(~long, summary).astype("string")


def write_flags(book: Book, a: AssessmentTables) -> None:
    """Add the 复核提示 sheet: severe flags in red, the others in orange."""
    f = a.flags
    level = f["level"].map(LEVELS, na_action="ignore").astype("string")
    frame = pd.DataFrame({
        "党员编号": f["member_id"], "姓名": f["name"], "支部": f["branch"], "提示": f["label"],
        "依据": evidence_summary(a), "建议处理": f["action"], "类别": f["category"],
        "级别": level, "距六个月": f["months_to_six_month_rule"], "提示代码": f["code"]})
    columns = [Column("党员编号"), Column("姓名"), Column("支部"), Column("提示", "wrap", 20),
               Column("依据", "wrap", 60), Column("建议处理", "wrap", 24), Column("类别"),
               Column("级别", "text", 6), Column("距六个月", "int", 10),
               Column("提示代码", "text", 20)]
    ws = book.table("复核提示", frame, columns, freeze_columns=2)
    severe = [FLAG_CODES[c].label for c in SEVERE]
    colour_if(book, ws, len(frame), 3, severe, RED)
    colour_if(book, ws, len(frame), 3,
              [s.label for c, s in FLAG_CODES.items() if c not in SEVERE], ORANGE)
