"""The data-issue table (points.vocab.issues): concat_issues sorts and drops repeats as a
sort of every key and drop_duplicates would."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.vocab.frames import sort_frame
from points.vocab.issues import ISSUE_COLUMNS, concat_issues

_ROW = st.tuples(st.sampled_from(["unknown_mark", "unknown_member", "duplicate_record"]),
                 st.sampled_from(["未知", "重复", "", "第二条"]),
                 st.sampled_from(["a.xlsx!表!B2", "a.xlsx!表!B10", "b.xlsx!6月!C3",
                                  "b.xlsx!10月!C3", "", None]),
                 st.sampled_from(["M1", "M2", "M10", None]))


@settings(max_examples=examples(2))
@given(st.lists(st.lists(_ROW, max_size=8), max_size=3))
def test_issues_are_sorted_and_repeats_dropped_as_a_full_sort_would(
        parts: list[list[tuple[str, str, str | None, str | None]]]) -> None:
    frames = [pd.DataFrame(rows, columns=["code", "message", "source", "member_id"],
                           dtype="string") for rows in parts]
    got = concat_issues(frames)
    given_rows = [f for f in frames if len(f)]
    if not given_rows:
        assert got.empty
        return
    whole = pd.concat(given_rows, ignore_index=True)[ISSUE_COLUMNS]
    expected = sort_frame(whole, ["source", "code", "member_id", "message"])
    pd.testing.assert_frame_equal(got, expected.drop_duplicates().reset_index(drop=True))
