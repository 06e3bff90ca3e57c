"""评星定级: stars or boards by total (★5 … ★1, 红榜 / 黄榜 / 白榜), with shares per branch.

Each band of ``[rating]`` may say ``at_most`` (at most ⌊n × share⌋ of a branch's members in
this band: the rest move one band down, highest totals first, an edge tie that does not all fit
moving down together) and ``at_least`` (at least ⌈n × share⌉ in this band or below: when short,
the lowest members above are flagged, never moved: the branch decides). ``n`` is the branch's
members; candidates are not rated. Columns added to the rankings:

==================  ==========================================================================
``rating_by_total`` the band the total falls in
``rating``          the band after the ``at_most`` shares
``rating_quota``    ``"tie"`` or ``"demoted"`` where a share moved the member down, else empty
``rating_short``    True for the members flagged by an ``at_least`` share
==================  ==========================================================================
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..rules.model import Rating
from .quota import band_of, cascade

__all__ = ["RATING_COLUMNS", "rate"]

RATING_COLUMNS = ["rating_by_total", "rating", "rating_quota", "rating_short"]


def rate(frame: pd.DataFrame, member: np.ndarray, rating: Rating | None) -> pd.DataFrame:
    """The :data:`RATING_COLUMNS` of each row of ``frame`` (``total``, ``branch``); empty
    (missing bands) where ``rating`` is None or the row is not a member."""
    none = pd.Series(pd.NA, index=frame.index, dtype="string")
    out = pd.DataFrame({"rating_by_total": none, "rating": none,
                        "rating_quota": pd.Series("", index=frame.index, dtype="string"),
                        "rating_short": pd.Series(False, index=frame.index)})
    if rating is None or not len(frame):
        return out
    bands = rating.bands
    n = pd.Series(member.astype("int64"), index=frame.index).groupby(frame["branch"]).transform(
        "sum")
    by_total = band_of(frame["total"], bands)
    index, quota = cascade(frame, by_total, member, n, [b.at_most for b in bands])
    short = np.zeros(len(frame), dtype=bool)
    for k, band in enumerate(bands):
        if band.at_least is not None and k > 0:  # the loader refuses one on the top band
            short |= _short(frame, index, member, n, k, band.at_least)
    names = np.array([b.name for b in bands], dtype=object)
    return out.assign(
        rating_by_total=pd.Series(names[by_total], index=frame.index, dtype="string").where(member),
        rating=pd.Series(names[index], index=frame.index, dtype="string").where(member),
        rating_quota=quota, rating_short=short)


def _short(frame: pd.DataFrame, index: np.ndarray, member: np.ndarray, n: pd.Series, k: int,
           share: Fraction) -> np.ndarray:
    """The lowest members above band ``k`` in branches with fewer than ⌈n × share⌉ members in
    band ``k`` or below (edge ties included: the branch decides among them)."""
    low = member & (index >= k)
    have = pd.Series(low.astype("int64"), index=frame.index).groupby(frame["branch"]).transform(
        "sum")
    missing = -((-n * share.numerator) // share.denominator) - have
    pool = member & ~low & (missing > 0).to_numpy()
    out = np.zeros(len(frame), dtype=bool)
    if pool.any():
        sub = frame[pool]
        place = sub.groupby("branch")["total"].rank(method="min", ascending=True)
        out[np.flatnonzero(pool)] = (place <= missing[pool]).to_numpy()
    return out
