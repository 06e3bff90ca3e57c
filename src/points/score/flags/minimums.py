"""``missed_minimum``: a member fell short of a minimum frequency (``[minimums]`` with
``flag = true``) in one or more whole months (quarters, years) of the period.

The flag lists the periods that fell short; when the shortfalls run on without a break from
the records of earlier years (last year's sheets, given as history), the detail says since
when, and those earlier periods are evidence too. Each evidence row is one period: the
member's first record of the activity in it (or their roster row when it has none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import Minimum
from ...vocab.frames import join_runs
from ..steps.minimums import describe, shortfalls
from .base import MemberFlags
from .rows import flag_rows

__all__ = ["minimum_flags"]

_UNIT = {"month": "个月", "quarter": "个季度", "year": "年"}


def _history_members(out: MemberFlags, history: pd.DataFrame) -> pd.DataFrame:
    """The in-scope members with a window over the history: from the first month of their
    first earlier record to the day before the period."""
    first = history.groupby("member_id")["date"].min()
    members = out.members[out.members["member_id"].isin(first.index)]
    start = members["member_id"].map(first).dt.to_period("M").dt.start_time
    end = out.scoring.calendar.start - pd.Timedelta(days=1)
    return members.assign(window_start=start.astype("datetime64[us]"), window_end=end)


def _month_start(day: pd.Timestamp) -> pd.Timestamp:
    """The first day of ``day``'s month: history is judged in whole periods from there."""
    return pd.Timestamp(day.year, day.month, 1)


def _run_start(short: pd.DataFrame, first_key: pd.Series) -> pd.Series:
    """Per member, the first key of the run of consecutive shortfalls that holds their first
    shortfall of the period (``first_key``)."""
    member = short["member_id"].to_numpy()
    key = short["key"].to_numpy()
    breaks = np.r_[True, (member[1:] != member[:-1]) | (key[1:] != key[:-1] + 1)] \
        if len(short) else np.array([], dtype=bool)
    run = pd.Series(np.cumsum(breaks), index=short.index)
    run_first = short.groupby(run)["key"].transform("min")
    at_first = short["key"] == short["member_id"].map(first_key)
    return pd.Series(run_first[at_first].to_numpy(), index=short.loc[at_first, "member_id"])


def _flag(out: MemberFlags, m: Minimum) -> None:
    s = out.scoring
    cal = s.calendar
    shift = cal.first_month - 1
    now = shortfalls(m, out.members, s.events, cal.start, cal.cutoff, shift, s.timeline)
    if now.empty:
        return
    history = out.history_events
    past = shortfalls(m, _history_members(out, history), history, _month_start(history["date"].min()),
                      cal.start - pd.Timedelta(days=1), shift, s.timeline) if len(history) else now.iloc[:0]
    both = pd.concat([past, now], ignore_index=True).sort_values(["member_id", "key"])
    first_key = now.groupby("member_id")["key"].min()
    since = _run_start(both.reset_index(drop=True), first_key)
    earlier = both[both["key"] >= both["member_id"].map(since)]
    earlier = earlier[earlier["key"] < earlier["member_id"].map(first_key)]
    who = join_runs(now["member_id"], now["text"], "、").rename(columns={"key": "member_id"})
    back = who["member_id"].map(earlier.groupby("member_id")["text"].first()).astype("string")
    unit = _UNIT[m.per]
    detail = (describe(m) + "，" + who["n"].astype("string") + " " + unit + "未达到（"
              + who["texts"] + "）")
    detail = detail.where(back.isna(), detail + "，自 " + back.fillna("") + " 起连续未达到")
    out.add(flag_rows(who, "missed_minimum", detail, months=who["texts"]))
    used = pd.concat([earlier, now], ignore_index=True)
    out.evidence.append(pd.DataFrame({
        "member_id": used["member_id"].astype("string"), "code": "missed_minimum",
        "month": used["p_start"].dt.month.astype("Int64"), "date": used["p_end"],
        "record": m.name, "status": "参加 " + used["attended"].astype("string") + " 次",
        "detail": used["text"] + " " + describe(m), "source": used["source"].astype("string")}))


def minimum_flags(out: MemberFlags) -> None:
    for m in out.scoring.ruleset.minimums:
        if m.flag:
            _flag(out, m)
