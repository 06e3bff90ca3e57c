"""Table helpers every stage uses: stable sorts, positions, empty tables, distinct values.

Text keys are sorted through integer codes (``numpy.lexsort``), cell addresses in natural order
(``A9`` before ``A10``); each helper works on whole columns, once per distinct value where it
must call Python.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["MAX_RUNS", "arrow_text", "decoded", "distinct", "empty_table", "factorize_exact", "intern",
           "is_arrow_text", "isin", "join_runs", "lexsort", "map_distinct", "natural_key", "natural_ranks",
           "per_distinct", "per_run", "positions", "run_starts", "sort_frame", "sort_keys",
           "source_key", "text_buffers", "text_ranks"]

#: Past this many runs of rows (consecutive in an order, of one chunk or part in a table, or
#: kept among dropped ones), rows are taken (or filtered) one by one instead of sliced a run
#: at a time: the reader's kept matrix cells (:mod:`points.read.tables`), combining and
#: splitting the partitions (:mod:`points.backends.partition`, ``split``, ``digest``).
MAX_RUNS = 20_000

def empty_table(columns: list[str], dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """A table with no rows: ``columns`` typed as text unless ``dtypes`` says otherwise.

    Built once per shape and handed out as a shallow copy (copy-on-write: changing the copy
    never changes the template), since every step of every assessment asks for some."""
    return _empty(tuple(columns), tuple(sorted((dtypes or {}).items()))).copy(deep=False)


@functools.lru_cache(maxsize=256)
def _empty(columns: tuple[str, ...], dtypes: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    types = dict(dtypes)
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, "string")) for c in columns})


def per_distinct(values: np.ndarray, convert: Callable[[Any], Any]) -> np.ndarray:
    """``convert`` applied once per distinct value, spread back as an object array (plain
    numpy, so the scans can run it in forked workers)."""
    if not len(values):
        return np.array([], dtype=object)
    codes, uniques = factorize_exact(values)
    done = np.empty(len(uniques), dtype=object)
    done[:] = [convert(v) for v in uniques]
    return done[codes]


_NUMBERS = (bool, int, float, np.bool_, np.number)


def factorize_exact(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, use_na_sentinel=False)`` of an object array, keeping apart the
    values it hashes as one but that are written differently: ``True``, ``1`` and ``1.0``;
    ``False``, ``0``, ``0.0`` and ``-0.0``. (Otherwise whichever comes first would stand for the
    others, and the order of the cells would change their text.) Codes in order of first
    appearance; only the cells holding numbers are looked at one by one."""
    codes, uniques = pd.factorize(values)  # without the missing-value pass when none is missing
    if len(codes) and codes.min() < 0:  # None or NaN: a code of its own, as any other value
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    numeric = np.fromiter((isinstance(u, _NUMBERS) for u in uniques), bool, len(uniques))
    if not numeric.any():
        return codes, uniques
    at = np.flatnonzero(numeric[codes])
    tags = pd.factorize(np.frompyfunc(_written_as, 1, 1)(values[at]))[0]
    key = codes.astype("int64") * (int(tags.max()) + 2)  # a unique's cells, by how written
    key[at] += tags + 1
    exact = pd.factorize(key)[0]
    firsts = np.unique(exact, return_index=True)[1]  # each new code's first cell, in order
    return exact, values[firsts]


def _written_as(value: Any) -> str:
    """The kind of number ``value`` is, as far as its text differs: its type, and the sign of
    a float's zero."""
    negative = isinstance(value, float) and math.copysign(1.0, value) < 0
    return type(value).__name__ + ("-" if negative else "")


def join_runs(keys: pd.Series, texts: pd.Series, sep: str) -> pd.DataFrame:
    """``sep``-joined ``texts`` per run of equal ``keys`` (give them sorted by key), with the
    count: ``key, n, texts``. One numpy reduction over the concatenation, no Python loop per
    group."""
    k = keys.to_numpy()
    if not len(k):
        return pd.DataFrame({"key": keys.iloc[:0], "n": pd.Series([], dtype="int64"),
                             "texts": pd.Series([], dtype="string")})
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    parts = (texts.astype("string").fillna("") + sep).to_numpy(dtype=object)
    joined = pd.Series(np.add.reduceat(parts, starts), dtype="string")
    return pd.DataFrame({"key": k[starts], "n": np.diff(np.r_[starts, len(k)]),
                         "texts": joined.str.slice(stop=-len(sep) if sep else None)})


