"""The totals and monthly tables' sums (points.score.tables.sum_by): the same floats, bit for
bit, as a pandas groupby over the keys in their order (sorting the keys first would change
how pandas adds them, and so the last bits)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.score.tables import sum_by

CHEAP = settings(max_examples=examples(2))

points = st.sampled_from([0.1, 0.2, 0.3, -0.7, 1e16, -1e16, 2.5, 1 / 3, 0.0])


@CHEAP
@given(st.lists(st.tuples(st.integers(-5, 40), points), max_size=60))
def test_sums_by_key_are_a_groupby_sum(data: list[tuple[int, float]]) -> None:
    key = np.array([k for k, _ in data], dtype="int64")
    values = np.array([v for _, v in data], dtype="float64")
    expected = pd.Series(values).groupby(key).sum()
    got = sum_by(key, values)
    assert got.index.tolist() == expected.index.tolist()
    assert got.to_numpy().tobytes() == expected.to_numpy().tobytes()
