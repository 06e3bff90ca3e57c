"""数据问题: what could not be read as written, and where (each 位置 a link to the cell)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...judge.assessment import AssessmentTables
from ..links import link_targets
from ..xlsx import Book, Column

__all__ = ["write_issues"]


def write_issues(book: Book, a: AssessmentTables, folder: Path) -> None:
    """Add the 数据问题 sheet; each 位置 links to its cell in the input file, as seen from
    ``folder`` (where the workbook is written)."""
    i = a.issues
    frame = pd.DataFrame({"位置": i["source"], "问题代码": i["code"], "说明": i["message"],
                          "党员编号": i["member_id"]}).reset_index(drop=True)
    ws = book.table("数据问题", frame, [Column("位置", "text", 50), Column("问题代码", "text", 20),
                                        Column("说明", "wrap", 70), Column("党员编号")])
    book.link(ws, 0, *link_targets(frame["位置"], a.files, folder))
