"""The rows of assessed people that 汇总, 支部统计 and 公示 share, their attendance counts, and
how names are masked."""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from ...judge.assessment import AssessmentTables
from ...score.rates import COUNTS, attendance_rates
from ...vocab.frames import run_starts, sort_frame

__all__ = ["attendance_counts", "mask_name", "people", "suggested"]


def people(assessment: AssessmentTables) -> pd.DataFrame:
    """One row per assessed person, members first within each branch, by branch rank."""
    ranked = assessment.rankings
    kind = np.where(ranked["kind"] == "member", 0, 1)
    return sort_frame(ranked.assign(_kind=kind), ["branch", "_kind", "branch_rank", "member_id"]
                      ).drop(columns="_kind").reset_index(drop=True)


def suggested(rows: pd.DataFrame) -> pd.Series:
    """建议等次: the grade, or for a candidate the 择优档次."""
    return rows["grade"].fillna(rows["candidate_band"]).astype("string")


def mask_name(names: pd.Series) -> pd.Series:
    """``张三`` → ``张*``, ``张三丰`` → ``张*丰``, ``欧阳小明`` → ``欧**明``; one character stays."""
    text = names.astype("string").fillna("")
    n = text.str.len()
    middle = pd.Series(["*" * max(k - 2, 1) for k in range(int(n.max() or 0) + 1)],
                       dtype="string")
    stars = middle.reindex(n.to_numpy()).reset_index(drop=True)
    stars.index = text.index
    masked = text.str.slice(0, 1) + stars + text.str.slice(-1).where(n > 2, "")
    return masked.where(n > 1, text)


#: The last :func:`attendance_counts`: (a weak reference to the events frame, the counts).
#: 汇总 and 支部统计 of one workbook share them.
_LAST: list[tuple[weakref.ref[pd.DataFrame], pd.DataFrame]] = []


def attendance_counts(a: AssessmentTables) -> pd.DataFrame:
    """:data:`points.score.rates.COUNTS` (int64) of each member with events, indexed by
    ``member_id`` in order of first appearance: what :func:`attendance_rates` counts by
    member. Counted on integer codes: the member of each run of equal ids (the events are in
    member order) and each distinct status, classed once by :func:`attendance_rates` itself;
    no text is compared per event. Remembered for the same events frame."""
    events = a.events
    if _LAST and _LAST[0][0]() is events:
        return _LAST[0][1]
    ids = events["member_id"]
    heads = np.flatnonzero(run_starts(ids))
    run_member, members = pd.factorize(ids.iloc[heads])
    member = np.repeat(run_member, np.diff(np.r_[heads, len(ids)]).astype("int64"))
    codes, statuses = pd.factorize(events["status"], use_na_sentinel=False)
    classes = attendance_rates(pd.DataFrame({"code": np.arange(len(statuses)),
                                             "status": statuses}), ["code"])
    keep = member >= 0  # (an event of no member counts for nobody)
    per = np.bincount(member[keep] * len(statuses) + codes[keep],
                      minlength=len(members) * len(statuses)
                      ).reshape(len(members), len(statuses))
    counts = pd.DataFrame(per @ classes[list(COUNTS)].to_numpy(dtype="int64"), columns=COUNTS,
                          index=pd.Index(members, name="member_id"))
    _LAST[:] = [(weakref.ref(events), counts)]
    return counts
