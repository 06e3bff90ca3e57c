"""The totals and monthly tables, from the ledger: a member's total is the sum of their rows."""

from __future__ import annotations

import pandas as pd

from ..rules.model import Ruleset
from .calendar import Calendar
from .ledger import ADJUSTMENT, dimension_applies

__all__ = ["monthly_table", "totals_table"]


def _dimension_table(ledger: pd.DataFrame, keys: list[str], columns: list[str],
                     index: pd.Index | pd.MultiIndex) -> pd.DataFrame:
    table = (ledger.groupby([*keys, "dimension"])["points"].sum().unstack("dimension")
             .reindex(index=index, columns=columns).fillna(0.0))
    table.columns = pd.Index(columns)
    table["total"] = table.sum(axis=1)
    return table.round(6)


def totals_table(ledger: pd.DataFrame, scope: pd.DataFrame, ruleset: Ruleset) -> pd.DataFrame:
    """One row per assessed member: each dimension's points (NaN where the dimension does not
    apply to the category), ``adjustment`` and ``total``."""
    columns = [d.id for d in ruleset.dimensions] + [ADJUSTMENT]
    table = _dimension_table(ledger, ["member_id"], columns, pd.Index(scope["member_id"]))
    out = scope[["member_id", "name", "branch", "category", "category_id", "kind"]].join(
        table.reset_index(drop=True))
    for dim in ruleset.dimensions:
        out[dim.id] = out[dim.id].where(dimension_applies(scope["skip_dimensions"], dim.id))
    return out


def monthly_table(ledger: pd.DataFrame, scope: pd.DataFrame, ruleset: Ruleset,
                  cal: Calendar) -> pd.DataFrame:
    """One row per member and month of their window: points per dimension, the month's
    ``total`` and the ``cumulative`` total."""
    months = pd.DataFrame({"month": range(1, cal.cutoff.month + 1)})
    grid = scope[["member_id", "window_start", "window_end"]].merge(months, how="cross")
    grid = grid[(grid["month"] >= grid["window_start"].dt.month)
                & (grid["month"] <= grid["window_end"].dt.month)]
    index = pd.MultiIndex.from_frame(grid[["member_id", "month"]])
    columns = [d.id for d in ruleset.dimensions] + [ADJUSTMENT]
    table = _dimension_table(ledger.assign(month=ledger["date"].dt.month),
                             ["member_id", "month"], columns, index)
    table["cumulative"] = table.groupby(level="member_id")["total"].cumsum().round(6)
    return table.reset_index()
