"""The suite's own shortcuts (tests/conftest.py) never pass what pandas' assertion fails."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import assert_same_frame, same_frame


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "member_id": pd.Series(["a", "b", None], dtype="string"),
        "text": pd.Series(["x", None, "z"], dtype="str"),
        "rule": pd.Series(["r1", "r2", "r1"], dtype="category"),
        "date": pd.to_datetime(["2024-01-02", None, "2024-03-04"]).astype("datetime64[us]"),
        "count": pd.Series([1, None, 3], dtype="Int64"),
        "points": [1.5, np.nan, -0.0]})


def _variants(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """``frame`` changed in one way each: most of them fail ``assert_frame_equal`` (its
    defaults); a float within its tolerance and an integer index for a range pass it."""
    rule = frame["rule"].cat
    return [
        frame.astype({"member_id": "str"}),  # the same text, another dtype
        frame.astype({"date": "datetime64[ns]"}),
        frame.assign(rule=rule.reorder_categories(list(reversed(rule.categories)))),
        frame.assign(rule=rule.add_categories(["r3"])),
        frame.assign(points=[1.5, np.nan, 1e-12]),  # within pandas' tolerance
        frame.assign(points=[1.5, 0.0, -0.0]),  # NaN is not 0
        frame.set_axis(pd.Index([0, 1, 2], dtype="int64")),  # "equiv" to a RangeIndex
        frame.set_axis(pd.Index([0, 1, 2], name="row")),
        frame.rename_axis(columns="field"),
        frame[list(reversed(frame.columns))],
        frame.iloc[::-1],
        frame.iloc[:2],
        frame.set_axis(pd.MultiIndex.from_arrays([[0, 1, 2], ["a", "b", "c"]]))]


def _raises(check: object, *args: object) -> bool:
    try:
        check(*args)  # type: ignore[operator]
    except AssertionError:
        return True
    return False


def test_same_frame_is_never_more_lenient_than_assert_frame_equal() -> None:
    frame = _frame()
    assert same_frame(frame, frame.copy())
    assert_same_frame(frame, frame.copy())
    failing = 0
    for k, other in enumerate(_variants(frame)):
        assert not same_frame(frame, other), k  # (exact: stricter than pandas' tolerances)
        pandas_fails = _raises(pd.testing.assert_frame_equal, frame, other)
        assert _raises(assert_same_frame, frame, other) == pandas_fails, k
        failing += pandas_fails
    assert failing == len(_variants(frame)) - 2