def intern(name: str, codes: dict[str, int], names: list[str]) -> int:
    """The number of ``name`` in ``names``, appending it the first time it is seen."""
    code = codes.get(name)
    if code is None:
        code = codes[name] = len(names)
        names.append(name)
    return code


_DIGITS = re.compile(r"(\d+)")
_MAX_DIGITS = 18  # the longest run of digits an int64 always holds


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A key that orders numbers inside text by value: ``6月`` < ``10月``, ``A9`` < ``A10``."""
    return _natural_key(text)


@functools.lru_cache(maxsize=1 << 17)
def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    # cached: the same ``file!sheet!A`` prefixes are ranked by every sort of a run; an
    # address's ``file!sheet!`` is split once for all its columns (the same key, built from
    # the cached key of the part before the column letters)
    head, bang, tail = text.rpartition("!")
    if bang and tail and not _DIGITS.search(tail) and not head[-1:].isdigit():
        before = _natural_key(head + bang)
        if before and before[-1][0] == 0:
            return (*before[:-1], (0, str(before[-1][1]) + tail))
    return tuple((1, int(part)) if part.isdigit() else (0, part)
                 for part in _DIGITS.split(text) if part)


def natural_ranks(texts: list[str]) -> np.ndarray:
    """The rank of each of ``texts`` (distinct) in natural order."""
    order = np.empty(len(texts), dtype="int64")
    order[sorted(range(len(texts)), key=lambda i: _natural_key(texts[i]))] = np.arange(len(texts))
    return order


def source_key(sources: pd.Series) -> list[np.ndarray]:
    """Sort keys (most significant first) that order addresses naturally: numbers inside the
    file and sheet names by value (``6月`` before ``10月``) and the row number too (``A9`` before
    ``A10``). The text before the trailing digits is ranked once per distinct value; then the
    count of those digits, then their value (for equal prefixes, fewer digits is a smaller
    number; for as many digits, the value orders them as their text does). A categorical
    column is ranked on its categories, once."""
    if isinstance(sources.dtype, pd.CategoricalDtype):
        codes = sources.cat.codes.to_numpy()  # missing (-1): the last, "", as for text
        keys = source_key(pd.Series([*sources.cat.categories, ""], dtype="string"))
        return [k[codes] for k in keys]
    text = arrow_text(sources.astype("string").fillna(""))
    trimmed = pc.utf8_rtrim(text, characters="0123456789")
    digits = (pc.utf8_length(text).to_numpy(zero_copy_only=False)
              - pc.utf8_length(trimmed).to_numpy(zero_copy_only=False)).astype("int64")
    prefix = pc.dictionary_encode(trimmed)
    codes = prefix.indices.to_numpy(zero_copy_only=False).astype("int64")
    order = natural_ranks(prefix.dictionary.to_pylist())
    if len(digits) and digits.max() > _MAX_DIGITS:  # too long for an integer: rank the text
        last = pd.Series(text, dtype="string").rank(method="dense").to_numpy()
    else:  # the trailing digits as a number: much faster than ranking a million addresses
        last = _trailing_number(text, digits)
    return [order[codes] if len(codes) else codes, digits, last]


def _trailing_number(text: pa.Array, digits: np.ndarray) -> np.ndarray:
    """The value of the last ``digits`` characters of each text (ASCII digits, one byte each
    in UTF-8), read from the Arrow buffers one place value at a time."""
    last = np.zeros(len(digits), dtype="int64")
    if not len(digits):
        return last
    offsets, chars = text_buffers(text)
    ends = offsets[1:].astype("int64")
    for k in range(1, int(digits.max()) + 1):
        has = np.flatnonzero(digits >= k)
        last[has] += (chars[ends[has] - k].astype("int64") - 48) * 10 ** (k - 1)
    return last


def map_distinct(values: pd.Series, mapping: Mapping[Any, Any] | Callable[[Any], Any],
                 dtype: Any) -> pd.Series:
    """``values.map(mapping).astype(dtype)``, looking up each distinct value once and taking
    the results by integer code (a long text column is never mapped value by value)."""
    codes, uniques = pd.factorize(values)
    found = pd.Series(uniques, dtype=object).map(mapping)
    table = pd.concat([found, pd.Series([np.nan], dtype=object)], ignore_index=True)
    return pd.Series(table.astype(dtype).array.take(codes), index=values.index)


def distinct(values: pd.Series) -> pd.Series:
    """``values.drop_duplicates()`` (first appearances, in order, with their labels), cheap on
    a sorted column: only the first of each run of equal values is hashed."""
    if len(values) < 2:
        return values.drop_duplicates()
    return values[run_starts(values)].drop_duplicates()


def per_run(values: pd.Series, compute: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """``compute`` (one result per value given) applied to the first value of each run of
    equal values only, its results repeated over their runs: on a column in member order, a
    hash or lookup per member instead of one per row."""
    heads = np.flatnonzero(run_starts(values))
    return np.repeat(compute(values.iloc[heads]), np.diff(np.r_[heads, len(values)]))


def run_starts(values: pd.Series) -> np.ndarray:
    """True where a run of equal values begins (a missing value always begins one)."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    array = values.array
    changed = pd.Series(array[1:] != array[:-1]).fillna(True).to_numpy(dtype=bool)
    return np.r_[True, changed]


