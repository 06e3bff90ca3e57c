"""Flags on what a member's records hold at all: ``zeroed`` (a 受到党纪政务处分 record) and
``no_records`` (in the roster, no record of any kind in their window: 失联党员排查)."""

from __future__ import annotations

import pandas as pd

from ...vocab.frames import isin
from .base import MemberFlags
from .rows import flag_rows, record_evidence, roster_evidence

__all__ = ["presence_flags"]


def presence_flags(out: MemberFlags) -> None:
    logs = out.logs
    zero = logs[logs["zero_out"]]
    if len(zero):
        who = zero.drop_duplicates("member_id")
        out.add(flag_rows(who, "zeroed", "有“" + who["item"] + "”记录，年度积分为 0"))
        out.evidence.append(record_evidence(zero, "zeroed", "item", ""))
    members = out.members
    silent = members[~isin(members["member_id"], out.recorded)]
    if len(silent):
        detail = pd.Series("统计期内没有任何签到、加减分或评议记录", index=silent.index)
        out.add(flag_rows(silent, "no_records", detail))
        out.evidence.append(roster_evidence(silent, "no_records", detail))
