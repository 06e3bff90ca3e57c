"""Taking part and staying away: ``credit.<activity>`` for each attendance (points × the
status factor of the category, activity or ruleset), ``absence.<activity>`` and
``late.<activity>`` deductions, then the activity caps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import Ruleset
from ...vocab.frames import map_distinct, positions
from ...vocab.statuses import EFFECTIVE
from ..ledger import ledger_rows
from .base import Produced, Scoring
from .caps import apply_caps

__all__ = ["credit_table", "step"]


def credit_table(ruleset: Ruleset) -> tuple[np.ndarray, np.ndarray]:
    """Credit and deduction per [category, activity, effective status], as numpy arrays,
    indexed by the order of ``ruleset.categories``, ``ruleset.activities`` and
    :data:`points.vocab.statuses.EFFECTIVE`."""
    shape = (len(ruleset.categories), len(ruleset.activities), len(EFFECTIVE))
    credit = np.zeros(shape)
    penalty = np.zeros(shape)
    for c, cat in enumerate(ruleset.categories):
        for a, act in enumerate(ruleset.activities):
            points = cat.activity_points.get(act.name, act.points)
            for s, status in enumerate(EFFECTIVE):
                factor = cat.status_factors.get(
                    status, act.status_factors.get(status, ruleset.status_factors.get(status, 0)))
                if act.dimension not in cat.skip_dimensions:
                    credit[c, a, s] = points * factor
                if "deductions" in cat.skip_dimensions:
                    continue
                if status == "absent" and not cat.exempt_absence_deductions:
                    penalty[c, a, s] = act.absence_points
                elif status == "late":
                    penalty[c, a, s] = act.late_points
    return credit, penalty


def step(s: Scoring) -> Produced:
    """Ledger rows for credits and attendance deductions (one array lookup, no merge)."""
    rs, events = s.ruleset, s.events
    credit_of, penalty_of = credit_table(rs)
    cat = events["category_index"].to_numpy()
    act = positions(events["activity"], [a.name for a in rs.activities])
    status = positions(events["status"], [*EFFECTIVE, "blank"])
    status[status == len(EFFECTIVE)] = EFFECTIVE.index("absent")  # blank counts as absent
    credit = pd.Series(credit_of[cat, act, status], index=events.index)
    penalty = pd.Series(penalty_of[cat, act, status], index=events.index)
    dims = {a.name: a.dimension for a in rs.activities}
    period = s.calendar.period_of(events["date"])
    got = events[(credit != 0).to_numpy()]
    lost = events[(penalty != 0).to_numpy()]
    prefix = pd.Series(np.where(lost["status"] == "late", "late.", "absence."),
                       index=lost.index, dtype="string")
    rows = pd.concat([
        ledger_rows(member_id=got["member_id"], date=got["date"], period=period[got.index],
                    dimension=map_distinct(got["activity"], dims, "string"),
                    rule=map_distinct(got["activity_id"], lambda a: "credit." + a, "string"),
                    item=got["activity"], status=got["status"], points=credit[got.index],
                    source=got["source"], index=got.index),
        ledger_rows(member_id=lost["member_id"], date=lost["date"], period=period[lost.index],
                    dimension="deductions", rule=prefix + lost["activity_id"],
                    item=lost["activity"], status=lost["status"], points=penalty[lost.index],
                    source=lost["source"], index=lost.index),
    ], ignore_index=True)
    return Produced(rows=apply_caps(rows, rs, presorted=True))
