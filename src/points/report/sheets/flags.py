"""复核提示: one row per flag, what it rests on and what to do about it."""

from __future__ import annotations

import pandas as pd

from ...judge.assessment import AssessmentTables
from ...vocab.codes import FLAG_CODES
from ..xlsx import Book, Column
from .colours import ORANGE, RED, SEVERE, colour_if

__all__ = ["write_flags"]


def write_flags(book: Book, a: AssessmentTables) -> None:
    """Add the 复核提示 sheet: severe flag codes in red, the others in orange."""
    f = a.flags
    frame = pd.DataFrame({
        "党员编号": f["member_id"], "姓名": f["name"], "支部": f["branch"], "提示代码": f["code"],
        "提示": f["label"], "依据": f["evidence"], "建议处理": f["action"], "类别": f["category"],
        "级别": f["level"], "距六个月": f["months_to_six_month_rule"]})
    columns = [Column("党员编号"), Column("姓名"), Column("支部"), Column("提示代码", "text", 20),
               Column("提示", "text", 24), Column("依据", "wrap", 60), Column("建议处理", "text", 24),
               Column("类别"), Column("级别", "int", 6), Column("距六个月", "int", 10)]
    ws = book.table("复核提示", frame, columns, freeze_columns=2)
    colour_if(book, ws, len(frame), 3, SEVERE, RED)
    colour_if(book, ws, len(frame), 3, [c for c in FLAG_CODES if c not in SEVERE], ORANGE)
