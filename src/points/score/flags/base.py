"""What the member flags read and where they put their rows."""

from __future__ import annotations

import pandas as pd

from ..steps.base import Scoring

__all__ = ["MemberFlags"]


class MemberFlags:
    """The inputs of the member flags (the scoring, the in-scope members, the scored logs,
    the ids of members with any record, the records before the period) and the flag and
    evidence rows they raise."""

    def __init__(self, scoring: Scoring, logs: pd.DataFrame, recorded: pd.Series, *,
                 history_events: pd.DataFrame, history_logs: pd.DataFrame) -> None:
        self.scoring = scoring
        self.members = scoring.members[scoring.members["in_scope"]].reset_index(drop=True)
        self.logs = logs
        self.recorded = recorded
        #: Records dated before the period (last year's sheets, given to look back through).
        self.history_events = history_events
        self.history_logs = history_logs
        self.flags: list[pd.DataFrame] = []
        self.evidence: list[pd.DataFrame] = []

    def add(self, flags: pd.DataFrame) -> None:
        self.flags.append(flags)
