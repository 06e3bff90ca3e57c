"""Flags on counts over every activity (支委会 included): ``unexcused_absences`` (通报批评) and
``frequent_leave`` (leave on more than a share of the scheduled events)."""

from __future__ import annotations

import pandas as pd

from ...vocab.statuses import STATUS_LABELS, UNEXCUSED
from .base import MemberFlags
from .rows import flag_rows, record_evidence

__all__ = ["count_flags"]


def count_flags(out: MemberFlags) -> None:
    rules, events = out.scoring.ruleset.flags, out.scoring.events
    unexcused = events[events["status"].isin(list(UNEXCUSED))]
    n_unexcused = unexcused.groupby("member_id").size()
    hit = n_unexcused[n_unexcused >= rules.unexcused_absences]
    if len(hit):
        who = pd.DataFrame({"member_id": hit.index})
        out.add(flag_rows(who, "unexcused_absences",
                          "统计期内无故缺席 " + pd.Series(hit.to_numpy(), dtype="string") + " 次"))
        used = unexcused[unexcused["member_id"].isin(hit.index)]
        out.evidence.append(record_evidence(used, "unexcused_absences", "activity",
                                            used["status"].map(STATUS_LABELS)))

    scheduled = events.groupby("member_id").size()
    leave = events[events["status"] == "leave"]
    n_leave = leave.groupby("member_id").size()
    share = rules.frequent_leave_share
    n_all = scheduled.reindex(n_leave.index)
    hit = n_leave[(n_leave * share.denominator > n_all * share.numerator)
                  & (n_leave >= rules.frequent_leave_min)]
    if len(hit):
        who = pd.DataFrame({"member_id": hit.index})
        out.add(flag_rows(who, "frequent_leave",
                          "请假 " + pd.Series(hit.to_numpy(), dtype="string") + " 次，应参加 "
                          + pd.Series(n_all[hit.index].to_numpy(), dtype="string") + " 次"))
        used = leave[leave["member_id"].isin(hit.index)]
        out.evidence.append(record_evidence(used, "frequent_leave", "activity", "请假"))
