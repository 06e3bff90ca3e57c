"""Partitions by branch (#14 item 4): whole branches, every member and record exactly once."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import assert_same_frame, build, examples
from points.backends import partition
from points.backends.partition import RECORD_TABLES, partition_records
from points.vocab.frames import lexsort, sort_keys


@given(st.integers(1, 8))
@settings(max_examples=examples(2))
def test_partitions_hold_whole_branches_and_every_record_once(example_records: points.Records,
                                                              parts: int) -> None:
    pieces = partition_records(example_records, parts)
    assert 1 <= len(pieces) <= parts and all(len(p.roster) for p in pieces)
    branches = [set(p.roster["branch"]) for p in pieces]
    assert sum(map(len, branches)) == len(set().union(*branches))  # no branch split
    assert_same_frame(
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


_TEXT = st.one_of(st.none(), st.sampled_from(["甲", "乙", "a!b!C1", ""]))


@given(st.lists(st.tuples(_TEXT, _TEXT, st.floats(allow_nan=True), st.integers(-5, 5)),
                min_size=1, max_size=40),
       st.randoms(use_true_random=False), st.integers(0, 3), st.booleans())
@settings(max_examples=examples(1))
def test_in_order_is_take_whatever_the_runs(rows: list[tuple[str | None, str | None, float, int]],
                                            random: Any, chunks: int, row_by_row: bool) -> None:
    frame = pd.DataFrame(rows, columns=["text", "str", "x", "n"]).astype(
        {"text": "string", "str": "str", "x": "float64", "n": "int64"})
    frame["cat"] = frame["n"].astype("category")
    frame["day"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(frame["n"], unit="D")
    if chunks:  # the Arrow columns in several chunks, as the partitions' frames are
        cut = sorted(random.sample(range(len(frame) + 1), min(chunks, len(frame) + 1)))
        frame = pd.concat([frame.iloc[a:b] for a, b in itertools.pairwise([0, *cut, len(frame)])],
                          ignore_index=True)
    blocks = [list(range(a, min(a + 3, len(frame)))) for a in range(0, len(frame), 3)]
    random.shuffle(blocks)  # whole runs moved, as whole branches are
    order = np.array([i for b in blocks for i in b], dtype="int64")
    got = partition.in_order(frame, order, max_runs=0 if row_by_row else partition.MAX_RUNS)
    assert_same_frame(got, frame.take(order).reset_index(drop=True))
    assert list(got.dtypes) == list(frame.dtypes)


def test_in_order_of_no_rows_is_an_empty_frame_with_the_same_columns() -> None:
    frame = pd.DataFrame({"text": pd.Series(["a", "b"], dtype="string"), "x": [1.0, 2.0]})
    got = partition.in_order(frame, np.zeros(0, dtype="int64"))
    assert got.empty and list(got.dtypes) == list(frame.dtypes)


_MEMBER = st.sampled_from(["m1", "m10", "甲", ""])


@given(st.lists(st.tuples(_MEMBER, st.integers(0, 3), st.booleans()), min_size=2, max_size=30),
       st.sampled_from([["member_id"], ["member_id", "date"], ["member_id", "n"]]),
       st.booleans(), st.booleans())
@settings(max_examples=examples(5))
def test_sorting_the_runs_of_a_member_is_sorting_the_rows(
        rows: list[tuple[str, int, bool]], keys: list[str], grouped: bool, gaps: bool) -> None:
    """When each member's rows are one run in the order of the other key (as the partitions'
    tables are, concatenated), the runs are sorted; else the rows are. Same order either way."""
    frame = pd.DataFrame(rows, columns=["member_id", "n", "missing"]).astype(
        {"member_id": "string"})
    frame["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(frame["n"], unit="D")
    if gaps:  # missing members and dates
        frame.loc[frame["missing"], "date"] = pd.NaT
        frame.loc[frame["missing"] & (frame["n"] == 0), "member_id"] = None
    if grouped:  # a run per member, ascending within it, the members shuffled
        frame = frame.sort_values(keys, kind="stable", na_position="last")
        member = frame["member_id"].fillna("\0")
        shuffled = member.drop_duplicates().sample(frac=1, random_state=len(frame))
        frame = pd.concat([frame[member == m] for m in shuffled]).reset_index(drop=True)
    order = partition._by_member_runs(frame, keys)
    assert order is None or np.array_equal(order, lexsort(sort_keys(frame, keys)))
    assert order is not None or not grouped or gaps


def test_a_member_in_two_runs_or_a_run_out_of_order_sorts_the_rows() -> None:
    frame = pd.DataFrame({"member_id": pd.Series(["b", "b", "a", "b"], dtype="string"),
                          "n": [1, 2, 0, 0]})
    assert partition._by_member_runs(frame, ["member_id"]).tolist() == [2, 0, 1, 3]
    assert partition._by_member_runs(frame, ["member_id", "n"]) is None  # b in two runs
    assert partition._by_member_runs(frame.iloc[:3], ["member_id", "n"]).tolist() == [2, 0, 1]
    backwards = frame.iloc[:3].assign(n=[2, 1, 0])
    assert partition._by_member_runs(backwards, ["member_id", "n"]) is None
