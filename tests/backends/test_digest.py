"""The score cache's chunk digests (#14 item 3): a function of the records' content only."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import examples
from points.backends.digest import chunk_digests, chunks
from points.backends.partition import RECORD_TABLES, record_parts
from points.vocab.frames import is_arrow_text


def _rechunked(frame: pd.DataFrame, random: Any) -> pd.DataFrame:
    """``frame`` with each text column cut into Arrow chunks at random rows."""
    out = frame.copy(deep=False)
    for name, values in frame.items():
        if not is_arrow_text(values) or len(values) < 2:
            continue
        array = pa.array(values.array)
        whole = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        cuts = sorted(random.sample(range(1, len(whole)), min(3, len(whole) - 1)))
        bounds = [0, *cuts, len(whole)]
        pieces = pa.chunked_array([whole.slice(a, b - a) for a, b in itertools.pairwise(bounds)],
                                  type=whole.type)
        # the stubs lack the dtype keyword of pandas 3's ArrowStringArray
        out[name] = pd.Series(type(values.array)(pieces, dtype=values.dtype),  # type: ignore[call-arg]
                              index=values.index, name=name)
    return out


@given(st.randoms(use_true_random=False), st.integers(1, 4))
@settings(max_examples=examples(0.5))
def test_a_chunks_digest_does_not_depend_on_how_the_text_is_chunked(
        example_records: points.Records, random: Any, size: int) -> None:
    roster_chunk, n = chunks(example_records, size)
    parts = record_parts(example_records, roster_chunk)
    plain = chunk_digests(example_records, parts, n)
    tables = {name: _rechunked(getattr(example_records, name), random)
              for name in ("roster", *RECORD_TABLES)}
    assert any(isinstance(pa.array(t[c].array), pa.ChunkedArray)
               and pa.array(t[c].array).num_chunks > 1 for t in tables.values() for c in t)
    assert chunk_digests(attrs.evolve(example_records, **tables), parts, n) == plain
    changed = example_records.attendance.copy()
    changed.loc[len(changed) // 2, "mark"] = "×"  # one mark: one chunk's digest changes
    moved = chunk_digests(attrs.evolve(example_records, attendance=changed), parts, n)
    assert np.sum(np.array(moved) != np.array(plain)) == 1


@pytest.mark.parametrize(("before", "after"), [
    (["ab", "c"], ["a", "bc"]),  # the same bytes cut otherwise: the lengths tell them apart
    (["", "x"], [None, "x"]),  # an empty text is not a missing one
    (["x", None], ["x", ""]),
])
def test_text_that_differs_only_in_where_values_end_or_are_missing_changes_the_digest(
        example_records: points.Records, before: list[str | None], after: list[str | None]
) -> None:
    roster_chunk, n = chunks(example_records, 1)
    parts = record_parts(example_records, roster_chunk)
    member = np.flatnonzero(parts["attendance"] == parts["attendance"][0])[:2]
    digests = []
    for marks in (before, after):
        attendance = example_records.attendance.copy()
        attendance.loc[member, "mark"] = pd.Series(marks, index=member, dtype="string")
        digests.append(chunk_digests(attrs.evolve(example_records, attendance=attendance),
                                     parts, n))
    differ = np.array(digests[0]) != np.array(digests[1])
    assert differ.sum() == 1 and differ[parts["attendance"][0]]
