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
    [*RISKY_STARTS, "a", "张", " ", "\n", "'", "（", "＜", "\uff1c"]), max_size=4),
    st.text(max_size=4))))
def test_risky_is_the_pattern(texts: list[str | None]) -> None:
    array = pa.array(texts, pa.large_string())
    got = cells.risky(array).to_pylist()
    assert got == [t is not None and re.match(cells.RISKY, t) is not None for t in texts]
    assert cells.risky(array.slice(1)).to_pylist() == got[1:]  # (an array that is a slice)
    assert cells.risky(pa.array(texts, pa.string())).to_pylist() == got


def test_widths_of_many_columns_in_one_pass_are_each_columns_own() -> None:
    frame = pd.DataFrame({"a": ["张三", None, "x"], "b": [1.5, None, 12345.25],
                          "c": pd.Series([None, None, None], dtype="string")})
    assert cells.display_widths([frame[c] for c in frame]) == [
        cells.display_width(frame[c]) for c in frame] == [4, 8, 0]
    assert cells.display_widths([frame["a"].iloc[:0]]) == [0]
    assert cells.text_width("张三x") == 5


@settings(max_examples=examples(3))
@given(st.lists(st.text(alphabet=st.sampled_from(
    ["a", "张", "（", "_", "x", "&", "<", ">", "\r", "\t", "\n", "\x00", "\x1f", "\ufffe",
     "\uffff", "\ufffd", "\uff08", "\U0001f600"]), max_size=5)))
def test_the_looks_at_the_bytes_find_what_the_kernels_would_change(texts: list[str]) -> None:
    data = cells._bytes_of(pa.array(texts, pa.large_string()))
    assert cells._illegal(data) == any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", t)
                                       for t in texts)
    assert bool(cells._SPECIAL[data].any()) == any(c in t for t in texts for c in "&<>\r")
    # (an "_" ending one text and an "x" beginning the next count too: only a kernel more)
    assert cells._followed(data, ord("_"), lambda after: after == ord("x")) == ("_x" in "".join(texts))


@settings(max_examples=examples(3))
@given(st.lists(st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 1e20, -1e-7])), min_size=1))
def test_the_width_of_a_number_column_is_that_of_its_widest_text(numbers: list[float]) -> None:
    values = pd.Series(numbers, dtype="float64")
    text = values.astype("string").fillna("")
    assert cells.display_widths([values]) == [max(cells.text_width(t) for t in text)]
