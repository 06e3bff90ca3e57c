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
    last = int(cal.month_number(pd.Series([cal.cutoff])).iloc[0])
    months = pd.DataFrame({"at": range(last + 1)})  # months of the cycle, in order
    grid = scope[["member_id", "window_start", "window_end"]].merge(months, how="cross")
    grid = grid[(grid["at"] >= cal.month_number(grid["window_start"]))
                & (grid["at"] <= cal.month_number(grid["window_end"]))]
    index = pd.MultiIndex.from_frame(grid[["member_id", "at"]])
    columns = [d.id for d in ruleset.dimensions] + [ADJUSTMENT]
    table = _dimension_table(ledger.assign(at=cal.month_number(ledger["date"])),
                             ["member_id", "at"], columns, index)
    table["cumulative"] = table.groupby(level="member_id")["total"].cumsum().round(6)
    table = table.reset_index()
    month = (table["at"] + cal.first_month - 1) % 12 + 1  # the calendar month
    return table.drop(columns="at").assign(month=month.astype("int64"))[
        ["member_id", "month", *[c for c in table.columns if c not in ("member_id", "at")]]]
