"""The totals and monthly tables, from the ledger: a member's total is the sum of their rows.

In the monthly table a cap counts in the month it is reached: the ledger's cap rows on a
dimension (``dimcap.*``) and on the total (``total_cap``) are dated at the end of the period,
and an item's (``cap.*``) takes back the period's whole excess at the record that crosses it,
so the cumulative would otherwise run past a cap, or jump and fall back. Each is spread back
over the months as the running sum crosses it; the months still add up to the total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rules.model import Ruleset
from ..vocab.frames import positions
from .calendar import Calendar
from .ledger import ADJUSTMENT, dimension_applies
from .steps.caps import item_caps

__all__ = ["monthly_table", "totals_table"]


def _row_positions(rows: pd.DataFrame, index: pd.Index | pd.MultiIndex) -> np.ndarray:
    """The position in ``index`` (unique; its level names are columns of ``rows``) of each
    row, -1 where it has none: each key is coded once against the index's distinct values."""
    keys = index.to_frame(index=False)
    combined = np.zeros(len(rows), dtype="int64")
    wanted = np.zeros(len(keys), dtype="int64")
    missing = np.zeros(len(rows), dtype=bool)
    for name in keys.columns:
        distinct = keys[name].drop_duplicates()
        code = positions(rows[name], distinct)
        missing |= code < 0
        combined = combined * (len(distinct) + 1) + code
        wanted = wanted * (len(distinct) + 1) + positions(keys[name], distinct)
    found = pd.Index(wanted).get_indexer(pd.Index(combined))
    found[missing] = -1
    return found


def _dimension_table(ledger: pd.DataFrame, keys: list[str], columns: list[str],
                     index: pd.Index | pd.MultiIndex) -> pd.DataFrame:
    """Points per ``columns`` (dimensions) for each entry of ``index`` (its levels are
    ``keys``), 0 where there are none; rows outside ``index`` or ``columns`` left out. Summed
    per integer (row, column) code, as a groupby on the text keys would, in row order."""
    row = _row_positions(ledger[keys], index)
    col = positions(ledger["dimension"], columns)
    valid = (row >= 0) & (col >= 0)
    sums = pd.Series(ledger["points"].to_numpy()[valid]).groupby(
        [row[valid], col[valid]]).sum()
    values = np.zeros((len(index), len(columns)))
    values[sums.index.get_level_values(0), sums.index.get_level_values(1)] = sums.to_numpy()
    table = pd.DataFrame(values, index=index, columns=pd.Index(columns))
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


def _clipped(rows: pd.DataFrame, groups: list[str], cap: float | dict[str, float]
             ) -> pd.DataFrame:
    """``groups, month, points``: what the running sum of ``rows`` per ``groups`` and month
    loses, month by month, to stay within ``cap`` (above ``-cap`` for deductions); a dict
    gives each ``rule`` (one of ``groups``) its own cap. The groups are integer codes in the
    order of their values while summing, decoded for the rows returned."""
    coded = {g: pd.factorize(rows[g], sort=True) for g in groups}
    frame = pd.DataFrame({**{g: codes for g, (codes, _) in coded.items()},
                          "month": rows["month"].to_numpy(), "points": rows["points"].to_numpy()})
    sums = frame.groupby([*groups, "month"])["points"].sum()
    running = sums.groupby(level=groups).cumsum()
    if isinstance(cap, dict):
        bounds = np.array([cap[r] for r in coded["rule"][1]], dtype="float64")
        bound: float | np.ndarray = bounds[sums.index.get_level_values("rule").to_numpy()]
    else:
        bound = cap
    clipped = running.clip(-bound, bound)
    before = clipped.groupby(level=groups).shift(1, fill_value=0.0)
    loss = ((clipped - before) - sums).round(6)
    out = loss[loss != 0].reset_index()
    for g, (_, uniques) in coded.items():
        out[g] = uniques.take(out[g].to_numpy())
    return out[[*groups, "month", "points"]]


def _caps_in_their_month(ledger: pd.DataFrame, ruleset: Ruleset) -> pd.DataFrame:
    """``member_id, month, period, dimension, points``: the ledger with its item, dimension
    and total caps taken in the month they are reached (see the module's docstring)."""
    caps = item_caps(ruleset)
    rule = ledger["rule"].astype("string").fillna("")
    dropped = (rule.str.startswith("dimcap.") | (rule == "total_cap")
               | rule.isin([c for c, _ in caps.values()]))
    body = ledger[["member_id", "month", "period", "dimension", "rule", "points"]][
        ~dropped.to_numpy()]
    parts = [body]
    items = body[body["rule"].isin(list(caps)).to_numpy()]
    if len(items):
        dimension = items.drop_duplicates("rule").set_index("rule")["dimension"]
        loss = _clipped(items, ["member_id", "period", "rule"],
                        {r: c for r, (_, c) in caps.items()})
        parts.append(loss.assign(dimension=loss["rule"].map(dimension)).drop(columns="rule"))
    whole = pd.concat(parts, ignore_index=True)
    capped = ~whole["rule"].astype("string").fillna("").str.startswith("zero.").to_numpy()
    for dim in ruleset.dimensions:
        if dim.cap is not None:
            rows = whole[capped & (whole["dimension"] == dim.id).to_numpy()]
            groups = ["member_id", "period"] if dim.scope == "period" else ["member_id"]
            parts.append(_clipped(rows, groups, float(dim.cap)).assign(dimension=dim.id))
    if ruleset.total_cap is not None:
        parts.append(_clipped(pd.concat(parts, ignore_index=True), ["member_id"],
                              float(ruleset.total_cap)).assign(dimension=ADJUSTMENT))
    return pd.concat(parts, ignore_index=True)


def monthly_table(ledger: pd.DataFrame, scope: pd.DataFrame, ruleset: Ruleset,
                  cal: Calendar) -> pd.DataFrame:
    """One row per member and month of their window, in the cycle's order: points per
    dimension, the month's ``total`` and the ``cumulative`` total, which never passes a
    dimension's cap or the total's (caps count in the month they are reached)."""
    last = int(cal.month_number(pd.Series([cal.cutoff])).iloc[0])
    months = pd.DataFrame({"month": range(last + 1)})  # months of the cycle (0: its first)
    grid = scope[["member_id", "window_start", "window_end"]].merge(months, how="cross")
    grid = grid[(grid["month"] >= cal.month_number(grid["window_start"]))
                & (grid["month"] <= cal.month_number(grid["window_end"]))]
    index = pd.MultiIndex.from_frame(grid[["member_id", "month"]])
    columns = [d.id for d in ruleset.dimensions] + [ADJUSTMENT]
    rows = _caps_in_their_month(ledger.assign(month=cal.month_number(ledger["date"])), ruleset)
    table = _dimension_table(rows, ["member_id", "month"], columns, index)
    table["cumulative"] = table.groupby(level="member_id")["total"].cumsum().round(6)
    table = table.reset_index()
    table["month"] = ((table["month"] + cal.first_month - 1) % 12 + 1).astype("int64")
    return table
