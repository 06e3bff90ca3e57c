"""数据问题: what could not be read as written, and where."""

from __future__ import annotations

import pandas as pd

from ...judge.assessment import AssessmentTables
from ..xlsx import Book, Column

__all__ = ["write_issues"]


def write_issues(book: Book, a: AssessmentTables) -> None:
    """Add the 数据问题 sheet."""
    i = a.issues
    frame = pd.DataFrame({"位置": i["source"], "问题代码": i["code"], "说明": i["message"],
                          "党员编号": i["member_id"]})
    book.table("数据问题", frame, [Column("位置", "text", 50), Column("问题代码", "text", 20),
                                   Column("说明", "wrap", 70), Column("党员编号")])
