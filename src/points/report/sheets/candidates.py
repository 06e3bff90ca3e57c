"""发展对象: the 入党积极分子 and 发展对象 ranked for selection, and who is recommended."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...judge.assessment import AssessmentTables
from ..xlsx import Book, Column
from .colours import GREEN, colour_if

__all__ = ["write_candidates"]


def write_candidates(book: Book, a: AssessmentTables) -> None:
    """Add the 发展对象 sheet: the first 择优档次 in green."""
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
        colour_if(book, ws, len(frame), 6, [a.ruleset.candidate_bands[0].name], GREEN)
