"""Flags on counts over every activity (支委会 included): ``unexcused_absences`` (通报批评) and
``frequent_leave`` (leave on more than a share of the scheduled events)."""

from __future__ import annotations

import pandas as pd

from ...vocab.frames import isin
from ...vocab.statuses import STATUS_LABELS, UNEXCUSED
from ..steps.conversions import converted
from .base import MemberFlags
from .rows import flag_rows, record_evidence

__all__ = ["count_flags"]

_CONVERTED = {"late": "迟到早退满 ", "leave": "请假满 "}


def count_flags(out: MemberFlags) -> None:
    rules, events = out.scoring.ruleset.flags, out.scoring.events
    unexcused = events[events["status"].isin(list(UNEXCUSED))]
    unexcused = unexcused.assign(shown=unexcused["status"].map(STATUS_LABELS))
    done = converted(events, out.scoring.ruleset)  # N late arrivals or leaves count as one
    done = done.assign(shown=done["converts"].map(_CONVERTED) + done["count"].astype("string")
                       + " 次折合缺席")
    unexcused = pd.concat([unexcused, done])
    n_unexcused = unexcused.groupby("member_id").size()
    hit = n_unexcused[n_unexcused >= rules.unexcused_absences]
    if len(hit):
        who = pd.DataFrame({"member_id": hit.index})
        out.add(flag_rows(who, "unexcused_absences",
                          "统计期内无故缺席 " + pd.Series(hit.to_numpy(), dtype="string") + " 次"))
        used = unexcused[isin(unexcused["member_id"], hit.index)]
        out.evidence.append(record_evidence(used, "unexcused_absences", "activity",
                                            used["shown"]))

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
        used = leave[isin(leave["member_id"], hit.index)]
        out.evidence.append(record_evidence(used, "frequent_leave", "activity", "请假"))
