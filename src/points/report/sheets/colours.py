"""The fills the review sheets use and the conditional formats that apply them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...judge.assessment import AssessmentTables
from ..xlsx import Book

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

__all__ = ["GREEN", "ORANGE", "RED", "SEVERE", "colour_if", "grade_colours"]

RED, ORANGE, GREEN = "#F8CBAD", "#FFE699", "#C6EFCE"
SEVERE = ("six_month_rule", "zeroed", "probation_revoke", "grade_unqualified")
"""Flag codes shown in red; every other flag code is orange."""


def colour_if(book: Book, ws: Worksheet, n: int, col: int, values: Sequence[str],
              colour: str) -> None:
    """Fill the cells of column ``col`` (rows 1…n) that equal one of ``values``."""
    fmt = book.workbook.add_format({"bg_color": colour})
    for value in dict.fromkeys(values):
        quoted = '"' + value.replace('"', '""') + '"'
        ws.conditional_format(1, col, max(n, 1), col,
                              {"type": "cell", "criteria": "==", "value": quoted, "format": fmt})


def grade_colours(book: Book, ws: Worksheet, a: AssessmentTables, n: int, col: int) -> None:
    """Green for the top grade and first candidate band, red for 不合格, orange for other
    flagged grades, in column ``col``."""
    rs = a.ruleset
    good = [rs.grades.top] if rs.grades is not None else []
    good += [rs.candidate_bands[0].name] if rs.candidate_bands else []
    bad = [b.name for b in (rs.grades.bands if rs.grades is not None else ())
           if b.flag == "grade_unqualified"]
    warn = [b.name for b in (rs.grades.bands if rs.grades is not None else ())
            if b.flag and b.flag != "grade_unqualified"]
    colour_if(book, ws, n, col, good, GREEN)
    colour_if(book, ws, n, col, bad, RED)
    colour_if(book, ws, n, col, warn, ORANGE)
