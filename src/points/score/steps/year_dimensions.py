"""Dimensions counted once a year (``scope = "year"``): their base, cap and floor apply to the
year's sum, not to each period's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ledger import dimension_applies, ledger_rows
from .base import Produced, Scoring

__all__ = ["step"]


def step(s: Scoring) -> Produced:
    year_dims = [d for d in s.ruleset.dimensions if d.scope == "year"]
    if not year_dims:
        return Produced()
    scope = s.scope
    sums = s.rows().groupby(["member_id", "dimension"])["points"].sum().unstack("dimension")
    out = []
    for dim in year_dims:
        val = (sums[dim.id].reindex(scope.index).fillna(0.0).to_numpy()
               if dim.id in sums.columns else np.zeros(len(scope)))
        applies = dimension_applies(scope["skip_dimensions"], dim.id)
        if dim.base:
            base = np.where(applies, float(dim.base), 0.0)
            out.append(ledger_rows(member_id=scope.index, date=scope["window_start"], period=1,
                                   dimension=dim.id, rule=f"base.{dim.id}", item=dim.label,
                                   points=base, drop_zero=True))
            val = val + base
        if dim.cap is not None:
            adjust = np.minimum(val, dim.cap) - val
            out.append(ledger_rows(member_id=scope.index, date=scope["window_end"],
                                   period=s.last_period(), dimension=dim.id,
                                   rule=f"dimcap.{dim.id}", item=dim.label + "封顶",
                                   points=adjust, drop_zero=True))
            val = val + adjust
        if dim.floor is not None:
            adjust = np.where(applies, np.maximum(val, dim.floor) - val, 0.0)
            out.append(ledger_rows(member_id=scope.index, date=scope["window_end"],
                                   period=s.last_period(), dimension=dim.id,
                                   rule=f"dimfloor.{dim.id}", item=dim.label + "保底",
                                   points=adjust, drop_zero=True))
    out = [frame for frame in out if len(frame)]
    return Produced(rows=pd.concat(out, ignore_index=True)) if out else Produced()
