"""Branches the inputs say nothing about: a branch with members on the roster but not one
attendance record among the files read (a town roster scored with one branch's sheets)."""

from __future__ import annotations

import pandas as pd

from ..vocab.frames import distinct, isin, sort_frame
from ..vocab.issues import empty_issues, make_issues

__all__ = ["branches_without_records"]


def branches_without_records(members: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One data issue per such branch, at its first roster row, with its member count."""
    recorded = distinct(events["member_id"])  # distinct first: a short set to look up in
    seen = members.loc[isin(members["member_id"], recorded), "branch"].unique()
    quiet = members[~isin(members["branch"], seen) & (members["branch"] != "").to_numpy()]
    if quiet.empty or not seen:  # nothing recorded at all is the no_records flags' business
        return empty_issues()
    first = sort_frame(quiet, ["branch", "source"]).drop_duplicates("branch")
    count = quiet.groupby("branch").size().reindex(first["branch"]).to_numpy()
    message = ("支部“" + first["branch"] + "”在名册中有 " + pd.Series(count, index=first.index)
               .astype("string") + " 人，但读入的表格中没有这个支部的签到记录；只给一个支部计分时，"
               "请用 --branch 支部名（在 Python 中用 records.for_branch）")
    return make_issues("branch_without_records", message, first["source"])
