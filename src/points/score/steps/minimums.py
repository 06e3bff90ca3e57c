"""Minimum frequencies (``[minimums.<名称>]``, 每月至少参加一次主题党日): each month, quarter or
year of a member's window in which they attended the activity fewer times than the minimum
is a *shortfall*; each deducts the minimum's points (a ``minimum.<id>`` row dated at the end
of the period, addressed at the member's first record of the activity in it, else their
roster row). A minimum never credits.

Only whole periods are judged: a period the member joined or left during, or that the cutoff
(``--as-of``) cuts, is not. A period with no record of the activity at all (none was held) is
not judged either, unless the minimum says ``unrecorded = "missed"``. The category is the
member's category at the end of the period (发展对象 before the 接收预备党员日期, 预备党员
before the 转正日期, else the roster's). The review flag
(:mod:`points.score.flags.minimums`) looks back through the records of earlier years too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import Minimum
from ...vocab.frames import isin
from ...vocab.statuses import ATTENDED
from ..calendar import MONTHS_PER, month_index
from ..ledger import dimension_applies, ledger_rows
from ..members import Timeline
from .base import Produced, Scoring

__all__ = ["describe", "shortfalls", "step"]


def _period_table(first: int, last: int, k: int, shift: int) -> pd.DataFrame:
    """The periods of ``k`` months whose first month is from ``first`` to ``last`` (months
    counted across years; quarters and years start ``shift`` months after January, as the
    cycle does), with their first and last day and their text (``2024-03``, ``2024 年第 1
    季度``, ``2024 年``; ``2023-07 至 2023-09`` in a cycle off the calendar year)."""
    keys = np.arange(-(-(first - shift) // k), (last - shift) // k + 1, dtype="int64")
    month = keys * k + shift
    start = pd.to_datetime(pd.DataFrame({"year": month // 12, "month": month % 12 + 1, "day": 1}))
    end = start + pd.DateOffset(months=k) - pd.Timedelta(days=1)
    year = pd.Series(month // 12, dtype="string")
    text = {1: year + "-" + pd.Series(month % 12 + 1).astype("string").str.zfill(2),
            3: year + " 年第 " + pd.Series(month % 12 // 3 + 1).astype("string") + " 季度",
            12: year + " 年"}[k]
    if shift and k > 1:
        last_month = month + k - 1
        text = (year + "-" + pd.Series(month % 12 + 1).astype("string").str.zfill(2) + " 至 "
                + pd.Series(last_month // 12, dtype="string") + "-"
                + pd.Series(last_month % 12 + 1).astype("string").str.zfill(2))
    return pd.DataFrame({"key": keys, "p_start": start.astype("datetime64[us]"),
                         "p_end": end.astype("datetime64[us]"), "text": text})


def shortfalls(m: Minimum, members: pd.DataFrame, events: pd.DataFrame, first: pd.Timestamp,
               last: pd.Timestamp, shift: int = 0, timeline: Timeline | None = None
               ) -> pd.DataFrame:
    """The periods from ``first`` to ``last`` (whole periods only) in which a member of
    ``members`` (``member_id, category, window_start, window_end, source``) fell short of
    ``m``: ``member_id, key, p_start, p_end, text, attended, source``, by member and period.
    ``shift``: the cycle's first month − 1 (quarters and years follow the cycle). A minimum
    for some categories judges a period by the category at its end (``timeline``: who was
    still 发展对象 or 预备党员 then)."""
    k = MONTHS_PER[m.per]
    periods = _period_table(int(month_index(pd.Series([first])).iloc[0]),
                            int(month_index(pd.Series([last])).iloc[0]), k, shift)
    grid = members[["member_id", "category", "window_start", "window_end", "source"]].merge(
        periods, how="cross")
    grid = grid[(grid["p_start"] >= grid["window_start"]) & (grid["p_end"] <= grid["window_end"])
                & (grid["p_start"] >= first) & (grid["p_end"] <= last)]
    if m.categories:
        category = (grid["category"].to_numpy(dtype=object) if timeline is None else
                    timeline.category_names(grid["member_id"], grid["p_end"], grid["category"]))
        grid = grid[pd.Series(category).isin(m.categories).to_numpy()]
    these = events if m.activity is None else events[events["activity"] == m.activity]
    these = these[isin(these["member_id"], grid["member_id"])]
    counts = pd.DataFrame({
        "member_id": these["member_id"], "key": (month_index(these["date"]) - shift) // k,
        "attended": these["status"].isin(list(ATTENDED)).astype("int64"),
        "first": these["source"]}).groupby(["member_id", "key"], sort=False).agg(
        attended=("attended", "sum"), first=("first", "first"))
    grid = grid.join(counts, on=["member_id", "key"])
    recorded = grid["attended"].notna()
    attended = grid["attended"].fillna(0).astype("int64")
    short = (attended < m.count) & (recorded | (m.unrecorded == "missed"))
    out = grid[short.to_numpy()].assign(attended=attended[short])
    out["source"] = out["first"].fillna(out["source"]).astype("string")
    return out.sort_values(["member_id", "key"])[
        ["member_id", "key", "p_start", "p_end", "text", "attended", "source"]
    ].reset_index(drop=True)


def describe(m: Minimum) -> str:
    """``主题党日每月至少参加 1 次`` (the minimum in words)."""
    per = {"month": "每月", "quarter": "每季度", "year": "每年"}[m.per]
    return f"{m.activity or '组织生活'}{per}至少参加 {m.count} 次"


def step(s: Scoring) -> Produced:
    scope = s.scope.reset_index()
    out = []
    for m in s.ruleset.minimums:
        if not m.points:
            continue
        short = shortfalls(m, scope, s.events, s.calendar.start, s.calendar.cutoff,
                           s.calendar.first_month - 1, s.timeline)
        skip = short["member_id"].map(scope.set_index("member_id")["skip_dimensions"])
        short = short[dimension_applies(skip, "deductions")]
        item = (m.name + "：" + short["text"] + " 参加 " + short["attended"].astype("string")
                + " 次（" + describe(m) + "）")
        out.append(ledger_rows(member_id=short["member_id"], date=short["p_end"],
                               period=s.calendar.period_of(short["p_end"]),
                               dimension="deductions", rule=f"minimum.{m.id}", item=item,
                               points=float(m.points), source=short["source"], index=short.index))
    out = [frame for frame in out if len(frame)]
    return Produced(rows=pd.concat(out, ignore_index=True)) if out else Produced()
