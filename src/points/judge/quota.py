"""Places within a quota, the way a branch fills them: the highest totals first; when those
tied at the last place do not all fit, none of them takes it (the branch decides).

:func:`cascade` applies such quotas band after band (★5 at most 10%, ★4 at most 30% …): who
does not fit in a band competes for the next one down. The 优秀 quota of the grades is the case
of one band with a quota (:mod:`.ranking`); the ratings use any number (:mod:`.rating`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from ..rules.model import Band, RatingBand

__all__ = ["band_of", "cascade", "floor_share", "quota_places"]


def band_of(totals: pd.Series, bands: Sequence[Band | RatingBand]) -> np.ndarray:
    """Index into ``bands`` (listed from the highest ``min``) of the band each total falls in;
    the lowest band catches everything below it (of equal mins, the first)."""
    mins = np.array([b.min for b in bands], dtype="float64")
    below = totals.to_numpy(dtype="float64")[:, None] < mins[None, :] - 1e-9
    return np.minimum(below.sum(axis=1), len(bands) - 1)


def quota_places(totals: pd.Series, groups: pd.Series, limit: pd.Series | int
                 ) -> tuple[pd.Series, pd.Series]:
    """(``tie``, ``over``) for each row of ``totals`` competing within its group for at most
    ``limit`` places: ``tie`` where the row shares the last place with others who do not
    all fit, ``over`` where it ranks below the last place. Rows in neither take a place."""
    first = totals.groupby(groups).rank(method="min", ascending=False)
    last = totals.groupby(groups).rank(method="max", ascending=False)
    return (first <= limit) & (last > limit), first > limit


def floor_share(n: pd.Series, share: Fraction) -> pd.Series:
    """⌊n × share⌋, exactly."""
    return (n * share.numerator) // share.denominator


def cascade(frame: pd.DataFrame, index: np.ndarray, rated: np.ndarray, n: pd.Series,
            shares: Sequence[Fraction | None]) -> tuple[np.ndarray, pd.Series]:
    """(band index, quota) after each band's ``at most ⌊n × share⌋ per branch``, from the
    top band down: the rows of ``frame`` (``total``, ``branch``) marked ``rated`` and in band
    ``k`` compete for its places; an edge tie that does not all fit and the rows below the
    last place move to band ``k + 1`` (``quota`` ``"tie"`` or ``"demoted"``, the last move
    counting). ``index`` is each row's band by total; the last band takes everyone left."""
    index = index.copy()
    quota = pd.Series("", index=frame.index, dtype="string")
    for k, share in enumerate(shares[:-1]):
        competing = rated & (index == k)
        if share is None or not competing.any():
            continue
        sub = frame[competing]
        tie, over = quota_places(sub["total"], sub["branch"], floor_share(n, share)[competing])
        quota[tie[tie].index] = "tie"
        quota[over[over].index] = "demoted"
        moved = np.zeros(len(frame), dtype=bool)
        moved[np.flatnonzero(competing)[(tie | over).to_numpy()]] = True
        index[moved] = k + 1
    return index, quota
