"""公示: the one sheet of the 公示 version, 姓名, 支部, 总积分, 建议等次, to print and post."""

from __future__ import annotations

import pandas as pd

from ...judge.assessment import AssessmentTables
from ..xlsx import Book, Column
from .colours import grade_colours
from .people import mask_name, suggested

__all__ = ["write_public"]


def write_public(book: Book, a: AssessmentTables, people: pd.DataFrame, mask: bool) -> None:
    """Add the 公示 sheet for ``people``; ``mask`` shows names as ``张*丰``."""
    names = mask_name(people["name"]) if mask else people["name"]
    frame = pd.DataFrame({"姓名": names, "支部": people["branch"], "总积分": people["total"],
                          "建议等次": suggested(people)})
    ws = book.table("公示", frame, [Column("姓名"), Column("支部", "text", 30),
                                    Column("总积分", "points", 10), Column("建议等次", "text", 12)])
    # "&14" then digits would read as a font size (142024): a space ends the size code
    ws.set_header("&C&14 " + f"{a.period_text}党员积分公示".replace("&", "&&"))
    ws.fit_to_pages(1, 0)
    ws.set_portrait()
    grade_colours(book, ws, a, len(frame), 3)
