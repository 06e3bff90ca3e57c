"""The members as assessed: category resolved under the ruleset, window inside the period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rules.model import Ruleset
from ..vocab.issues import make_issues
from ..vocab.text import map_names
from .calendar import Calendar

__all__ = ["MEMBER_COLUMNS", "Timeline", "assessed_members"]

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


def _dates_that_cannot_be(members: pd.DataFrame, cal: Calendar,
                          issues: list[pd.DataFrame]) -> None:
    """Roster dates that leave a member out of the period for a reason a secretary should
    see: joined after the year (a date typed wrong, 9999, or a member who is not yet one),
    or left before joining."""
    joined, left = members["joined"], members["left"]
    late = (joined > cal.year_end).fillna(False).to_numpy(dtype=bool)
    crossed = (left < joined).fillna(False).to_numpy(dtype=bool)
    for mask, text in (
            (late, "入党（转入）日期 " + joined.dt.strftime("%Y-%m-%d").astype("string")
             + f" 在 {cal.name}之后，此人本年度不计分；如日期有误请改正"),
            (crossed, "转出日期 " + left.dt.strftime("%Y-%m-%d").astype("string")
             + " 早于入党（转入）日期，此人本期不计分；请改正")):
        if mask.any():
            issues.append(make_issues("roster_date", text[mask], members.loc[mask, "source"],
                                      members.loc[mask, "member_id"]))


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
    _dates_that_cannot_be(members, cal, issues)
    joined = members["joined"].fillna(cal.start)
    left = members["left"].fillna(cal.cutoff)
    start = joined.where(joined > cal.start, cal.start)
    end = left.where(left < cal.cutoff, cal.cutoff)
    members = members.assign(window_start=start.astype("datetime64[us]"),
                             window_end=end.astype("datetime64[us]"),
                             in_scope=start <= end,
                             name=members["name"].fillna(""), branch=members["branch"].fillna(""))
    return members[MEMBER_COLUMNS].sort_values("member_id").reset_index(drop=True)


class Timeline:
    """When members changed category during the period, aligned with ``members``:
    ``admitted`` (发展对象 → 预备党员) and ``confirmed`` (预备党员 → the roster category), NaT
    where there was no change; and the categories they had before."""

    def __init__(self, members: pd.DataFrame, roster: pd.DataFrame, rs: Ruleset) -> None:
        dates = roster.set_index("member_id")
        ids = members["member_id"]
        self.current = members["category_index"].to_numpy()
        self.admitted = ids.map(dates["admitted"]).to_numpy(dtype="datetime64[us]")
        self.confirmed = ids.map(dates["confirmed"]).to_numpy(dtype="datetime64[us]")
        probation = [i for i, c in enumerate(rs.categories) if c.probation]
        candidate = [i for i, c in enumerate(rs.categories) if c.kind == "candidate"]
        self.probation = probation[0] if probation else -1
        self.candidate = candidate[0] if candidate else -1
        self.ids = pd.Index(ids)
        self.names = np.array([c.name for c in rs.categories], dtype=object)

    def category_at(self, pos: np.ndarray, dates: np.ndarray) -> np.ndarray:
        """The category index of each record (member position, date): 发展对象 before being
        admitted, 预备党员 before being confirmed, the roster category after."""
        index = self.current[pos]
        if self.probation >= 0:
            index = np.where(dates < self.confirmed[pos], self.probation, index)
        if self.candidate >= 0:
            index = np.where(dates < self.admitted[pos], self.candidate, index)
        return index

    def category_names(self, member_ids: pd.Series, dates: pd.Series, now: pd.Series
                       ) -> np.ndarray:
        """The category name of each member at each date: ``now`` (their roster category)
        unless they were still 发展对象 or 预备党员 then (see :meth:`category_at`)."""
        out = now.to_numpy(dtype=object).copy()
        pos = self.ids.get_indexer(member_ids)
        known = np.flatnonzero(pos >= 0)
        index = self.category_at(pos[known], dates.to_numpy(dtype="datetime64[us]")[known])
        changed = index != self.current[pos[known]]
        out[known[changed]] = self.names[index[changed]]
        return out

