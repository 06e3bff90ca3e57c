"""The 积分明细 table's kinds of row: each distinct (item, status, rule) once (#14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.report.sheets.ledger import _firsts, _kinds

_VALUE = st.one_of(st.none(), st.sampled_from(["", "党员大会", "请假", "cap.x", "a"]))


@given(st.lists(st.tuples(_VALUE, _VALUE, _VALUE), max_size=40), st.booleans())
@settings(max_examples=examples(3))
def test_kinds_group_the_rows_as_a_grouping_of_the_three_columns_does(
        rows: list[tuple[str | None, str | None, str | None]], coded: bool) -> None:
    led = pd.DataFrame(rows, columns=["item", "status", "rule"], dtype="string")
    if coded:  # the rule as the score step codes it (a categorical)
        led["rule"] = led["rule"].astype("category")
    kinds = _kinds(led)
    first = np.unique(kinds, return_index=True)[1]
    groups = led.groupby(["item", "status", "rule"], sort=False, dropna=False,
                         observed=True).ngroup().to_numpy()
    assert len(kinds) == len(led) and len(first) == len(set(groups.tolist()))
    same = groups[:, None] == groups[None, :]
    assert np.array_equal(kinds[:, None] == kinds[None, :], same)  # the same partition
    assert np.array_equal(kinds[first], np.arange(len(first)))  # numbered as they appear
    assert np.array_equal(first, np.sort(first))
    assert np.array_equal(_firsts(kinds), first)  # the one-pass firsts: the sorted ones
