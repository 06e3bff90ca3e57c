"""The local backend: every member scored at once in this process."""

from __future__ import annotations

from ..records import Records
from ..rules.model import Ruleset
from ..score import Calendar, MemberScores, score_members
from ..vocab.progress import Progress, tell

__all__ = ["score_local"]


def score_local(records: Records, ruleset: Ruleset, calendar: Calendar,
                progress: Progress | None = None) -> MemberScores:
    """:func:`points.score.score_members` on all of ``records`` (progress in branches)."""
    branches = int(records.roster["branch"].nunique())
    tell(progress, "score", 0, branches)
    scores = score_members(records, ruleset, calendar)
    tell(progress, "score", branches, branches)
    return scores
