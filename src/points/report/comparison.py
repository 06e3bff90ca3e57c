"""The comparison workbook (规则对比): :func:`points.compare_assessments`' table for a
secretary, with Chinese headers and what changed for each person in words."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..judge.assessment import AssessmentTables
from ..judge.compare import COMPARE_HEADERS, RATING_COMPARE_COLUMNS
from .common import check_target, created_at
from .xlsx import Book, Column, Kind

__all__ = ["changes_text", "write_comparison"]

_KINDS: dict[str, Kind] = {"total_before": "points", "total_after": "points",
                           "total_change": "points", "branch_rank_before": "int",
                           "branch_rank_after": "int", "rank_change": "int"}


def changes_text(diff: pd.DataFrame, rating: str | None = None) -> pd.Series:
    """What changed for each person, in words: ``等次、档次、星级、排名`` (empty when nothing
    did). ``rating`` names the ``[rating]`` band (its label); None leaves ratings out."""
    words = [("grade_changed", "等次、"), ("band_changed", "档次、")]
    if rating is not None:
        words.append(("rating_changed", f"{rating}、"))
    words.append(("rank_changed", "排名、"))
    text = diff[words[0][0]].map({True: words[0][1], False: ""})
    for column, word in words[1:]:
        text = text + diff[column].map({True: word, False: ""})
    return text.str.removesuffix("、").astype("string")


def _headers(before: AssessmentTables, after: AssessmentTables) -> dict[str, str]:
    """:data:`COMPARE_HEADERS`, the rating's named after each side's label (星级, 红黄白榜 …)
    when a side has ``[rating]``, left out when neither has."""
    headers = dict(COMPARE_HEADERS)
    b, a = before.ruleset.rating, after.ruleset.rating
    either = a if a is not None else b
    if either is None:
        for key in RATING_COMPARE_COLUMNS:
            del headers[key]
        return headers
    headers["rating_before"] = f"原{(b or either).label}"
    headers["rating_after"] = f"新{(a or either).label}"
    return headers


def write_comparison(diff: pd.DataFrame, path: str | Path, *, before: AssessmentTables,
                     after: AssessmentTables) -> Path:
    """Write :func:`points.compare_assessments`' table as a workbook: one sheet 规则对比 with
    the Chinese headers of :data:`points.judge.compare.COMPARE_HEADERS` and 变化项 (what
    changed), filterable and ready to print. When either ruleset has ``[rating]``, its bands
    before and after are columns named by its label (原星级, 新星级) and a change in them is
    named in 变化项; otherwise those columns are left out. Written atomically; an input file is never
    overwritten. Returns the path."""
    target = Path(path)
    check_target(target, after)
    headers = _headers(before, after)
    frame = diff[list(headers)].copy()
    for column in ("branch_rank_before", "branch_rank_after", "rank_change"):
        frame[column] = frame[column].astype("float64")
    rating = after.ruleset.rating or before.ruleset.rating
    frame["changes"] = changes_text(diff, None if rating is None else rating.label)
    columns = [Column(header, _KINDS.get(key, "text"), 30) for key, header in headers.items()]
    columns.append(Column("变化项", "text", 20))
    title = f"{before.ruleset.title} → {after.ruleset.title}"
    book = Book(title=title, footer=f"{title} · {after.period_text}", created=created_at(after))
    book.table("规则对比", frame, columns, freeze_columns=2)
    book.save(target)
    return target
