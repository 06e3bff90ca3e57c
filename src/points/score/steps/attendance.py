"""Taking part and staying away: ``credit.<activity>`` for each attendance (points × the
status factor of the category, activity or ruleset), ``absence.<activity>`` and
``late.<activity>`` deductions, then the activity caps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import Ruleset
from ...vocab.frames import positions
from ...vocab.statuses import EFFECTIVE
from ..dtypes import ledger_dtypes
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
    credit = credit_of[cat, act, status]
    penalty = penalty_of[cat, act, status]
    got, lost = np.flatnonzero(credit != 0), np.flatnonzero(penalty != 0)
    at = np.r_[got, lost]  # the credits, then the deductions: one take of each column
    credited = np.r_[np.ones(len(got), dtype=bool), np.zeros(len(lost), dtype=bool)]
    late = (events["status"] == "late").fillna(False).to_numpy(dtype=bool)
    which = np.where(credited, 0, np.where(late[at], 1, 2))
    dtypes = ledger_dtypes(rs)  # rule and dimension made as codes: no text per row
    rule_of = pd.Series([r for a in rs.activities
                         for r in (f"credit.{a.id}", f"late.{a.id}", f"absence.{a.id}")])
    rule = positions(rule_of, dtypes["rule"].categories)[act[at] * 3 + which]
    dim_of = pd.Series([*(a.dimension for a in rs.activities), "deductions"])
    dimension = positions(dim_of, dtypes["dimension"].categories)[
        np.where(credited, act[at], len(rs.activities))]
    def taken(column: str) -> pd.Series:
        return events[column].take(at).reset_index(drop=True)

    rows = ledger_rows(
        member_id=taken("member_id"), date=taken("date"),
        period=s.calendar.period_of(events["date"]).to_numpy()[at],
        dimension=pd.Series(pd.Categorical.from_codes(dimension, dtype=dtypes["dimension"])),
        rule=pd.Series(pd.Categorical.from_codes(rule, dtype=dtypes["rule"])),
        item=taken("activity"), status=taken("status"),
        points=np.r_[credit[got], penalty[lost]], source=taken("source"),
        index=pd.RangeIndex(len(at)))
    return Produced(rows=apply_caps(rows, rs, presorted=True))
