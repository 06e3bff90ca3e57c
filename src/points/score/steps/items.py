"""Log items: ``bonus.<item>`` (先锋示范) and ``negative.<item>`` (负面清单) rows for the
scored records, then the item caps. Zero-out items (受到党纪政务处分) score no points here:
:func:`.totals.zero_out` applies them at the end of the year."""

from __future__ import annotations

import pandas as pd

from ...rules.model import Ruleset
from ..calendar import Calendar
from ..ledger import ledger_rows, skips
from ..logs import LOG_KINDS
from .base import Produced, Scoring
from .caps import apply_caps

__all__ = ["step"]


def _rows(logs: pd.DataFrame, kind: str, cal: Calendar) -> pd.DataFrame:
    use = logs[~logs["zero_out"] & ~skips(logs, "item_dimension") & (logs["item_points"] != 0)]
    return ledger_rows(member_id=use["member_id"], date=use["date"],
                       period=cal.period_of(use["date"]), dimension=use["item_dimension"],
                       rule=f"{kind}." + use["item_id"], item=use["item"],
                       points=use["item_points"], source=use["source"], index=use.index)


def step(s: Scoring) -> Produced:
    rs: Ruleset = s.ruleset
    rows = pd.concat([_rows(s.logs[kind], kind, s.calendar) for kind in LOG_KINDS],
                     ignore_index=True)
    return Produced(rows=apply_caps(rows, rs))
