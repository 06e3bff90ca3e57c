"""The year's total as a whole: zero-out (受到党纪政务处分 makes it 0), the floor and the cap
of the total. Each reads the member's total so far (the sum of their rows) and adds the row
that changes it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...vocab.frames import isin, sort_frame
from ..ledger import ADJUSTMENT, ledger_rows
from .base import Produced, Scoring

__all__ = ["floor", "total_cap", "zero_out"]


def zero_out(s: Scoring) -> Produced:
    """``zero.<item>``: the first zero-out record of a member takes their total to 0."""
    logs = s.logs["negative"]
    zero_logs = logs[logs["zero_out"]]
    if not len(zero_logs):
        return Produced()
    first = sort_frame(zero_logs, ["member_id", "date", "source"]).drop_duplicates("member_id")
    first = first[isin(first["member_id"], s.scope.index)]
    running = s.running_totals()
    rows = ledger_rows(member_id=first["member_id"], date=first["date"],
                       period=s.calendar.period_of(first["date"]),
                       dimension=first["item_dimension"], rule="zero." + first["item_id"],
                       item=first["item"], points=-running.reindex(first["member_id"]).to_numpy(),
                       source=first["source"], index=first.index, drop_zero=True)
    return Produced(rows=rows.reset_index(drop=True))


def _whole(s: Scoring, rule: str, item: str, adjust: pd.Series) -> Produced:
    scope = s.scope
    rows = ledger_rows(member_id=scope.index, date=scope["window_end"], period=s.last_period(),
                       dimension=ADJUSTMENT, rule=rule, item=item,
                       points=adjust.reindex(scope.index), drop_zero=True)
    return Produced(rows=rows)


def floor(s: Scoring) -> Produced:
    """``floor``: a total below the ruleset's floor is raised to it."""
    if s.ruleset.floor is None:
        return Produced()
    running = s.running_totals()
    return _whole(s, "floor", "总分保底", np.maximum(running, s.ruleset.floor) - running)


def total_cap(s: Scoring) -> Produced:
    """``total_cap``: a total above the ruleset's cap is brought down to it."""
    if s.ruleset.total_cap is None:
        return Produced()
    running = s.running_totals()
    return _whole(s, "total_cap", "总分封顶", np.minimum(running, s.ruleset.total_cap) - running)
