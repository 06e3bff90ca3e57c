"""Table helpers (points.vocab.frames): sort_frame is a plain stable sort with cell addresses in
natural order (categoricals as their text, a subset by the keys of the whole); positions and isin
(of text or categoricals), per_distinct, map_distinct, intern and empty_table do what a loop
would."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.vocab.frames import (
    decoded,
    distinct,
    empty_table,
    factorize_exact,
    intern,
    isin,
    join_runs,
    lexsort,
    map_distinct,
    natural_key,
    per_distinct,
    positions,
    sort_frame,
    sort_keys,
    text_ranks,
)
from points.vocab.text import column_letter

CHEAP = settings(max_examples=examples(2))  # tens of milliseconds an example (pandas)

addresses = st.builds(
    lambda book, sheet, column, row: f"{book}!{sheet}!{column_letter(column)}{row}",
    st.sampled_from(["a.xlsx", "河西镇2024年签到表.xlsx", "b.xlsx"]),
    st.sampled_from(["3月", "签到", "Sheet1"]), st.integers(0, 30), st.integers(1, 1200),
) | st.builds(lambda n: f"roster#{n}", st.integers(0, 120)) | st.none()
texts = st.sampled_from(["", "a", "b", "B", "党课", "主题党日", "支部党员大会", None])
floats = st.sampled_from([0.0, 1.5, -2.0, 10.0, 2.5, float("inf"), None])
days = st.sampled_from([dt.datetime(2024, 3, 5), dt.datetime(2024, 1, 1), dt.datetime(2023, 12, 31),
                        None])
rows = st.lists(st.tuples(addresses, texts, floats, st.integers(-3, 3), days), max_size=40)
COLUMNS = ["source", "text", "number", "count", "date"]
keys = st.permutations(COLUMNS).flatmap(
    lambda order: st.integers(1, len(order)).map(lambda k: list(order[:k])))


def frame_of(data: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(data, columns=COLUMNS)
    return out.astype({"source": object, "text": object, "number": "float64", "count": "int64",
                       "date": "datetime64[us]"})


def natural(address: object) -> tuple[str, int, str]:
    """``file!sheet!A9`` before ``file!sheet!A10``: the text before the trailing number, the
    number, then the whole text; a missing address is empty text."""
    text = "" if address is None or address != address else str(address)
    prefix = text.rstrip("0123456789")
    digits = text[len(prefix):]
    return prefix, int(digits) if digits else -1, text


def reference(frame: pd.DataFrame, by: list[str]) -> list[int]:
    """A plain stable pandas sort (missing numbers and dates last, as pandas puts them),
    missing text first (as empty text), addresses by :func:`natural`."""
    derived = pd.DataFrame(index=frame.index)
    order = []
    for key in by:
        column = frame[key]
        if key == "source":
            parts = list(zip(*map(natural, column), strict=True)) or [(), (), ()]
            for i, part in enumerate(parts):
                derived[f"source{i}"] = list(part)
                order.append(f"source{i}")
            continue
        derived[key] = column.fillna("").astype(str) if key == "text" else column
        order.append(key)
    derived["position"] = range(len(frame))
    return derived.sort_values([*order, "position"], kind="stable").index.tolist()


@CHEAP
@given(rows, keys)
def test_sort_frame_is_a_stable_sort_with_addresses_in_natural_order(data: list[tuple],
                                                                    by: list[str]) -> None:
    frame = frame_of(data)
    frame.index = pd.Index(range(100, 100 + len(frame)))[::-1]  # any index travels along
    got = sort_frame(frame, by)
    assert got.index.tolist() == reference(frame, by)
    pd.testing.assert_frame_equal(got, frame.loc[got.index])  # rows whole, nothing changed


def test_sort_frame_examples() -> None:
    frame = pd.DataFrame({"source": ["f!s!A10", "f!s!A9", "f!s!B1", "f!s!A9", None],
                          "member_id": ["M2", "M1", "M1", "M1", "M3"]})
    assert sort_frame(frame, ["source"]).index.tolist() == [4, 1, 3, 0, 2]
    assert sort_frame(frame, ["member_id", "source"]).index.tolist() == [1, 3, 2, 0, 4]
    # fewer digits first, then their value; digits too long for an integer rank as text
    odd = pd.DataFrame({"source": ["f!s!A01", "f!s!A1", "f!s!A10", "f!s!A009", "f!s!A2"]})
    assert sort_frame(odd, ["source"]).index.tolist() == [1, 4, 0, 2, 3]
    long = pd.DataFrame({"source": ["x" + "9" * 30, "x" + "1" * 30, "x5", "y!A1"]})
    assert sort_frame(long, ["source"]).index.tolist() == [2, 1, 0, 3]
    one = frame.iloc[:1]
    assert sort_frame(one, ["source"]) is one and sort_frame(frame.iloc[:0], ["source"]).empty


values = st.lists(st.sampled_from(["a", "b", "c", "党课", "", None]), max_size=30)
labels = st.lists(st.sampled_from(["a", "b", "c", "d", "党课", ""]), unique=True, max_size=6)


@CHEAP
@given(values, labels)
def test_positions_is_the_index_in_labels_or_minus_one(column: list, among: list[str]) -> None:
    series = pd.Series(column, dtype=object)
    expected = [among.index(v) if v is not None and v in among else -1 for v in column]
    assert positions(series, among).tolist() == expected
    assert positions(series, pd.Series(among, dtype="string")).tolist() == expected
    text = series.astype("string")  # Arrow text: looked up by Arrow's index_in
    assert positions(text, among).tolist() == expected
    assert positions(text, pd.Index(among, dtype="string")).tolist() == expected
    coded = series.astype(pd.CategoricalDtype(["党课", "", "c", "b", "a", "z"]))  # categories
    assert positions(coded, among).tolist() == expected                      # looked up once


def _key(kind: str, draw: st.DataObject, n: int) -> np.ndarray:
    if kind == "small":
        return np.array(draw.draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n)), "int64")
    if kind == "wide":  # too wide to pack with another
        return np.array(draw.draw(st.lists(st.integers(-2**62, 2**62), min_size=n, max_size=n)))
    if kind == "float":
        return np.array(draw.draw(st.lists(st.sampled_from([0.5, -1.0, np.inf]), min_size=n,
                                           max_size=n)))
    if kind == "bool":
        return np.array(draw.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    days = draw.draw(st.lists(st.sampled_from([-400, 0, 1, 31, "NaT", 0.5]), min_size=n,
                              max_size=n))
    return np.array([np.datetime64("NaT") if d == "NaT"
                     else np.datetime64("1970-01-01") + np.timedelta64(int(d * 24), "h")
                     for d in days], dtype="datetime64[us]")


@CHEAP
@given(st.data(), st.integers(0, 12),
       st.lists(st.sampled_from(["small", "wide", "float", "bool", "dates"]), min_size=1,
                max_size=5))
def test_lexsort_is_numpy_lexsort(draw: st.DataObject, n: int, kinds: list[str]) -> None:
    keys = [_key(kind, draw, n) for kind in kinds]
    np.testing.assert_array_equal(lexsort(keys), np.lexsort(keys))


def test_lexsort_leaves_unsigned_keys_past_int64_as_they_are() -> None:
    keys = [np.array([2**63 + 1, 2**63, 5], np.uint64), np.array([1, 1, 0])]
    np.testing.assert_array_equal(lexsort(keys), np.lexsort(keys))


def test_text_never_meets_numbers_in_isin_and_positions() -> None:
    text = pd.Series(["1", "a", None], dtype="string")
    for others in ([1], [1, "a"], np.array([1.0, "a"], dtype=object)):
        np.testing.assert_array_equal(isin(text, others), text.isin(others).to_numpy(dtype=bool))
    np.testing.assert_array_equal(positions(text, [1, "a"]), [-1, 1, -1])
    np.testing.assert_array_equal(positions(text, pd.Index(["a", "1"], dtype="string")),
                                  [1, 0, -1])


@CHEAP
@given(st.text(alphabet="a!月0179", max_size=10))
def test_natural_key_splits_numbers_out_of_any_text(text: str) -> None:
    # an address's key is built from its ``file!sheet!`` part's: the same as splitting it
    expected = tuple((1, int(part)) if part.isdigit() else (0, part)
                     for part in re.split(r"(\d+)", text) if part)
    assert natural_key(text) == expected
    assert natural_key(text + "!AB") == (*expected[:-1], (0, f"{expected[-1][1]}!AB")) \
        if expected and expected[-1][0] == 0 else (*expected, (0, "!AB"))


@CHEAP
@given(values, st.lists(st.sampled_from(["a", "b", "党课", "", None]), max_size=6))
def test_isin_is_pandas_isin(column: list, among: list[str | None]) -> None:
    series = pd.Series(column, dtype="string")
    expected = series.isin(among).to_numpy(dtype=bool)
    for others in (among, pd.Series(among, dtype="string"), pd.Index(among, dtype="string"),
                   np.array(among, dtype=object)):
        got = isin(series, others)
        assert got.dtype == bool
        np.testing.assert_array_equal(got, expected)
    plain = series.astype(object)  # not Arrow text: pandas' own isin
    np.testing.assert_array_equal(isin(plain, among), plain.isin(among).to_numpy(dtype=bool))
    coded = series.astype(pd.CategoricalDtype(["党课", "", "c", "b", "a", "z"]))
    np.testing.assert_array_equal(isin(coded, among), expected)  # each category looked up once


@CHEAP
@given(values)
def test_per_distinct_is_a_loop_that_converts_each_distinct_value_once(column: list) -> None:
    calls: list[object] = []

    def convert(value: object) -> str:
        calls.append(value)
        return "∅" if pd.isna(value) else f"<{value}>"

    got = per_distinct(np.array(column, dtype=object), convert)
    assert got.dtype == object and got.tolist() == [
        "∅" if v is None else f"<{v}>" for v in column]
    assert len(calls) == len({"∅" if v is None else v for v in column})


_CELLS = st.one_of(st.booleans(), st.integers(-2, 2), st.sampled_from([0.0, -0.0, 1.0, 2.5]),
                   st.sampled_from(["1", "True", "√"]), st.none())


@CHEAP
@given(st.lists(_CELLS, max_size=30), st.randoms(use_true_random=False))
def test_values_written_differently_are_never_one_value(cells: list[object], random: Any) -> None:
    # pandas hashes True, 1 and 1.0 (and 0.0, -0.0, False) as one value: whichever came first
    # would stand for the others, so the cells' order would change their text
    def written(value: object) -> str:
        return "" if value is None else f"{type(value).__name__}:{value!r}"

    for order in (cells, random.sample(cells, len(cells))):
        got = per_distinct(np.array(order, dtype=object), written)
        assert got.tolist() == [written(v) for v in order]
        codes, uniques = factorize_exact(np.array(order, dtype=object))
        assert [written(uniques[c]) for c in codes] == [written(v) for v in order]
        assert codes.tolist() == pd.factorize(pd.Series([written(v) for v in order]))[0].tolist()


@CHEAP
@given(st.lists(st.sampled_from(["党课", "主题党日", "a", "", "b"])))
def test_intern_numbers_names_in_order_of_first_sight(seen: list[str]) -> None:
    codes: dict[str, int] = {}
    names: list[str] = []
    numbers = [intern(name, codes, names) for name in seen]
    assert names == list(dict.fromkeys(seen))
    assert numbers == [names.index(name) for name in seen]
    assert codes == {name: i for i, name in enumerate(names)}


def test_empty_table_types_its_columns() -> None:
    table = empty_table(["member_id", "points", "date"], {"points": "float64",
                                                          "date": "datetime64[us]"})
    assert table.empty and list(table.columns) == ["member_id", "points", "date"]
    assert str(table["member_id"].dtype) == "string" and table["points"].dtype == "float64"
    assert str(table["date"].dtype) == "datetime64[us]"


@CHEAP
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.text(max_size=3)), max_size=12))
def test_join_runs_joins_each_run_as_str_join_would(pairs: list[tuple[str, str]]) -> None:
    pairs = sorted(pairs, key=lambda p: p[0])  # (stable: texts keep their order in a run)
    frame = pd.DataFrame(pairs, columns=["key", "text"], dtype="string")
    out = join_runs(frame["key"], frame["text"], "、")
    expected = {k: [t for key, t in pairs if key == k] for k in dict.fromkeys(k for k, _ in pairs)}
    assert out["key"].tolist() == list(expected)
    assert out["texts"].tolist() == ["、".join(v) for v in expected.values()]
    assert out["n"].tolist() == [len(v) for v in expected.values()]


@CHEAP
@given(rows, keys, st.lists(st.booleans(), min_size=40, max_size=40))
def test_categorical_text_and_subsets_sort_as_the_plain_text(data: list[tuple], by: list[str],
                                                             picked: list[bool]) -> None:
    frame = frame_of(data)
    expected = sort_frame(frame, by).index.tolist()
    coded = frame.astype({"source": "category", "text": "category"})
    assert sort_frame(coded, by).index.tolist() == expected
    # the keys of the whole frame, taken at some rows, sort those rows as sorting them alone
    at = np.flatnonzero(np.array(picked[:len(frame)], dtype=bool))
    order = sort_keys(frame, by)
    assert at[np.lexsort([a[at] for a in order])].tolist() == (
        sort_frame(frame.iloc[at], by).index.tolist())


def test_map_distinct_is_map_then_astype() -> None:
    values = pd.Series(["党课", "主题党日", None, "党课", "其他"], dtype="string")
    ids = {"党课": "lecture", "主题党日": "day"}
    pd.testing.assert_series_equal(map_distinct(values, ids, "string"),
                                   values.map(ids).astype("string"))
    points = {"党课": 2.5, "主题党日": 1.0}
    pd.testing.assert_series_equal(map_distinct(values, points, "float64"),
                                   values.map(points).astype("float64"))
    shifted = values.set_axis([5, 4, 3, 2, 1])
    got = map_distinct(shifted, lambda v: "credit." + v, "string")
    assert got.index.tolist() == [5, 4, 3, 2, 1]
    assert got.tolist() == ["credit.党课", "credit.主题党日", pd.NA, "credit.党课", "credit.其他"]
    assert map_distinct(values.iloc[:0], ids, "string").dtype == "string"


@CHEAP
@given(st.lists(texts, max_size=30), st.booleans())
def test_distinct_is_drop_duplicates(values: list[str | None], ordered: bool) -> None:
    series = pd.Series(sorted(values, key=str) if ordered else values, dtype="string")
    series.index = pd.Index(range(50, 50 + len(series)))
    pd.testing.assert_series_equal(distinct(series), series.drop_duplicates())


@CHEAP
@given(st.lists(texts, max_size=30), st.booleans(), st.sampled_from(["string", "object"]))
def test_text_ranks_are_the_sorted_factorize_codes(values: list[str | None], ordered: bool,
                                                   dtype: str) -> None:
    series = pd.Series(sorted(values, key=str) if ordered else values, dtype=dtype)
    expected = pd.factorize(series.astype("string").fillna(""), sort=True)[0]
    np.testing.assert_array_equal(text_ranks(series), expected)


@CHEAP
@given(st.lists(texts, max_size=30))
def test_decoded_is_astype_string(values: list[str | None]) -> None:
    coded = pd.Series(values, dtype="category", index=np.arange(len(values)) * 2, name="x")
    pd.testing.assert_series_equal(decoded(coded), coded.astype("string"))
