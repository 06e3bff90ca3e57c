"""Places within a quota, the way a branch fills them: the highest totals first; when those
tied at the last place do not all fit, none of them takes it (the branch decides)."""

from __future__ import annotations

import pandas as pd

__all__ = ["quota_places"]


def quota_places(totals: pd.Series, groups: pd.Series, limit: pd.Series | int
                 ) -> tuple[pd.Series, pd.Series]:
    """(``tie``, ``over``) for each row of ``totals`` competing within its group for at most
    ``limit`` places: ``tie`` where the row shares the last place with others who do not
    all fit, ``over`` where it ranks below the last place. Rows in neither take a place."""
    first = totals.groupby(groups).rank(method="min", ascending=False)
    last = totals.groupby(groups).rank(method="max", ascending=False)
    return (first <= limit) & (last > limit), first > limit
