"""The members in chunks of whole branches whose boundaries do not move when one branch's
records change, and a digest of each chunk's records (the score cache's keys,
:mod:`.cache`).

The branches are taken in name order (as :mod:`.partition` does) and a chunk ends after each
branch whose name hashes to a multiple of :data:`CHUNK_BRANCHES`, or when it has twice that
many: a chunk is about that many branches. The boundaries depend on the branches' names only,
so a changed file moves none; a branch added or removed moves those of its own chunk (and of
the next few, after a chunk cut for its length).
Members without a branch are in the chunk of the first name (the empty one); records whose
member is on no roster go with the first chunk, as in any partition.

A chunk's digest covers its roster rows and records, table by table and column by column, in
their order: text columns by their Arrow buffers (each value's length in bytes, -1 for a
missing one, then the bytes), other columns by :func:`pandas.util.hash_pandas_object` (a
categorical by its values, not its codes). Nothing is sorted or copied when, as read from the
workbooks, each chunk's rows come in a few runs (one a file); the Python work is once per run
and column, never per record. The hash is XXH3 with 128 bits (the ``xxhash`` package): a
re-run hashes every record (a city's 400 MB of text and lengths) to find the one chunk that
changed, and XXH3 does that at memory speed, about 14 times faster than SHA-256 here; its 128
bits make an accidental match of two different chunks' records as unlikely as SHA-256's. The
key of an entry is still the SHA-256 of these digests with the ruleset, period and program
(:func:`.cache.common_key`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import xxhash

from ..records import Records
from ..vocab.frames import is_arrow_text, text_buffers
from .partition import MAX_RUNS, branch_names

__all__ = ["CHUNK_BRANCHES", "chunk_digests", "chunks"]

#: Branches per chunk, on average (a chunk ends after a branch whose name hashes to a
#: multiple of it): the branches re-scored with one that changed.
CHUNK_BRANCHES = 16
#: The hash of a chunk's records (see the module's text).
DIGEST = xxhash.xxh3_128


def chunks(records: Records, size: int = CHUNK_BRANCHES) -> tuple[np.ndarray, int]:
    """Each roster row's chunk (numbered in branch-name order), and the number of chunks:
    about ``size`` branches each (1: one branch a chunk), at most twice that."""
    codes, names = pd.factorize(branch_names(records), sort=True)
    if not len(names):
        return np.zeros(0, "int64"), 0
    hashed = pd.util.hash_pandas_object(pd.Series(names, dtype="string"), index=False)
    ends = ((hashed.to_numpy() % np.uint64(size)) == 0).tolist()
    of_name, chunk, length = np.zeros(len(names), "int64"), 0, 0
    for k, end in enumerate(ends):  # once per branch
        of_name[k], length = chunk, length + 1
        if end or length == 2 * size:
            chunk, length = chunk + 1, 0
    return of_name[codes].astype("int64"), int(of_name[-1]) + 1


def _runs(part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bounds of the runs of equal values in ``part`` (first rows, then one past the
    end) and each run's value."""
    if not len(part):
        return np.zeros(1, "int64"), part
    firsts = np.concatenate([[0], np.flatnonzero(np.diff(part)) + 1]).astype("int64")
    return np.concatenate([firsts, [len(part)]]), part[firsts]


Feed = Callable[[int, int], list[memoryview]]


def _text(values: pd.Series) -> tuple[np.ndarray, Feed]:
    """A text column's part of the digests: each value's length in bytes (-1: missing), for
    the whole column at once, and what a run ``[a, b)`` adds after the lengths: its bytes,
    read from each Arrow chunk the run spans (the same bytes however the column is chunked,
    and nothing copied)."""
    array = pa.array(values.array)
    pieces = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    starts = np.cumsum([0, *map(len, pieces)]).tolist()
    buffers = [text_buffers(piece) for piece in pieces]
    lengths = np.concatenate([np.zeros(0, "int32"), *(np.diff(o).astype("int32")
                                                      for o, _ in buffers)])
    lengths[array.is_null().to_numpy(zero_copy_only=False)] = -1

    def feed(a: int, b: int) -> list[memoryview]:
        data = []
        for k in range(bisect.bisect_right(starts, a) - 1, bisect.bisect_left(starts, b)):
            offsets, text = buffers[k]
            x, y = max(a, starts[k]) - starts[k], min(b, starts[k + 1]) - starts[k]
            data.append(text[offsets[x]:offsets[y]].data)
        return data

    return lengths, feed


def chunk_digests(records: Records, parts: dict[str, np.ndarray], n: int) -> list[str]:
    """The digest of each chunk's roster rows and records (see the module's text); ``parts``:
    each table's rows' chunks (:func:`.partition.record_parts`)."""
    digests = [DIGEST() for _ in range(n)]  # once per chunk
    for name, part in parts.items():
        frame = getattr(records, name)
        bounds, chunk_of_run = _runs(part)
        if len(chunk_of_run) > MAX_RUNS:  # scattered rows: put each chunk's together
            order = np.argsort(part, kind="stable")
            frame, part = frame.take(order), part[order]
            bounds, chunk_of_run = _runs(part)
        rows = np.bincount(part, minlength=n) if len(part) else np.zeros(n, "int64")
        runs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), chunk_of_run.tolist(),
                        strict=True))
        for column in frame.columns:
            label = f"\0{name}\0{column}\0".encode()
            for k in range(n):
                digests[k].update(label + str(rows[k]).encode())
            values = frame[column]
            if not is_arrow_text(values):
                hashed = pd.util.hash_pandas_object(values, index=False).to_numpy()
                for a, b, k in runs:
                    digests[k].update(hashed[a:b])
                continue
            lengths, feed = _text(values)  # a chunk's lengths (as many as its rows), then bytes
            for a, b, k in runs:
                digests[k].update(lengths[a:b])
            for a, b, k in runs:
                for piece in feed(a, b):
                    digests[k].update(piece)
    return [d.hexdigest() for d in digests]
