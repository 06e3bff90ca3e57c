"""Row groups cut by member and joined as one Parquet file (#14, the write of a re-run): the
cuts cover every row, fall where a member begins (unless a member alone is too long), do not
move when another member's rows change, and joined files read back as the rows they hold."""

from __future__ import annotations

import io
import itertools
import struct

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import examples
from points.report import rowgroups, thrift
from points.report.rowgroups import group_file, row_groups


@pytest.fixture
def small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rowgroups, "SPREAD", 3)
    monkeypatch.setattr(rowgroups, "LEAST", 5)
    monkeypatch.setattr(rowgroups, "MOST", 40)


def _ids(runs: list[int]) -> pd.Series:
    return pd.Series(np.repeat([f"党员{k:04d}" for k in range(len(runs))], runs), dtype="string")


@pytest.mark.usefixtures("small_groups")
@settings(max_examples=examples(3))
@given(st.lists(st.integers(1, 60), max_size=60), st.integers(0, 59), st.integers(1, 20))
@example([1, 1, 19], 2, 20)  # 21 rows in one group; then 41: a cut before the grown member
def test_cuts_cover_the_rows_at_members_and_stay_put(runs: list[int], changed: int,
                                                       more: int) -> None:
    ids = _ids(runs)
    bounds = row_groups(ids)
    n = len(ids)
    assert bounds[0][0] == 0 and bounds[-1][1] == n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(0 < stop - start <= 40 for start, stop in bounds) or bounds == [(0, 0)]
    values = ids.to_numpy()
    for start, _ in bounds[1:]:  # a member is cut only when it alone passes MOST rows
        assert values[start] != values[start - 1] or runs[int(values[start][2:])] > 40
    if runs and changed < len(runs):  # one member's rows more: the groups before it stay
        longer = list(runs)
        longer[changed] += more
        at = sum(runs[:changed])
        again = row_groups(_ids(longer))
        kept = [b for b in bounds if b[1] <= at]
        # (the group that held the changed member may now be cut before it: a new group
        # there, ending at it, is rows that were in a changed group anyway)
        assert again[:len(kept)] == kept


TABLE = pa.table({
    "id": pa.array([f"m{i // 5}" for i in range(300)]),
    "x": pa.array([None if i % 7 == 0 else i * 0.5 for i in range(300)]),
    "flag": pa.array([i % 3 == 0 for i in range(300)]),
    "day": pa.array(np.arange(300).astype("datetime64[us]")),
    "n": pa.array(np.arange(300, dtype="int64"))})


def test_a_footer_read_and_written_again_is_the_same_bytes() -> None:
    data = group_file(TABLE, ["id"])
    size = struct.unpack_from("<I", data, len(data) - 8)[0]
    footer = data[len(data) - 8 - size:len(data) - 8]
    fields, end = thrift._struct(footer, 0)
    out = bytearray()
    thrift._put_struct(out, fields)
    assert end == len(footer) and bytes(out) == footer


def test_joined_files_read_back_as_their_rows() -> None:
    cuts = [(0, 120), (120, 121), (121, 300)]
    files = [group_file(TABLE.slice(a, b - a), ["id"]) for a, b in cuts]
    joined = b"".join(thrift.joined_parquet(files))
    back = pq.ParquetFile(io.BytesIO(joined))
    assert back.metadata.num_rows == 300 and back.metadata.num_row_groups == 3
    assert pq.read_table(io.BytesIO(joined)).equals(TABLE)
    for k, (a, b) in enumerate(cuts):
        assert back.read_row_group(k).equals(TABLE.slice(a, b - a))
        assert back.metadata.row_group(k).num_rows == b - a
    with pytest.raises(ValueError, match="Parquet"):
        thrift.joined_parquet([b"PAR1 not a footer PAR1"])
