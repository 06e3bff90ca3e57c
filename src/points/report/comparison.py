"""The comparison workbook (规则对比): :func:`points.compare_assessments`' table for a
secretary, with Chinese headers and what changed for each person in words."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..judge.assessment import AssessmentTables
from ..judge.compare import COMPARE_HEADERS
from .common import check_target, created_at
from .xlsx import Book, Column, Kind

__all__ = ["changes_text", "write_comparison"]

_KINDS: dict[str, Kind] = {"total_before": "points", "total_after": "points",
                           "total_change": "points", "branch_rank_before": "int",
                           "branch_rank_after": "int", "rank_change": "int"}


def changes_text(diff: pd.DataFrame) -> pd.Series:
    """What changed for each person, in words: ``等次、档次、排名`` (empty when nothing did)."""
    parts = [diff[column].map({True: word, False: ""}) for column, word in
             (("grade_changed", "等次、"), ("band_changed", "档次、"), ("rank_changed", "排名、"))]
    return (parts[0] + parts[1] + parts[2]).str.removesuffix("、").astype("string")


def write_comparison(diff: pd.DataFrame, path: str | Path, *, before: AssessmentTables,
                     after: AssessmentTables) -> Path:
    """Write :func:`points.compare_assessments`' table as a workbook: one sheet 规则对比 with
    the Chinese headers of :data:`points.judge.compare.COMPARE_HEADERS` and 变化项 (what
    changed), filterable and ready to print. Written atomically; an input file is never
    overwritten. Returns the path."""
    target = Path(path)
    check_target(target, after)
    frame = diff[list(COMPARE_HEADERS)].copy()
    for column in ("branch_rank_before", "branch_rank_after", "rank_change"):
        frame[column] = frame[column].astype("float64")
    frame["changes"] = changes_text(diff)
    columns = [Column(header, _KINDS.get(key, "text"), 30) for key, header in COMPARE_HEADERS.items()]
    columns.append(Column("变化项", "text", 20))
    title = f"{before.ruleset.title} → {after.ruleset.title}"
    book = Book(title=title, footer=f"{title} · {after.period_text}", created=created_at(after))
    book.table("规则对比", frame, columns, freeze_columns=2)
    book.save(target)
    return target
