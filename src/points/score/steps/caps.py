"""Caps on an activity's credits or an item's points per scoring period (``cap`` in the
ruleset): one ``cap.<id>`` row takes back exactly the part above the cap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import Ruleset
from ...vocab.frames import map_distinct, positions, sort_frame
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
    """
    caps = item_caps(ruleset)
    capped = rows[rows["rule"].isin(list(caps))]
    if capped.empty:
        return rows
    keys = ["member_id", "period", "rule"]
    if not presorted:
        capped = sort_frame(capped, [*keys, "date", "source"])
    cap_value = map_distinct(capped["rule"], {r: c for r, (_, c) in caps.items()}, "float64")
    group = (pd.factorize(capped["member_id"])[0].astype("int64") * 64
             + capped["period"].to_numpy()) * len(caps) + positions(capped["rule"], list(caps))
    grouped = capped["points"].groupby(group, sort=False)
    running = grouped.cumsum()
    total = grouped.transform("sum")
    over = (running.abs() > cap_value + 1e-9).to_numpy()
    first = capped[over][~pd.Series(group[over]).duplicated().to_numpy()]
    if first.empty:
        return rows
    sign = np.sign(total[first.index])
    adjust = (sign * cap_value[first.index] - total[first.index]).round(6)
    cap_rows = ledger_rows(
        member_id=first["member_id"], date=first["date"], period=first["period"],
        dimension=first["dimension"],
        rule=map_distinct(first["rule"], {r: cr for r, (cr, _) in caps.items()}, "string"),
        item=first["item"], points=adjust, source=first["source"], index=first.index)
    return pd.concat([rows, cap_rows], ignore_index=True)
