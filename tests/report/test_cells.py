"""The cell builder's shortcuts agree with the rules they stand for."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.report import cells

RISKY_STARTS = "=+-@\t\r＝＋－＠"


@settings(max_examples=examples(3))
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(
    [*RISKY_STARTS, "a", "张", " ", "\n", "'"]), max_size=4), st.text(max_size=4))))
def test_risky_is_the_pattern(texts: list[str | None]) -> None:
    got = cells.risky(pa.array(texts, pa.large_string())).to_pylist()
    assert got == [t is not None and re.match(cells.RISKY, t) is not None for t in texts]


def test_widths_of_many_columns_in_one_pass_are_each_columns_own() -> None:
    frame = pd.DataFrame({"a": ["张三", None, "x"], "b": [1.5, None, 12345.25],
                          "c": pd.Series([None, None, None], dtype="string")})
    assert cells.display_widths([frame[c] for c in frame]) == [
        cells.display_width(frame[c]) for c in frame] == [4, 8, 0]
    assert cells.display_widths([frame["a"].iloc[:0]]) == [0]
    assert cells.text_width("张三x") == 5
