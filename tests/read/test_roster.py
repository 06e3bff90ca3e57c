"""Matching person rows to the roster: counted over numbered names and branches, the same as
joining every row with every member of its name."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.read.roster import _matches

NAMES = st.sampled_from(["张三", "李四", "王五", "赵六"])
BRANCHES = st.sampled_from(["", "第一党支部", "第二党支部"])


def joined(names: list[str], branch: list[str], roster: pd.DataFrame
           ) -> tuple[np.ndarray, np.ndarray]:
    """The plain way: every row joined with the members of its name, then filtered."""
    rows = pd.DataFrame({"row": range(len(names)), "name": pd.Series(names, dtype="string"),
                         "branch": pd.Series(branch, dtype="string")})
    known = roster.assign(at=range(len(roster)), home=roster["branch"].fillna(""))
    match = rows.merge(known[["name", "home", "at"]], on="name")
    match = match[(match["branch"] == "") | (match["branch"] == match["home"])]
    count = match.groupby("row").size().reindex(range(len(names)), fill_value=0).to_numpy()
    member = np.full(len(names), -1)
    single = match[match["row"].isin(np.flatnonzero(count == 1))]
    member[single["row"].to_numpy()] = single["at"].to_numpy()
    return count, member


@settings(max_examples=examples(3))
@given(st.lists(st.tuples(NAMES, BRANCHES | st.none()), max_size=8),
       st.lists(st.tuples(NAMES, BRANCHES), max_size=12))
def test_matches_are_those_of_a_join(members: list[tuple[str, str | None]],
                                     rows: list[tuple[str, str]]) -> None:
    roster = pd.DataFrame({"name": [n for n, _ in members], "branch": [b for _, b in members]},
                          dtype="string")
    names = np.array([n for n, _ in rows], dtype=object)
    branch = np.array([b for _, b in rows], dtype=object)
    count, member = _matches(names, branch, roster)
    want_count, want_member = joined(list(names), list(branch), roster)
    assert count.tolist() == want_count.tolist()
    assert member.tolist() == want_member.tolist()
