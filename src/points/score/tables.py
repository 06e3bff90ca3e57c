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


def sum_by(key: np.ndarray, points: np.ndarray) -> pd.Series:
    """``points`` summed per integer ``key``, by key, in the rows' order. Not sorted first:
    pandas adds the groups of sorted keys with ``numpy.add.reduceat`` and those of unsorted
    keys with compensated sums, so sorting would change the last bits of the sums that a
    groupby on the ledger's text keys (never sorted: its dimensions alternate) gives."""
    return pd.Series(points).groupby(key).sum()


def _grouped_sums(codes: list[np.ndarray], sizes: list[int], points: np.ndarray
                  ) -> tuple[list[np.ndarray], np.ndarray]:
    """``points`` summed per combination of ``codes`` (each in ``range(size)``, in the order of
    the values they stand for, as a groupby on those values numbers its groups): the codes of
    each sum, and the sums."""
    key = np.zeros(len(points), dtype="int64")
    for code, size in zip(codes, sizes, strict=True):
        key = key * size + code
    sums = sum_by(key, points)
    rest, parts = sums.index.to_numpy(), []
    for size in reversed(sizes):
        parts.append(rest % size)
        rest = rest // size
    return parts[::-1], sums.to_numpy()


def _sum_table(row: np.ndarray, col: np.ndarray, sums: np.ndarray,
               index: pd.Index | pd.MultiIndex, columns: list[str]) -> pd.DataFrame:
    """The ``sums`` placed at their entry of ``index`` (``row``) and of ``columns`` (``col``;
    -1: left out), 0 elsewhere, with their ``total``."""
    valid = (row >= 0) & (col >= 0)
    values = np.zeros(len(index) * len(columns))
    values[row[valid] * len(columns) + col[valid]] = sums[valid]
    table = pd.DataFrame(values.reshape(len(index), len(columns)), index=index,
                         columns=pd.Index(columns))
    table["total"] = table.sum(axis=1)
    return table.round(6)


def totals_table(ledger: pd.DataFrame, scope: pd.DataFrame, ruleset: Ruleset) -> pd.DataFrame:
    """One row per assessed member: each dimension's points (NaN where the dimension does not
    apply to the category), ``adjustment`` and ``total``."""
    columns = [d.id for d in ruleset.dimensions] + [ADJUSTMENT]
    member, members = pd.factorize(ledger["member_id"], sort=True)
    dimension, dimensions = pd.factorize(ledger["dimension"], sort=True)
    (m, d), sums = _grouped_sums([member, dimension], [len(members), len(dimensions)],
                                 ledger["points"].to_numpy())
    table = _sum_table(np.append(positions(pd.Series(members), scope["member_id"]), -1)[m],
                       np.append(positions(pd.Series(dimensions), columns), -1)[d], sums,
                       pd.Index(scope["member_id"]), columns)
    out = scope[["member_id", "name", "branch", "category", "category_id", "kind"]].join(
        table.reset_index(drop=True))
    for dim in ruleset.dimensions:
        out[dim.id] = out[dim.id].where(dimension_applies(scope["skip_dimensions"], dim.id))
    return out


def _clipped(rows: pd.DataFrame, groups: list[str], cap: float | np.ndarray) -> pd.DataFrame:
    """``groups, month, points``: what the running sum of ``rows`` per ``groups`` and month
    loses, month by month, to stay within ``cap`` (above ``-cap`` for deductions); an array
    gives each ``rule`` code (one of ``groups``) its own cap. The columns are integer codes;
    groups and month are summed on one integer key."""
    names = [*groups, "month"]  # in the order of the key: groups, then month
    values = {g: rows[g].to_numpy() for g in names}  # the columns themselves: no copies
    low = {g: int(v.min()) if len(v) else 0 for g, v in values.items()}
    size = {g: int(v.max()) - low[g] + 1 if len(v) else 1 for g, v in values.items()}
    key = np.zeros(len(rows), dtype="int64")
    for g, v in values.items():
        key *= size[g]
        key += v
        key -= low[g]
    sums = sum_by(key, rows["points"].to_numpy())
    del key
    parts, rest = {}, sums.index.to_numpy()
    for g in reversed(names):
        parts[g], rest = rest % size[g] + low[g], rest // size[g]
    group = sums.index.to_numpy() // size["month"]  # the groups without the month
    running = sums.groupby(group).cumsum()
    bound = cap[parts["rule"]] if isinstance(cap, np.ndarray) else cap
    clipped = running.clip(-bound, bound)
    before = clipped.groupby(group).shift(1, fill_value=0.0)
    loss = ((clipped - before) - sums).round(6).to_numpy()
    lost = loss != 0
    return pd.DataFrame({**{g: parts[g][lost] for g in [*groups, "month"]},
                         "points": loss[lost]})