def isin(values: pd.Series, others: pd.Series | pd.Index | np.ndarray | list[str]) -> np.ndarray:
    """``values.isin(others).to_numpy(dtype=bool)`` for text ``values`` and text ``others``,
    through Arrow's hash set: pandas turns each of ``others`` into a Python scalar first,
    which costs more than the lookup itself when ``others`` are many (every member's id). A
    missing value is in ``others`` when one of them is missing, as in pandas."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # each category looked up once
        found = isin(pd.Series(values.cat.categories), others)
        missing = bool(pd.isna(np.asarray(others, dtype=object)).any())  # (code -1)
        return np.append(found, missing)[values.cat.codes.to_numpy()]
    among = _text_like(others, values) if is_arrow_text(values) else None
    if among is None:  # not text on both sides: pandas' own isin
        return np.asarray(values.isin(others), dtype=bool)
    mine, other = arrow_text(values), arrow_text(among)
    if not len(other):
        return np.zeros(len(values), dtype=bool)
    found = pc.is_in(mine, value_set=other.cast(mine.type))
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def decoded(values: pd.Series) -> pd.Series:
    """A categorical column of text as a ``string`` column: its categories taken by its codes
    in Arrow (missing: missing), without a Python string per row as ``astype`` makes."""
    codes = values.cat.codes.to_numpy()
    categories = arrow_text(pd.Series(values.cat.categories).astype("string"))
    taken = pc.cast(categories.take(pa.array(codes, mask=codes < 0)), pa.large_string())
    text = pd.StringDtype("pyarrow").__from_arrow__(taken)  # type: ignore[attr-defined]  # (the hook to_pandas uses; not in the stubs)
    return pd.Series(text, index=values.index, name=values.name, copy=False)


def arrow_text(values: pd.Series) -> pa.Array:
    """The Arrow array behind a text column (see :func:`is_arrow_text`), in one chunk."""
    array = pa.array(values.array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def text_buffers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (one more than the values; the ``i``-th text is ``data[offsets[i]:
    offsets[i + 1]]``) and the UTF-8 bytes of an Arrow text array, as NumPy views (no copy)."""
    buffers = text.buffers()
    width = "int64" if pa.types.is_large_string(text.type) else "int32"
    offsets = (np.frombuffer(buffers[1], width)[text.offset:text.offset + len(text) + 1]
               if buffers[1] is not None else np.zeros(len(text) + 1, width))
    data = np.frombuffer(buffers[2], "uint8") if buffers[2] is not None else np.zeros(0, "uint8")
    return offsets, data


