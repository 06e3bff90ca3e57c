"""Partitions by branch (#14 item 4): whole branches, every member and record exactly once."""

from __future__ import annotations

import attrs
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import build, examples
from points.backends.partition import RECORD_TABLES, partition_records


@given(st.integers(1, 8))
@settings(max_examples=examples(2))
def test_partitions_hold_whole_branches_and_every_record_once(example_records: points.Records,
                                                              parts: int) -> None:
    pieces = partition_records(example_records, parts)
    assert 1 <= len(pieces) <= parts and all(len(p.roster) for p in pieces)
    branches = [set(p.roster["branch"]) for p in pieces]
    assert sum(map(len, branches)) == len(set().union(*branches))  # no branch split
    pd.testing.assert_frame_equal(
        pd.concat([p.roster for p in pieces]).sort_values("member_id").reset_index(drop=True),
        example_records.roster.sort_values("member_id").reset_index(drop=True))
    for name in RECORD_TABLES:
        assert sum(len(getattr(p, name)) for p in pieces) == len(getattr(example_records, name))
    assert all(p.issues.empty for p in pieces)  # added once, when the scores are combined


def test_every_per_member_table_is_split() -> None:
    assert set(RECORD_TABLES) == {f.name for f in attrs.fields(points.Records)} - {
        "roster", "issues", "files"}


def test_members_without_a_branch_and_unknown_members_are_not_lost() -> None:
    records = build(members=[("a", "甲", None, "正式党员"), ("b", "乙", "一支部", "正式党员"),
                             ("c", "丙", "", "正式党员")],
                    attendance=[("a", "2024-03-01", "支部党员大会", "present"),
                                ("z", "2024-03-01", "支部党员大会", "present")])
    pieces = partition_records(records, 3)
    assert [sorted(p.roster["member_id"]) for p in pieces] == [["a", "c"], ["b"]]
    assert list(pieces[0].attendance["member_id"]) == ["a", "z"]  # z: reported where it lands
