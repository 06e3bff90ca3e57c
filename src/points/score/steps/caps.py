"""Caps on an activity's credits or an item's points per scoring period (``cap`` in the
ruleset): one ``cap.<id>`` row takes back exactly the part above the cap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import Ruleset
from ...vocab.frames import lexsort, map_distinct, positions, sort_keys
from ..ledger import ledger_rows

__all__ = ["apply_caps", "item_caps"]


def item_caps(ruleset: Ruleset) -> dict[str, tuple[str, float]]:
    """Rule id → (cap rule id, cap) for every activity and item with a cap."""
    caps: dict[str, tuple[str, float | None]] = {
        f"credit.{a.id}": (f"cap.{a.id}", a.cap) for a in ruleset.activities}
    caps.update({f"bonus.{i.id}": (f"cap.{i.id}", i.cap) for i in ruleset.bonuses})
    caps.update({f"negative.{i.id}": (f"cap.{i.id}", i.cap) for i in ruleset.negatives})
    caps.update({rule.kind: (f"cap.{rule.kind}", rule.cap)
                 for rule in (ruleset.quiz, ruleset.study) if rule is not None})
    return {rule: (cap_rule, float(cap)) for rule, (cap_rule, cap) in caps.items()
            if cap is not None}


def apply_caps(rows: pd.DataFrame, ruleset: Ruleset, *, presorted: bool = False) -> pd.DataFrame:
    """``rows`` and one ``cap.<id>`` row per member, period and capped rule whose sum passes
    its cap.

    The cap row is dated and addressed at the record that crossed the cap; it takes back
    exactly the part above the cap, so the capped sum equals the cap. ``presorted`` rows are
    already in member, date, address order (attendance rows, built from the sorted events).
    The running sums are worked out on arrays; only the rows that cross a cap are taken.
    """
    caps = item_caps(ruleset)
    rule = positions(rows["rule"], list(caps))
    at = np.flatnonzero(rule >= 0)
    if not len(at):
        return rows
    keys = ["member_id", "period", "rule"]
    if not presorted:
        at = at[lexsort(sort_keys(rows.iloc[at], [*keys, "date", "source"]))]
    cap_value = np.array([c for _, c in caps.values()], dtype="float64")[rule[at]]
    member = pd.factorize(rows["member_id"])[0].astype("int64")[at]
    group = (member * 64 + rows["period"].to_numpy()[at]) * len(caps) + rule[at]
    grouped = pd.Series(rows["points"].to_numpy()[at]).groupby(group, sort=False)
    running = grouped.cumsum().to_numpy()
    total = grouped.transform("sum").to_numpy()
    over = np.flatnonzero(np.abs(running) > cap_value + 1e-9)
    over = over[~pd.Series(group[over]).duplicated().to_numpy()]  # the first of each group
    if not len(over):
        return rows
    first = rows.iloc[at[over]]
    adjust = pd.Series(np.sign(total[over]) * cap_value[over] - total[over],
                       index=first.index).round(6)
    cap_rows = ledger_rows(
        member_id=first["member_id"], date=first["date"], period=first["period"],
        dimension=first["dimension"],
        rule=map_distinct(first["rule"], {r: cr for r, (cr, _) in caps.items()},
                          rows["rule"].dtype),  # (coded as the rows are: one dtype to concat)
        item=first["item"], points=adjust, source=first["source"], index=first.index)
    return pd.concat([rows, cap_rows], ignore_index=True)
