"""What every workbook ``points`` writes shares: the target checks and the book's metadata."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..judge.assessment import AssessmentTables
from ..vocab.errors import OutputError
from .xlsx import Book

__all__ = ["check_target", "created_at", "new_book", "not_an_input"]


def not_an_input(path: Path, assessment: AssessmentTables) -> None:
    """Refuse to write over a file the assessment was read from."""
    if path.resolve() in {Path(p).resolve() for p, _ in assessment.files}:
        raise OutputError(path, "这是本次读取的输入文件，不能写在它上面；请换一个文件名")


def check_target(path: Path, assessment: AssessmentTables) -> None:
    """Refuse an input file or a name that does not end in ``.xlsx``."""
    not_an_input(path, assessment)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(path, "复核工作簿须以 .xlsx 结尾")


def created_at(assessment: AssessmentTables) -> dt.datetime:
    """The workbook's creation date: the end of the period (so the bytes depend on the
    content only)."""
    day = assessment.as_of if assessment.as_of is not None else pd.Timestamp(assessment.year, 12, 31)
    return dt.datetime(day.year, day.month, day.day)


def new_book(assessment: AssessmentTables, title: str) -> Book:
    """A workbook titled ``title`` with the ruleset and period in its footer."""
    rs = assessment.ruleset
    return Book(title=title, footer=f"{rs.title} · {assessment.period_text}",
                created=created_at(assessment))
