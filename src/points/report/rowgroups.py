"""A long Parquet file (the ledger) in row groups cut by content and kept for the next run.

A re-run after one file changed writes the same ledger but for the rows of a few members. The
rows are cut into row groups where a member begins whose id hashes to a multiple of
:data:`SPREAD` (about that many members a group, at least :data:`LEAST` rows, at most
:data:`MOST`): the cuts depend on the members' ids, not on row counts, so the rows of one
changed member move no cut but the group they are in. Each group is its own one-row-group
Parquet file (:func:`group_file`), kept in the cache folder under a digest of everything it
depends on (:func:`group_keys`: its rows' values from the buffers that hold them, and the
caller's context); :func:`.thrift.joined_parquet` lays the groups end to end as one file.
With or without a cache, every group is written the same way and joined the same way, so the
file is the same, byte for byte. Entries ``ledger-<digest>.pq`` carry a CRC-32 (a damaged one
is built again); those a run did not use are pruned once the file is written.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash

from ..vocab.frames import run_starts
from ..vocab.store import KeptFiles
from .blocks import ColumnDigest
from .cells import text_array
from .thrift import joined_parquet

__all__ = ["LEAST", "MOST", "SPREAD", "Kept", "group_file", "group_keys", "joined_file", "row_groups"]

#: A row group ends before a member whose id hashes to a multiple of this: about this many
#: members a group (a city: some 60 groups of 90,000 rows), so one changed member rebuilds
#: a sixtieth of the file.
SPREAD = 4_096
#: The fewest rows of a row group (but the last): two cuts close together make one group.
LEAST = 32_768
#: The most rows of a row group (pyarrow's default size): a longer run without a cut is cut
#: at the last member that begins before it (or within a member of more rows than this).
MOST = 1024 * 1024

PREFIX, SUFFIX = "ledger-", ".pq"
_MAGIC = b"PLRG1"
_HEADER = struct.Struct("<5sI")  # magic, the CRC-32 of the file


def row_groups(ids: pd.Series) -> list[tuple[int, int]]:
    """The ``(start, stop)`` of each row group of rows whose members are ``ids`` (the rows
    of a member together): cut by content (see the module); one group when there are no
    rows."""
    n = len(ids)
    if n == 0:
        return [(0, 0)]
    heads = np.flatnonzero(run_starts(ids))
    text = text_array(ids.iloc[heads]).to_numpy(zero_copy_only=False)
    hashed = pd.util.hash_array(np.asarray(text, dtype=object))
    cuts = heads[(hashed % SPREAD == 0) & (heads > 0)]
    bounds: list[tuple[int, int]] = []
    start = 0
    for cut in [*cuts.tolist(), n]:
        while cut - start > MOST:  # too long: at the last member beginning within MOST rows
            last = int(heads[np.searchsorted(heads, start + MOST, "right") - 1])
            end = last if last > start else start + MOST
            bounds.append((start, end))
            start = end
        if cut > start and (cut - start >= LEAST or cut == n):
            bounds.append((start, cut))
            start = cut
    return bounds


def group_keys(columns: Sequence[pd.Series], bounds: Sequence[tuple[int, int]],
               context: str, per_run: tuple[pd.Series, np.ndarray] | None = None
               ) -> list[str]:
    """The name of each row group of ``bounds`` over ``columns`` (dtypes and values, from
    their buffers: XXH3, no Python object per row) in ``context`` (what else the group's
    file depends on). ``per_run``: a column with a value per run of rows (e.g. each member's
    name) and the first row of each run, digested for the runs each group has rows of."""
    digests = [ColumnDigest(c) for c in columns]
    runs = None if per_run is None else (ColumnDigest(per_run[0]), per_run[1])
    keys = []
    for start, stop in bounds:
        h = xxhash.xxh3_128(f"{context}|{stop - start}|{len(digests)}".encode())
        for column in digests:
            column.update(h, start, stop)
        if runs is not None:
            first = max(int(np.searchsorted(runs[1], start, "right")) - 1, 0)
            runs[0].update(h, first, int(np.searchsorted(runs[1], stop, "left")))
        keys.append(h.hexdigest())
    return keys


def group_file(table: pa.Table, dictionary: list[str]) -> bytes:
    """``table`` as a Parquet file of one row group (``dictionary``: the columns stored with
    a dictionary; the rest plain)."""
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=max(table.num_rows, 1), use_dictionary=dictionary)
    return out.getvalue()


def joined_file(files: Sequence[bytes]) -> list[bytes]:
    """The row-group files laid end to end as one Parquet file: its pieces, in order."""
    return joined_parquet(files)


class Kept(KeptFiles):
    """The row-group files in the cache folder and the ones this run used."""

    PREFIX, SUFFIX = PREFIX, SUFFIX

    def get(self, key: str) -> bytes | None:
        """The file of group ``key`` (None: absent or damaged)."""
        data = self._read(key) or b""
        try:
            magic, crc = _HEADER.unpack_from(data)
        except struct.error:
            return None
        file = data[_HEADER.size:]
        return file if magic == _MAGIC and zlib.crc32(file) == crc else None

    def put(self, key: str, file: bytes) -> None:
        """Keep the file of group ``key`` (errors ignored: it is only a cache)."""
        self._write(key, _HEADER.pack(_MAGIC, zlib.crc32(file)) + file)
