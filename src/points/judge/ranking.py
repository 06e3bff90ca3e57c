"""Rankings, suggested grades (with the per-branch quota) and bands, from the totals.

Everything here is a function of the totals table and the ruleset: the order of the input rows
never changes a rank, a grade or a band. Members (``kind == "member"``) and development
candidates (``kind == "candidate"``) are ranked apart.

Columns of the rankings table:

======================  ==============================================================
``branch_rank``         competition rank ("1224") within the branch (members and
                        candidates apart)
``category_rank``       within the category
``overall_rank``        among all members (or all candidates)
``grade_by_total``      the grade band the total falls in (members only)
``grade``               the suggested grade after the 优秀 quota
``quota``               ``"tie"`` (edge tie of the quota), ``"demoted"`` (over the quota)
                        or empty
``bottom_share``        True where the branch has too few low grades and this member is
                        among the lowest (flagged, never regraded)
``probation_band``      预备党员: the probation band (按期转正 / 延长预备期 / 取消预备资格)
``candidate_band``      发展对象 / 入党积极分子: the candidate band
``top_band_blocked``    a candidate kept out of the top band by a record (违反廉洁自律规定,
                        受到党纪政务处分)
======================  ==============================================================
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..rules.model import Band, Ruleset
from ..vocab.frames import isin, sort_frame
from .quota import band_of, cascade, ceil_share
from .rating import RATING_COLUMNS, rate

__all__ = ["RANKING_COLUMNS", "band_of", "rankings"]

RANKING_COLUMNS = ["member_id", "name", "branch", "category", "kind", "total", "branch_rank",
                   "category_rank", "overall_rank", "grade_by_total", "grade", "quota",
                   "bottom_share", "probation_band", "candidate_band", "top_band_blocked",
                   *RATING_COLUMNS]


def _names(index: np.ndarray, bands: tuple[Band, ...], where: np.ndarray) -> pd.Series:
    """The names of the bands at ``index`` where ``where`` (missing elsewhere), taken from
    the few names as text: no Python string a member."""
    names = pd.array([b.name for b in bands], dtype="string")
    return pd.Series(names.take(np.asarray(index, dtype="int64"))).where(where)


def _competition_rank(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    return frame.groupby(keys)["total"].rank(method="min", ascending=False).astype("int64")


def rankings(totals: pd.DataFrame, logs: pd.DataFrame, ruleset: Ruleset) -> pd.DataFrame:
    """The rankings table (see the module docstring), sorted members first, then by overall
    rank and member id."""
    frame = totals[["member_id", "name", "branch", "category", "kind", "total"]].reset_index(
        drop=True)
    frame["branch_rank"] = _competition_rank(frame, ["kind", "branch"])
    frame["category_rank"] = _competition_rank(frame, ["kind", "category"])
    frame["overall_rank"] = _competition_rank(frame, ["kind"])
    member = (frame["kind"] == "member").to_numpy()
    candidate = ~member

    grade_by_total = pd.Series(pd.NA, index=frame.index, dtype="string")
    grade = grade_by_total.copy()
    quota = pd.Series("", index=frame.index, dtype="string")
    bottom = pd.Series(False, index=frame.index)
    grades = ruleset.grades
    if grades is not None and len(frame):
        grade_by_total = _names(band_of(frame["total"], grades.bands), grades.bands, member)
        grade = grade_by_total.copy()
        n = pd.Series(member.astype("int64")).groupby(frame["branch"]).transform("sum")
        if grades.top_quota is not None:
            grade, quota = _apply_quota(frame, grade_by_total, n, grades.top_quota, grades.top,
                                        _below(grades.bands, grades.top))
        if grades.bottom_min_share is not None:
            bottom = _bottom_share(frame, grade, member, n, grades.bottom_min_share,
                                   grades.bottom)

    probation = pd.Series(pd.NA, index=frame.index, dtype="string")
    if ruleset.probation:
        on_probation = frame["category"].isin(
            [c.name for c in ruleset.categories if c.probation]).to_numpy() & member
        probation = _names(band_of(frame["total"], ruleset.probation), ruleset.probation,
                           on_probation)

    candidate_band = pd.Series(pd.NA, index=frame.index, dtype="string")
    blocked = pd.Series(False, index=frame.index)
    if ruleset.candidate_bands:
        bands = ruleset.candidate_bands
        blocking = logs[logs["blocks_top_band"] | logs["zero_out"]]["member_id"]
        index = band_of(frame["total"], bands)
        blocked = pd.Series((index == 0) & isin(frame["member_id"], blocking)
                            & candidate & (len(bands) > 1), index=frame.index)
        index = np.where(blocked, 1, index)
        candidate_band = _names(index, bands, candidate)

    frame = frame.assign(grade_by_total=grade_by_total, grade=grade, quota=quota,
                         bottom_share=bottom.astype(bool), probation_band=probation,
                         candidate_band=candidate_band, top_band_blocked=blocked.astype(bool))
    frame = pd.concat([frame, rate(frame, member, ruleset.rating)], axis=1)
    frame["_kind"] = np.where(member, 0, 1)
    frame = sort_frame(frame, ["_kind", "overall_rank", "member_id"])
    return frame[RANKING_COLUMNS].reset_index(drop=True)


def _below(bands: tuple[Band, ...], top: str) -> str:
    names = [b.name for b in bands]
    at = names.index(top)
    return names[at + 1] if at + 1 < len(names) else top


def _apply_quota(frame: pd.DataFrame, grade: pd.Series, n: pd.Series, share: Fraction,
                 top: str, below: str) -> tuple[pd.Series, pd.Series]:
    """At most ⌊n × share⌋ top grades per branch; an edge tie that does not fit keeps none:
    the case of :func:`.quota.cascade` with one band (the top grade) under a quota."""
    qualifies = (grade == top).fillna(False).to_numpy(dtype=bool)
    _, quota = cascade(frame, np.where(qualifies, 0, 1), qualifies, n, [share, None])
    grade = grade.mask(quota != "", below)
    return grade, quota


def _bottom_share(frame: pd.DataFrame, grade: pd.Series, member: np.ndarray, n: pd.Series,
                  share: Fraction, low: tuple[str, ...]) -> pd.Series:
    """True for the lowest members of branches with fewer than ⌈n × share⌉ low grades (edge
    ties included: the branch decides among them)."""
    is_low = grade.isin(list(low)).fillna(False).to_numpy(dtype=bool) & member
    have = pd.Series(is_low.astype("int64")).groupby(frame["branch"]).transform("sum")
    short = ceil_share(n, share) - have
    pool = member & ~is_low & (short > 0).to_numpy()
    out = pd.Series(False, index=frame.index)
    if pool.any():
        sub = frame[pool]
        place = sub.groupby("branch")["total"].rank(method="min", ascending=True)
        out[sub.index] = (place <= short[pool]).to_numpy()
    return out
