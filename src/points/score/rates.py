"""出勤率: attended / scheduled, with leave shown apart, for any grouping of the events.

An event is one activity a member was expected at (a row of ``Assessment.events``: blank
cells are in it only where the ruleset counts them as absent). Of those:

- ``attended``: present, late, online or made up (:data:`points.vocab.statuses.ATTENDED`);
- ``leave``: on leave (请假; excused, but not attended);
- ``absent``: unexcused (absent, or a blank counted as absent);
- ``rate`` = attended / scheduled (missing where nothing was scheduled), and ``leave_rate``.

A member, a member's month, a branch, a branch's activity in a month: the same counts, grouped
by other keys (:func:`attendance_rates`), vectorized.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..vocab.statuses import ATTENDED, UNEXCUSED

__all__ = ["COUNTS", "attendance_rates", "with_branch"]

#: The count columns, then the rates.
COUNTS = ("scheduled", "attended", "leave", "absent")


def with_branch(events: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """``events`` with each member's ``branch`` and ``kind`` (member or candidate), and the
    ``month`` of each event."""
    people = members.drop_duplicates("member_id").set_index("member_id")
    return events.assign(branch=events["member_id"].map(people["branch"]),
                         kind=events["member_id"].map(people["kind"]),
                         month=events["date"].dt.month)


def attendance_rates(events: pd.DataFrame, by: Sequence[str],
                     index: pd.Index | pd.MultiIndex | None = None) -> pd.DataFrame:
    """Per group of ``by`` (columns of ``events``, see :func:`with_branch`): ``scheduled``,
    ``attended``, ``leave``, ``absent`` (counts), ``rate`` and ``leave_rate``; the groups of
    ``index`` when given (missing ones with zero counts), else those that occur, sorted."""
    status = events["status"].astype("string")
    counts = pd.DataFrame({
        **{key: events[key] for key in by},
        "scheduled": np.ones(len(events), dtype="int64"),
        "attended": status.isin(sorted(ATTENDED)).fillna(False).to_numpy(dtype="int64"),
        "leave": (status == "leave").fillna(False).to_numpy(dtype="int64"),
        "absent": status.isin(sorted(UNEXCUSED)).fillna(False).to_numpy(dtype="int64")})
    table = counts.groupby(list(by), sort=True, dropna=False)[list(COUNTS)].sum()
    if index is not None:
        table = table.reindex(index, fill_value=0)
    table = table.astype("int64")
    scheduled = table["scheduled"].where(table["scheduled"] > 0)
    table["rate"] = (table["attended"] / scheduled).astype("float64")
    table["leave_rate"] = (table["leave"] / scheduled).astype("float64")
    return table.reset_index()
