"""Period totals: bases, carry-forward, dimension caps, floors, aggregation and zero-out.

Works on the ledger rows of :mod:`points.scoring` and adds the rows that turn them into
totals, so that a member's total is always the plain sum of their ledger rows. The loop runs
over scoring periods (at most 12) and over the ruleset's dimensions; every step inside it is
vectorized over members.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .scoring import LEDGER_COLUMNS, Context, dimension_applies
from .text import sort_frame

ADJUSTMENT = "adjustment"


def _make(member_id: pd.Series | pd.Index, date: object, period: object, dimension: str,
          rule: str, item: str, points: np.ndarray | pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({
        "member_id": pd.Series(np.asarray(member_id), dtype="string"),
        "date": pd.Series(np.asarray(date, dtype="datetime64[us]")) if not np.isscalar(date)
        else pd.Series(date, index=range(len(member_id)), dtype="datetime64[us]"),
        "period": np.asarray(period, dtype="int64") if not np.isscalar(period)
        else np.full(len(member_id), period, dtype="int64"),
        "dimension": dimension,
        "rule": rule,
        "item": item,
        "status": "",
        "points": np.round(np.asarray(points, dtype="float64"), 6),
        "source": "",
    })
    for column in ("dimension", "rule", "item", "status", "source"):
        frame[column] = frame[column].astype("string")
    return frame[frame["points"] != 0][LEDGER_COLUMNS]


def period_rows(rows: pd.DataFrame, members: pd.DataFrame, zero_logs: pd.DataFrame,
                ctx: Context) -> pd.DataFrame:
    """The rows that complete the ledger of every in-scope member."""
    rs = ctx.ruleset
    scope = members[members["in_scope"]].set_index("member_id")
    periods = ctx.periods()
    bounds = pd.DataFrame({
        "period": periods,
        "p_start": [ctx.period_bounds(p)[0] for p in periods],
        "p_end": [ctx.period_bounds(p)[1] for p in periods],
    })
    grid = scope[["window_start", "window_end", "skip_dimensions"]].reset_index().merge(
        bounds, how="cross")
    grid = grid[(grid["p_start"] <= grid["window_end"]) & (grid["p_end"] >= grid["window_start"])]
    grid = grid.assign(
        row_start=grid[["p_start", "window_start"]].max(axis=1),
        row_end=grid[["p_end", "window_end"]].min(axis=1),
    )
    grid["first"] = grid["period"] == grid.groupby("member_id")["period"].transform("min")
    grid = grid.set_index(["member_id", "period"]).sort_index()

    period_dims = [d for d in rs.dimensions if d.scope == "period"]
    year_dims = [d for d in rs.dimensions if d.scope == "year"]
    sums = (rows.groupby(["member_id", "period", "dimension"])["points"].sum()
            .unstack("dimension"))
    out: list[pd.DataFrame] = []
    prev_total = pd.Series(0.0, index=scope.index)
    totals: list[pd.Series] = []
    for p in periods:
        if p not in grid.index.get_level_values("period"):
            continue
        g = grid.xs(p, level="period")
        total = pd.Series(0.0, index=g.index)
        for dim in period_dims:
            key = pd.MultiIndex.from_arrays([g.index, np.full(len(g), p)])
            val = (sums[dim.id].reindex(key).fillna(0.0).to_numpy() if dim.id in sums.columns
                   else np.zeros(len(g)))
            applies = dimension_applies(g["skip_dimensions"], dim.id)
            if dim.base or dim.carry is not None:
                base = np.full(len(g), float(dim.base))
                if dim.carry is not None:
                    carried = dim.carry * prev_total.reindex(g.index).to_numpy()
                    base = np.where(g["first"].to_numpy(), base, carried)
                base = np.where(applies, base, 0.0)
                out.append(_make(g.index, g["row_start"], p, dim.id, f"base.{dim.id}", dim.label,
                                 base))
                val = val + np.round(base, 6)
            if dim.cap is not None:
                adjust = np.minimum(val, dim.cap) - val
                out.append(_make(g.index, g["row_end"], p, dim.id, f"dimcap.{dim.id}",
                                 dim.label + "封顶", adjust))
                val = val + np.round(adjust, 6)
            total += val
        if rs.floor is not None:
            adjust = np.maximum(total, rs.floor) - total
            out.append(_make(g.index, g["row_end"], p, ADJUSTMENT, "floor", "总分保底", adjust))
            total += np.round(adjust, 6)
        prev_total.loc[total.index] = total
        totals.append(total.rename(p))

    running = pd.Series(0.0, index=scope.index)
    last_period = grid.reset_index().groupby("member_id")["period"].max().reindex(scope.index)
    end = scope["window_end"]
    if totals:
        table = pd.concat(totals, axis=1)
        summed = table.sum(axis=1)
        if rs.aggregate == "sum":
            running = summed.reindex(scope.index).fillna(0.0)
        else:
            value = (table.mean(axis=1) if rs.aggregate == "mean"
                     else table.ffill(axis=1).iloc[:, -1])
            adjust = (value - summed).reindex(scope.index).fillna(0.0)
            label = "各期平均" if rs.aggregate == "mean" else "取末期"
            out.append(_make(scope.index, end, last_period, ADJUSTMENT, "aggregate", label,
                             adjust))
            running = value.reindex(scope.index).fillna(0.0)

    if year_dims:
        year_sums = rows.groupby(["member_id", "dimension"])["points"].sum().unstack("dimension")
        for dim in year_dims:
            val = (year_sums[dim.id].reindex(scope.index).fillna(0.0).to_numpy()
                   if dim.id in year_sums.columns else np.zeros(len(scope)))
            applies = dimension_applies(scope["skip_dimensions"], dim.id)
            if dim.base:
                base = np.where(applies, float(dim.base), 0.0)
                out.append(_make(scope.index, scope["window_start"], 1, dim.id,
                                 f"base.{dim.id}", dim.label, base))
                val = val + base
            if dim.cap is not None:
                adjust = np.minimum(val, dim.cap) - val
                out.append(_make(scope.index, end, last_period, dim.id, f"dimcap.{dim.id}",
                                 dim.label + "封顶", adjust))
                val = val + adjust
            running += val

    if len(zero_logs):
        first = sort_frame(zero_logs, ["member_id", "date", "source"]).drop_duplicates(
            "member_id")
        first = first[first["member_id"].isin(scope.index)]
        adjust = -running.reindex(first["member_id"]).to_numpy()
        zero = _make(first["member_id"], first["date"], ctx.period_of(first["date"]),
                     "deductions", "", "", adjust)
        if len(zero):
            kept = first.set_index("member_id").loc[zero["member_id"]]
            zero["rule"] = ("zero." + kept["item_id"]).to_numpy()
            zero["item"] = kept["item"].to_numpy()
            zero["dimension"] = kept["item_dimension"].to_numpy()
            zero["source"] = kept["source"].to_numpy()
            out.append(zero)
        running.loc[first["member_id"].to_numpy()] = 0.0
    if rs.floor is not None:
        adjust = np.maximum(running, rs.floor) - running
        out.append(_make(scope.index, end, last_period, ADJUSTMENT, "floor", "总分保底", adjust))
        running = running + adjust
    if rs.total_cap is not None:
        adjust = np.minimum(running, rs.total_cap) - running
        out.append(_make(scope.index, end, last_period, ADJUSTMENT, "total_cap", "总分封顶",
                         adjust))
    out = [frame for frame in out if len(frame)]
    if not out:
        return rows.iloc[:0]
    return pd.concat(out, ignore_index=True)