def _caps_in_their_month(rows: pd.DataFrame, rules: pd.Series, dims: list[str],
                         ruleset: Ruleset) -> pd.DataFrame:
    """``member, month, period, dimension, points``: the ledger ``rows`` (integer codes:
    ``rule`` in ``rules``, ``dimension`` in ``dims``, -1 for another) with their item,
    dimension and total caps taken in the month they are reached (see the module's
    docstring)."""
    caps = item_caps(ruleset)
    dropped = (rules.str.startswith("dimcap.") | (rules == "total_cap")
               | rules.isin([c for c, _ in caps.values()])).to_numpy()
    body = rows[~dropped[rows["rule"].to_numpy()]]
    del rows  # the caller hands over its only reference: one copy of the ledger's numbers
    parts = [body]
    items = body[rules.isin(list(caps)).to_numpy()[body["rule"].to_numpy()]]
    if len(items):
        first = items.drop_duplicates("rule")
        dimension = np.full(len(rules), -1)
        dimension[first["rule"].to_numpy()] = first["dimension"].to_numpy()
        bound = np.array([caps[r][1] if r in caps else np.inf for r in rules], dtype="float64")
        loss = _clipped(items, ["member", "period", "rule"], bound)
        parts.append(loss.assign(dimension=dimension[loss["rule"].to_numpy()], rule=-1))
    del items
    zero = np.append(rules.str.startswith("zero.").to_numpy(), False)  # -1: a cap's loss
    scored = list(parts)  # what the dimension caps read: the rows and the items' losses
    for dim in ruleset.dimensions:
        if dim.cap is not None:  # each dimension's rows, only the columns the cap reads
            code = dims.index(dim.id)
            groups = ["member", "period"] if dim.scope == "period" else ["member"]
            rows = pd.concat([p.loc[~zero[p["rule"].to_numpy()] & (p["dimension"] == code)
                                    .to_numpy(), [*groups, "month", "points"]] for p in scored],
                             ignore_index=True)
            parts.append(_clipped(rows, groups, float(dim.cap)).assign(dimension=code))
            del rows
    if ruleset.total_cap is not None:  # the columns it needs only: one short copy of the rows
        every = pd.concat([p[["member", "month", "points"]] for p in parts], ignore_index=True)
        parts.append(_clipped(every, ["member"], float(ruleset.total_cap)).assign(
            dimension=dims.index(ADJUSTMENT)))
        del every
    return pd.concat(parts, ignore_index=True)


def monthly_table(ledger: pd.DataFrame, scope: pd.DataFrame, ruleset: Ruleset,
                  cal: Calendar) -> pd.DataFrame:
    """One row per member and month of their window, in the cycle's order: points per
    dimension, the month's ``total`` and the ``cumulative`` total, which never passes a
    dimension's cap or the total's (caps count in the month they are reached)."""
    last = int(cal.month_number(pd.Series([cal.cutoff])).iloc[0])
    first = cal.month_number(scope["window_start"]).to_numpy().clip(0, None)
    end = cal.month_number(scope["window_end"]).to_numpy().clip(None, last)
    count = (end - first + 1).clip(0, None)
    member = np.repeat(np.arange(len(scope)), count)
    month = np.arange(len(member)) - np.repeat(np.cumsum(count) - count, count) + first[member]
    index = pd.MultiIndex.from_arrays([scope["member_id"].array.take(member), month],
                                      names=["member_id", "month"])
    columns = [d.id for d in ruleset.dimensions] + [ADJUSTMENT]
    at = np.full((len(scope), last + 1), -1)  # the table's row of each member and month
    at[member, month] = np.arange(len(member))
    # members, rules and dimensions as codes in the order of their text, as groupbys on the
    # text would number them
    member, members = pd.factorize(ledger["member_id"], sort=True)
    member = member.astype("int32")  # the numbers only, as 32-bit codes, each made at once
    rule, rules = pd.factorize(ledger["rule"].fillna(""), sort=True)
    rule = rule.astype("int32")
    dims = sorted({*ledger["dimension"].dropna().unique(), *columns})
    rows = _caps_in_their_month(pd.DataFrame({
        "member": member, "month": cal.month_number(ledger["date"]).to_numpy().astype("int32"),
        "period": ledger["period"].to_numpy().astype("int32"),
        "dimension": positions(ledger["dimension"], dims).astype("int32"),
        "rule": rule, "points": ledger["points"].to_numpy()}, copy=False),
        pd.Series(rules, dtype="string"), dims, ruleset)
    del member, rule
    month = rows["month"].to_numpy().astype("int64")
    low = int(month.min()) if len(month) else 0
    (m, mo, d), sums = _grouped_sums(
        [rows["member"].to_numpy().astype("int64"), month - low,
         rows["dimension"].to_numpy().astype("int64")],
        [len(members), int(month.max()) - low + 1 if len(month) else 1, len(dims)],
        rows["points"].to_numpy())
    mo = mo + low
    pos = np.append(positions(pd.Series(members), scope["member_id"]), -1)[m]
    inside = (pos >= 0) & (mo >= 0) & (mo <= last)
    row = np.where(inside, at[pos.clip(0, None), mo.clip(0, last)], -1)
    table = _sum_table(row, np.append(positions(pd.Series(dims), columns), -1)[d], sums,
                       index, columns)
    table["cumulative"] = table.groupby(level="member_id")["total"].cumsum().round(6)
    table = table.reset_index()
    table["month"] = ((table["month"] + cal.first_month - 1) % 12 + 1).astype("int64")
    return table
