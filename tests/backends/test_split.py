"""A table cut by chunk: each chunk's rows, in their order, whichever way it is cut."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.backends import split


@settings(max_examples=examples(3))
@given(st.lists(st.integers(0, 3), max_size=40), st.booleans())
def test_the_pieces_are_each_parts_rows_in_order(part: list[int], take: bool) -> None:
    table = pa.table({"row": pa.array(range(len(part))),
                      "text": pa.array([f"第{i}行" for i in range(len(part))])})
    where = np.array(part, dtype="int64")
    with pytest.MonkeyPatch.context() as patch:
        if take:  # (past so many runs, one take puts the rows in order first)
            patch.setattr(split, "MAX_RUNS", 0)
        pieces = split._pieces(table, where, 4)
    assert len(pieces) == 4
    for k, piece in enumerate(pieces):
        assert piece.schema == table.schema
        assert piece.to_pydict() == table.filter(pa.array(where == k)).to_pydict()
