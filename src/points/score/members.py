"""The members as assessed: category resolved under the ruleset, window inside the period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rules.model import Ruleset
from ..vocab.issues import make_issues
from ..vocab.text import map_names
from .calendar import Calendar

__all__ = ["MEMBER_COLUMNS", "assessed_members"]

MEMBER_COLUMNS = ["member_id", "name", "branch", "category", "category_id", "category_index",
                  "kind", "probation", "skip_dimensions", "window_start", "window_end",
                  "in_scope", "source"]


def _categories(rs: Ruleset) -> pd.DataFrame:
    return pd.DataFrame({
        "category": pd.Series([c.name for c in rs.categories], dtype="string"),
        "category_id": pd.Series([c.id for c in rs.categories], dtype="string"),
        "kind": pd.Series([c.kind for c in rs.categories], dtype="string"),
        "probation": [c.probation for c in rs.categories],
        "skip_dimensions": pd.Series([",".join(c.skip_dimensions) for c in rs.categories],
                                     dtype="string"),
        "category_index": np.arange(len(rs.categories), dtype="int64"),
    })


def assessed_members(roster: pd.DataFrame, rs: Ruleset, cal: Calendar,
                     issues: list[pd.DataFrame]) -> pd.DataFrame:
    """Every roster member with category facts and their window of the period
    (``in_scope`` False when the window is empty: joined after it or left before it)."""
    raw = roster["category"].fillna("")
    canonical = map_names(raw, rs.category_names())
    unknown = canonical.isna() & (raw.str.strip() != "")
    if unknown.any():
        bad = roster[unknown]
        issues.append(make_issues(
            "unknown_category",
            "未知的党员类别“" + bad["category"] + "”，按“" + rs.default_category + "”计分",
            bad["source"], bad["member_id"]))
    members = roster.assign(category=canonical.fillna(rs.default_category).astype("string"))
    members = members.merge(_categories(rs), on="category", how="left", validate="many_to_one")
    joined = members["joined"].fillna(cal.start)
    left = members["left"].fillna(cal.cutoff)
    start = joined.where(joined > cal.start, cal.start)
    end = left.where(left < cal.cutoff, cal.cutoff)
    members = members.assign(window_start=start.astype("datetime64[us]"),
                             window_end=end.astype("datetime64[us]"),
                             in_scope=start <= end,
                             name=members["name"].fillna(""), branch=members["branch"].fillna(""))
    return members[MEMBER_COLUMNS].sort_values("member_id").reset_index(drop=True)
