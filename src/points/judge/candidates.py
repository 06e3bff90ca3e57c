"""Development candidates chosen by merit, on points (依据积分择优).

:func:`select_candidates` gives the merit list a branch sends up: every 发展对象 / 入党积极分子,
best first, ``selected`` for those recommended and a Chinese ``reason`` for every one who is not.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ..rules.model import Ruleset
from ..vocab.errors import ArgumentError
from ..vocab.frames import isin, sort_frame
from .assessment import AssessmentTables
from .quota import quota_places

__all__ = ["CANDIDATE_COLUMNS", "candidate_list", "select_candidates"]

CANDIDATE_COLUMNS = ["member_id", "name", "branch", "category", "total", "rank", "band",
                     "selected", "place", "reason"]


def select_candidates(assessment: AssessmentTables, n: int | None = None, *,
                      by: Literal["branch", "all"] = "branch") -> pd.DataFrame:
    """The merit list of development candidates, best first.

    A candidate is recommended when their band is the ruleset's top candidate band (优先发展),
    at most ``n`` per branch (``by="branch"``) or in all (``by="all"``); ``n=None`` recommends
    everyone in the top band. Candidates tied at the last place who do not all fit are not
    recommended (the branch decides among them), exactly as the 优秀 quota. Columns:
    ``member_id, name, branch, category, total, rank`` (competition rank among the
    candidates of the branch, or of all), ``band``, ``selected``, ``place`` (1, 2, … among the
    recommended) and ``reason`` (why a candidate is not recommended; empty when they are).
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        raise ArgumentError(f"n（推荐人数）：应为 ≥ 0 的整数或 None，实际是 {n!r}")
    if by not in ("branch", "all"):
        raise ArgumentError(f"by（推荐范围）：应为 'branch' 或 'all'，实际是 {by!r}")
    return candidate_list(assessment.rankings, assessment.logs, assessment.ruleset, n, by)


def candidate_list(rankings: pd.DataFrame, logs: pd.DataFrame, ruleset: Ruleset,
                   n: int | None = None, by: str = "branch") -> pd.DataFrame:
    """:func:`select_candidates` on the parts of an assessment."""
    frame = rankings[rankings["kind"] == "candidate"].reset_index(drop=True)
    frame = frame.assign(_group=frame["branch"] if by == "branch" else "")
    frame["rank"] = frame.groupby("_group")["total"].rank(method="min", ascending=False).astype(
        "int64")
    bands = ruleset.candidate_bands
    top = bands[0].name if bands else None
    zeroed = isin(frame["member_id"], logs.loc[logs["zero_out"], "member_id"])
    blocked = frame["top_band_blocked"].to_numpy(dtype=bool)
    eligible = (frame["candidate_band"] == top).fillna(False).to_numpy(dtype=bool) \
        if top is not None else np.ones(len(frame), dtype=bool)
    eligible &= ~zeroed

    reason = pd.Series("", index=frame.index, dtype="string")
    if top is not None:
        low = ~eligible & ~zeroed & ~blocked
        reason[low] = ("总积分 " + frame.loc[low, "total"].map("{:.1f}".format).astype("string")
                       + " 未达“" + top + "”线 " + f"{bands[0].min:g}")
    reason[blocked & ~zeroed] = "有违反廉洁自律规定等记录，不得列为“" + (top or "") + "”"
    reason[zeroed] = "受到党纪政务处分，不予推荐"

    selected = eligible.copy()
    if n is not None and eligible.any():
        sub = frame[eligible]
        tie_rows, over_rows = quota_places(sub["total"], sub["_group"], n)
        tie, over = tie_rows.to_numpy(), over_rows.to_numpy()
        where = np.flatnonzero(eligible)
        selected[where[tie | over]] = False
        reason[where[tie]] = f"与推荐名额（{n} 人）最后一名同分，无法全部列入，由支部研究"
        reason[where[over]] = f"超出推荐名额（{n} 人）"
    frame["selected"] = selected
    frame["band"] = frame["candidate_band"]
    frame["reason"] = reason
    ordered = sort_frame(frame.assign(_not=~frame["selected"]),
                         ["_group", "_not", "rank", "member_id"]).reset_index(drop=True)
    place = ordered.groupby("_group").cumcount() + 1
    ordered["place"] = place.astype("Int64").where(ordered["selected"])
    return ordered[CANDIDATE_COLUMNS]
