"""Conversions (``[conversions]``): every N late arrivals, or every N leaves, in the period make
one unexcused absence — a ``convert.late`` / ``convert.leave`` row that deducts the absence
points of the activity whose record completed the N, dated and addressed at that record.

Counted through the period in date order (the remainder stays late arrivals or leaves, and
goes on counting into the next scoring period). The review flag on unexcused absences counts
these too.
"""

from __future__ import annotations

import pandas as pd

from ...rules.model import Ruleset
from ...vocab.frames import positions
from ...vocab.statuses import EFFECTIVE
from ..ledger import ledger_rows
from .attendance import credit_table
from .base import Produced, Scoring

__all__ = ["converted", "step"]

_WORDS = {"late": "迟到早退", "leave": "请假"}


def converted(events: pd.DataFrame, rs: Ruleset) -> pd.DataFrame:
    """The records that complete each N late arrivals or leaves (events sorted by member and
    date), with ``converts``: ``late`` or ``leave`` and ``count``: the N."""
    parts = []
    for status, n in (("late", rs.conversions.late_per_absence),
                      ("leave", rs.conversions.leave_per_absence)):
        if n is None:
            continue
        these = events[events["status"] == status]
        count = these.groupby("member_id", sort=False).cumcount() + 1
        done = these[(count % n == 0).to_numpy()]
        parts.append(done.assign(converts=status, count=n))
    if not parts:
        return events.iloc[:0].assign(converts=pd.Series(dtype="string"),
                                      count=pd.Series(dtype="int64"))
    return pd.concat(parts).sort_index()


def step(s: Scoring) -> Produced:
    done = converted(s.events, s.ruleset)
    if done.empty:
        return Produced()
    _, penalty_of = credit_table(s.ruleset)
    act = positions(done["activity"], [a.name for a in s.ruleset.activities])
    points = penalty_of[done["category_index"].to_numpy(), act, EFFECTIVE.index("absent")]
    words = done["converts"].map(_WORDS)
    item = (words + "满 " + done["count"].astype("string") + " 次折合缺席（"
            + done["activity"].astype("string") + "）")
    rows = ledger_rows(member_id=done["member_id"], date=done["date"],
                       period=s.calendar.period_of(done["date"]), dimension="deductions",
                       rule="convert." + done["converts"], item=item, status=done["status"],
                       points=pd.Series(points, index=done.index), source=done["source"],
                       index=done.index, drop_zero=True)
    return Produced(rows=rows.reset_index(drop=True))
