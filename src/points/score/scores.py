"""Exam scores (以考促学) and study-platform points (学习强国) → the records that are scored:
a known member, dated in the period and the member's window; a record dated before the period
is history (not scored, noticed once per sheet). The same exam on the same day twice, or the
same month's (year's) points twice, counts once (the first, in address order)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..records import Records
from ..rules.model import Ruleset
from ..vocab.frames import sort_frame
from ..vocab.issues import make_issues
from .calendar import Calendar
from .checks import history, in_window, in_year, member_facts, member_positions

__all__ = ["score_records"]

_LABELS = {"quizzes": "考试成绩", "study": "学习积分"}
_KEYS = {"quizzes": ["member_id", "date", "exam"], "study": ["member_id", "date", "span"]}


def _once(frame: pd.DataFrame, table: str, issues: list[pd.DataFrame]) -> pd.DataFrame:
    key = _KEYS[table]
    again = frame.duplicated(key, keep="first").to_numpy()
    if again.any():
        first = frame[~again].set_index(key)["source"]
        repeats = frame[again]
        kept = first.reindex(pd.MultiIndex.from_frame(repeats[key])).to_numpy()
        issues.append(make_issues(
            "duplicate_record", "重复的" + _LABELS[table] + "记录（与 "
            + pd.Series(kept, index=repeats.index, dtype="string") + " 同一" + (
                "考试" if table == "quizzes" else "期间") + "），只计第一条",
            repeats["source"], repeats["member_id"]))
    return frame[~again]


def score_records(records: Records, members: pd.DataFrame, rs: Ruleset, cal: Calendar,
                  issues: list[pd.DataFrame], since: np.ndarray) -> dict[str, pd.DataFrame]:
    """``quizzes`` and ``study`` records to score (those the ruleset has a rule for), with the
    member's category facts, by member, date and address."""
    out = {}
    for table, rule in (("quizzes", rs.quiz), ("study", rs.study)):
        frame = getattr(records, table)
        if rule is None or frame.empty:
            out[table] = member_facts(frame.iloc[:0], np.zeros(0, "int64"), members)
            continue
        label = _LABELS[table]
        pos = member_positions(frame, members, label, issues)
        keep = pos >= 0
        history(frame, keep, pos, cal, since, label, issues)
        keep = in_year(frame, keep & (frame["date"] >= cal.start).to_numpy(), cal, label, issues)
        keep = in_window(frame, keep, pos, members)
        kept = member_facts(frame[keep], pos[keep], members)
        kept = _once(sort_frame(kept, ["member_id", "date", "source"]), table, issues)
        out[table] = kept.reset_index(drop=True)
    return out