def positions(values: pd.Series, labels: pd.Series | pd.Index | list[str]) -> np.ndarray:
    """The position of each value in ``labels`` (-1 when absent), looking up each distinct
    value once: much faster than ``Index.get_indexer`` on long text columns. Arrow text is
    looked up in one pass of Arrow's ``index_in`` against the labels (unique, as
    ``get_indexer`` needs them), without numbering the values first."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # each category looked up once
        found = positions(pd.Series(values.cat.categories), labels)
        return np.append(found, -1)[values.cat.codes.to_numpy()]
    among = _text_like(labels, values) if is_arrow_text(values) else None
    if among is not None and among.notna().all() and not among.duplicated().any():
        text = arrow_text(values)
        found = pc.index_in(text, value_set=arrow_text(among).cast(text.type), skip_nulls=True)
        return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype="int64")
    codes, uniques = pd.factorize(values)
    found = pd.Index(labels).get_indexer(uniques)
    return np.append(found, -1)[codes]


def is_arrow_text(values: pd.Series | pd.Index) -> bool:
    """``values`` are pandas text held by Arrow (the ``string`` and ``str`` dtypes)."""
    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def _text_like(others: pd.Series | pd.Index | np.ndarray | list[str],
               values: pd.Series) -> pd.Series | None:
    """``others`` as a text column of ``values``' dtype (Arrow text is taken as it is), or
    None when one of them is neither text nor missing (then text and numbers must not meet:
    ``"1"`` is not ``1``)."""
    if isinstance(others, pd.Series | pd.Index) and is_arrow_text(others):
        return pd.Series(others.array).astype(values.dtype)
    plain = np.asarray(others, dtype=object)
    if pd.api.types.infer_dtype(plain, skipna=True) not in ("string", "empty"):
        return None
    return pd.Series(plain, dtype=values.dtype)


def sort_keys(frame: pd.DataFrame, keys: list[str]) -> list[np.ndarray]:
    """The arrays :func:`sort_frame` orders ``frame`` by (least significant first, for
    ``numpy.lexsort``): text as the rank of its value, ``source`` in natural address order.
    Each array is per row, so a subset of the rows sorts by the same arrays taken at it
    (``numpy.lexsort([a[rows] for a in arrays])``)."""
    arrays: list[np.ndarray] = []
    for key in reversed(keys):
        column = frame[key]
        if key == "source":
            arrays.extend(reversed(source_key(column)))
        elif pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            values = column.to_numpy()
            if pd.api.types.is_float_dtype(column):
                values = np.nan_to_num(values, nan=np.inf)
            arrays.append(values)
        elif isinstance(column.dtype, pd.CategoricalDtype):  # rank the categories once
            texts = pd.Series([*column.cat.categories, ""], dtype="string")  # "": missing
            arrays.append(pd.factorize(texts, sort=True)[0][column.cat.codes.to_numpy()])
        else:
            arrays.append(text_ranks(column))
    return arrays


def text_ranks(values: pd.Series) -> np.ndarray:
    """Each value's rank among the distinct texts (missing as ""): the codes of
    ``pd.factorize(values.astype("string").fillna(""), sort=True)``, with only the first of
    each run of equal values hashed (the tables are mostly in member order, so a member's
    rows are one run)."""
    return per_run(values.astype("string").fillna(""),
                   lambda heads: pd.factorize(heads, sort=True)[0])


def sort_frame(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` sorted by ``keys`` (``source`` in natural address order), stably.

    Faster than ``DataFrame.sort_values`` on text columns: text keys become integer codes
    and one ``numpy.lexsort`` orders the rows.
    """
    if len(frame) < 2:
        return frame
    return frame.iloc[lexsort(sort_keys(frame, keys))]


def lexsort(keys: list[np.ndarray]) -> np.ndarray:
    """``numpy.lexsort(keys)`` (the last key the most significant), with neighbouring integer
    keys packed into one: each key is a stable sort pass, and the sort keys of a table are
    mostly small codes (ranks, counts, digits, dates) that fit several to an ``int64``."""
    packed: list[np.ndarray] = []
    value: np.ndarray | None = None
    room = 0  # the number of values ``value`` spans
    for key in keys:  # least significant first
        if key.dtype.kind == "M" and len(key) and not np.isnat(key).any():
            key = _day_numbers(key)  # NaT would sort first as a number, not last
        span = _span(key)
        if value is not None and span is not None and room * span <= _ROOM:
            value = value + (key.astype("int64") - int(key.min())) * room
            room *= span
            continue
        if value is not None:
            packed.append(value)
        value, room = (None, 0) if span is None else (key.astype("int64") - int(key.min()), span)
        if span is None:
            packed.append(key)
    if value is not None:
        packed.append(value)
    return np.lexsort(packed if packed else keys)


_ROOM = 1 << 62  # the values one packed key may span


def _day_numbers(dates: np.ndarray) -> np.ndarray:
    """Dates as numbers in the same order: whole days when they are (a narrow key)."""
    days = dates.astype("datetime64[D]")
    return days.view("int64") if (days == dates).all() else dates.view("int64")


def _span(key: np.ndarray) -> int | None:
    """How many values an integer ``key`` spans (None for another kind of key, or one too
    wide to pack)."""
    if key.dtype.kind not in "iub" or not len(key) or int(key.max()) > np.iinfo("int64").max:
        return None  # (an unsigned key past int64 is left as it is)
    span = int(key.max()) - int(key.min()) + 1
    return span if span <= _ROOM else None
