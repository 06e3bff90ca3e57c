"""Matching person rows to the roster: counted over numbered names and branches, the same as
joining every row with every member of its name."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.read.roster import _matches, named_branches

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
       st.lists(st.tuples(NAMES, BRANCHES), max_size=12), st.sampled_from([0, 120]))
def test_matches_are_those_of_a_join(members: list[tuple[str, str | None]],
                                     rows: list[tuple[str, str]], others: int) -> None:
    members = members + [(f"某{i}", "第三党支部") for i in range(others)]  # (few rows, a big
    roster = pd.DataFrame({"name": [n for n, _ in members],  # roster: looked up by name)
                           "branch": [b for _, b in members]}, dtype="string")
    roster = roster.sample(frac=1, random_state=len(rows)) if others else roster
    names = np.array([n for n, _ in rows], dtype=object)
    branch = np.array([b for _, b in rows], dtype=object)
    count, member = _matches(names, branch, roster)
    want_count, want_member = joined(list(names), list(branch), roster)
    assert count.tolist() == want_count.tolist()
    assert member.tolist() == want_member.tolist()


def first_named(hints: list[str], branches: list[str]) -> list[str]:
    """The plain way: one pattern of every name, the longer first, searched in each hint."""
    ordered = sorted((b for b in set(branches) if b), key=lambda b: (-len(b), b))
    if not ordered:
        return ["" for _ in hints]
    pattern = re.compile("|".join(re.escape(b) for b in ordered))
    return [found.group(0) if (found := pattern.search(hint)) else "" for hint in hints]


PIECES = st.sampled_from(["第一", "党支部", "第一党支部", "一党", "2024年", "签到", "第"])


@settings(max_examples=examples(3))
@given(st.lists(st.lists(PIECES, max_size=5).map("".join), max_size=6),
       st.lists(st.lists(PIECES, min_size=0, max_size=3).map("".join), max_size=6))
def test_the_branch_a_sheet_names_is_the_first_longest_as_one_pattern_finds_it(
        hints: list[str], branches: list[str]) -> None:
    assert named_branches(hints, branches) == first_named(hints, branches)


def test_a_sheet_naming_two_branches_takes_the_one_named_first() -> None:
    hints = ["东山镇第二党支部（原第一党支部）签到", "第十一党支部签到", "无名表"]
    branches = ["第一党支部", "第二党支部", "第十一党支部", "一党支部"]
    assert named_branches(hints, branches) == ["第二党支部", "第十一党支部", ""]
