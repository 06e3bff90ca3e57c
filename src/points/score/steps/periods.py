"""Scoring periods (a year, quarters or months): each period's dimension bases (or the base
carried forward from the previous period's total), dimension caps and floors and the floor of
the period's total; then the period totals made into the year's by sum, mean or the last one.

The loop runs over scoring periods (at most 12) and the ruleset's dimensions; every step
inside it is vectorized over members.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import Dimension, Ruleset
from ...vocab.frames import per_distinct
from ..ledger import ADJUSTMENT, dimension_applies, empty_rows, ledger_rows
from .base import Produced, Scoring

__all__ = ["step"]


def _grid(s: Scoring) -> pd.DataFrame:
    """One row per in-scope member and period of their window, with the row's first and last
    day and whether it is the member's first period."""
    cal = s.calendar
    periods = cal.periods()
    bounds = pd.DataFrame({"period": periods,
                           "p_start": [cal.period_bounds(p)[0] for p in periods],
                           "p_end": [cal.period_bounds(p)[1] for p in periods]})
    scope = s.scope
    grid = scope[["window_start", "window_end", "skip_dimensions"]].reset_index().merge(
        bounds, how="cross")
    grid = grid[(grid["p_start"] <= grid["window_end"]) & (grid["p_end"] >= grid["window_start"])]
    grid = grid.assign(row_start=grid[["p_start", "window_start"]].max(axis=1),
                       row_end=grid[["p_end", "window_end"]].min(axis=1))
    grid["first"] = grid["period"] == grid.groupby("member_id")["period"].transform("min")
    return grid.set_index(["member_id", "period"]).sort_index()


def _adjust(g: pd.DataFrame, p: int, dimension: str, rule: str, item: str, points: np.ndarray,
            at: str) -> pd.DataFrame:
    return ledger_rows(member_id=g.index, date=g[at], period=p, dimension=dimension, rule=rule,
                       item=item, points=points, drop_zero=True)


def _carried(g: pd.DataFrame, dim: Dimension, last: pd.Series | None) -> np.ndarray:
    """Where the base is carried from the previous cycle: a member's first period, when the
    dimension says so and the member has a total of that cycle."""
    if dim.carry_last_cycle is None or last is None:
        return np.zeros(len(g), dtype=bool)
    return g["first"].to_numpy() & last.reindex(g.index).notna().to_numpy()


def _dimension(g: pd.DataFrame, p: int, dim: Dimension, val: np.ndarray, prev: np.ndarray,
               out: list[pd.DataFrame], last: pd.Series | None = None) -> np.ndarray:
    """One dimension in one period: its base (or carried base), cap and floor rows; its value."""
    applies = dimension_applies(g["skip_dimensions"], dim.id)
    carried = _carried(g, dim, last) & applies
    if dim.base or dim.carry is not None or carried.any():
        base = np.full(len(g), float(dim.base))
        if dim.carry is not None:
            base = np.where(g["first"].to_numpy(), base, dim.carry * prev)
        base = np.where(applies & ~carried, base, 0.0)
        out.append(_adjust(g, p, dim.id, f"base.{dim.id}", dim.label, base, "row_start"))
        val = val + np.round(base, 6)
    if carried.any():
        assert last is not None and dim.carry_last_cycle is not None  # else nothing is carried
        total = last.reindex(g.index).fillna(0.0)
        shown = pd.Series(per_distinct(total.to_numpy(), "{:g}".format), dtype="string")
        item = (dim.label + "（上一周期总分 " + shown + " × "
                + f"{dim.carry_last_cycle:g}）")
        points = np.where(carried, dim.carry_last_cycle * total.to_numpy(), 0.0)
        out.append(ledger_rows(member_id=g.index, date=g["row_start"], period=p, dimension=dim.id,
                               rule=f"carry.{dim.id}", item=item.to_numpy(), points=points,
                               drop_zero=True))
        val = val + np.round(points, 6)
    if dim.cap is not None:
        adjust = np.minimum(val, dim.cap) - val
        out.append(_adjust(g, p, dim.id, f"dimcap.{dim.id}", dim.label + "封顶", adjust,
                           "row_end"))
        val = val + np.round(adjust, 6)
    if dim.floor is not None:
        adjust = np.where(applies, np.maximum(val, dim.floor) - val, 0.0)
        out.append(_adjust(g, p, dim.id, f"dimfloor.{dim.id}", dim.label + "保底", adjust,
                           "row_end"))
        val = val + np.round(adjust, 6)
    return val


def _period_totals(s: Scoring, grid: pd.DataFrame, out: list[pd.DataFrame]) -> list[pd.Series]:
    rs: Ruleset = s.ruleset
    period_dims = [d for d in rs.dimensions if d.scope == "period"]
    keys = ["member_id", "period", "dimension"]
    frames = [b[[*keys, "points"]] for b in s.blocks if len(b)]  # not the long text columns
    rows = pd.concat(frames, ignore_index=True) if frames else empty_rows()[[*keys, "points"]]
    sums = rows.groupby(keys)["points"].sum().unstack("dimension")
    del rows
    prev_total = pd.Series(0.0, index=s.scope.index)
    totals: list[pd.Series] = []
    for p in s.calendar.periods():
        if p not in grid.index.get_level_values("period"):
            continue
        g = pd.DataFrame(grid.xs(p, level="period"))
        key = pd.MultiIndex.from_arrays([g.index, np.full(len(g), p)])
        prev = prev_total.reindex(g.index).to_numpy()
        total = pd.Series(0.0, index=g.index)
        for dim in period_dims:
            val = (sums[dim.id].reindex(key).fillna(0.0).to_numpy() if dim.id in sums.columns
                   else np.zeros(len(g)))
            total += _dimension(g, p, dim, val, prev, out, s.previous)
        if rs.floor is not None:
            adjust = np.maximum(total.to_numpy(), rs.floor) - total.to_numpy()
            out.append(_adjust(g, p, ADJUSTMENT, "floor", "总分保底", adjust, "row_end"))
            total += np.round(adjust, 6)
        prev_total.loc[total.index] = total
        totals.append(total.rename(p))
    return totals


def step(s: Scoring) -> Produced:
    """Period rows, then the ``aggregate`` row that turns the sum of the period totals into
    their mean or last value (rulesets with ``aggregate = "mean"`` or ``"last"``)."""
    out: list[pd.DataFrame] = []
    totals = _period_totals(s, _grid(s), out)
    rs = s.ruleset
    if totals and rs.aggregate != "sum":
        scope = s.scope
        table = pd.concat(totals, axis=1)
        summed = table.sum(axis=1)
        value = table.mean(axis=1) if rs.aggregate == "mean" else table.ffill(axis=1).iloc[:, -1]
        adjust = (value - summed).reindex(scope.index).fillna(0.0)
        out.append(ledger_rows(
            member_id=scope.index, date=scope["window_end"], period=s.last_period(),
            dimension=ADJUSTMENT, rule="aggregate",
            item="各期平均" if rs.aggregate == "mean" else "取末期", points=adjust,
            drop_zero=True))
    out = [frame for frame in out if len(frame)]
    return Produced(rows=pd.concat(out, ignore_index=True)) if out else Produced()
