"""A sheet's rows, deflated, kept by content in the cache folder for the next run.

A re-run after one file changed writes the same review workbook but for a few rows: the rows
of 汇总 keep their places when one branch changes, and the sheets whose row count changes
differ from the change on. :func:`cached_rows` cuts a table into blocks of :data:`ROWS`
rows, names each by a digest of everything its XML depends on (the block's cells: each
column's dtype and values, from the buffers that hold them, no Python object per cell; its
first row number; the kinds, styles and widths of the columns; the library version) and
takes the blocks the cache holds from it: each as the zip's own compressed bytes (a
:class:`.deflate.Piece`, entries ``xml-<digest>.deflate``, a CRC-32 of the stored bytes
checked on the way in: a damaged entry is built again), so a kept block is neither inflated
nor compressed again, and its CRC-32 joins the entry's as it is. The other blocks are built
(consecutive ones together, as :func:`.cells.rows_xml` builds them), compressed as the zip
writes them, and kept. Every block is a piece of the sheet's deflate stream with or without a
cache, and the XML of a row depends on its own cells and number only, so the workbook is byte
for byte the one written without a cache. Entries the run did not use are pruned afterwards
(:meth:`Blocks.prune`); a cache that cannot be written to is passed over (it is only a cache).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from .._version import __version__
from ..vocab.frames import arrow_text, is_arrow_text, text_buffers
from ..vocab.store import KeptFiles, prune
from .behind import Keep
from .cells import Kind, joined, row_elements, text_array
from .deflate import Piece

__all__ = ["PREFIX", "ROWS", "SUFFIX", "Blocks", "ColumnDigest", "Hash", "cached_rows"]

#: The rows of a cached block: small enough that a change in one branch rebuilds a few
#: thousand rows of 汇总, large enough that a block's digest and file cost little.
ROWS = 8_192
#: At most this many rows are built at once (as :func:`.cells.rows_xml` builds them).
BUILD = 98_304
PREFIX, SUFFIX = "xml-", ".deflate"
_OLD = ".lz4"  # the entries of the fifth round (the XML itself, LZ4): pruned
_MAGIC = b"PXML2"
#: magic, the XML's length and CRC-32, the stored bytes' length, a CRC-32 of all that and
#: of the stored bytes
_HEADER = struct.Struct("<5sQIQI")
_CHECKED = _HEADER.size - 4


class Blocks(KeptFiles):
    """The XML blocks in the cache folder and the ones this run used."""

    PREFIX, SUFFIX = PREFIX, SUFFIX

    def get(self, key: str) -> Piece | None:
        """Block ``key`` as compressed before (None: absent or damaged)."""
        data = self._read(key) or b""
        try:
            magic, size, crc, length, check = _HEADER.unpack_from(data)
        except struct.error:
            return None
        stored = data[_HEADER.size:]
        if (magic != _MAGIC or len(stored) != length
                or zlib.crc32(stored, zlib.crc32(data[:_CHECKED])) != check):
            return None
        return Piece(stored, crc, size)

    def put(self, key: str, piece: Piece) -> None:
        """Keep block ``key`` (errors ignored: it is only a cache)."""
        header = _HEADER.pack(_MAGIC, piece.size, piece.crc, len(piece.data), 0)[:_CHECKED]
        header += struct.pack("<I", zlib.crc32(piece.data, zlib.crc32(header)))
        self._write(key, header + piece.data)

    def prune(self) -> int:
        """Remove the blocks this run did not use (and the fifth round's); return how many
        went."""
        return super().prune() + prune(self.folder, (), _OLD, PREFIX)


def cached_rows(frame: pd.DataFrame, kinds: Sequence[Kind], styles: dict[str, int],
                widths: Sequence[float], blocks: Blocks | None, first_row: int = 2
                ) -> Iterator[tuple[Piece | memoryview, Keep | None]]:
    """The rows of :func:`.cells.rows_xml`, the same bytes, in blocks of :data:`ROWS` rows,
    each a piece of the sheet's deflate stream: those ``blocks`` holds as kept (a
    :class:`.deflate.Piece`), the others as XML, with how to keep them once compressed
    (None without a cache). See the module."""
    starts = range(0, len(frame), ROWS)
    found: list[Piece | None] = [None] * len(starts)
    keys: list[str] = []
    if blocks is not None:
        sheet = repr((__version__, ROWS, tuple(kinds), sorted(styles.items()), tuple(widths)))
        columns = [ColumnDigest(frame.iloc[:, i]) for i in range(frame.shape[1])]
        keys = [_digest(columns, start, min(start + ROWS, len(frame)), sheet, first_row + start)
                for start in starts]
        found = [blocks.get(key) for key in keys]
    at = 0
    while at < len(found):
        piece = found[at]
        if piece is not None:
            yield piece, None
            at += 1
            continue
        end = at  # a run of blocks to build, at most BUILD rows
        while end < len(found) and found[end] is None and (end - at) * ROWS < BUILD:
            end += 1
        rows = row_elements(frame.iloc[at * ROWS:end * ROWS], kinds, styles, widths,
                            first_row + at * ROWS)
        for k in range(at, end):
            yield (joined(rows.slice((k - at) * ROWS, ROWS)),
                   None if blocks is None else partial(blocks.put, keys[k]))
        at = end


class Hash(Protocol):
    """A running digest (``hashlib``'s, ``xxhash``'s)."""

    def update(self, data: bytes | memoryview, /) -> None: ...


class ColumnDigest:
    """One column of a table, as the buffers a digest of its rows reads: a NumPy array (with
    its dtype), a categorical's codes (its categories digested once), else its values as
    Arrow text (offsets, counted in 64 bits whatever their width, bytes and missing values)."""

    def __init__(self, values: pd.Series) -> None:
        self.tag = str(values.dtype).encode()
        self.array: np.ndarray | None = None
        self.text: pa.Array | None = None
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            categories = ColumnDigest(dtype.categories.to_series())
            self.tag += _digest([categories], 0, len(dtype.categories), "", 0).encode()
            self.array = values.cat.codes.to_numpy()
        elif isinstance(dtype, np.dtype) and dtype.kind in "biufmM":
            self.array = values.to_numpy()
        else:  # (Arrow text as it is: no copy into large_string)
            self.text = arrow_text(values) if is_arrow_text(values) else text_array(values)

    def update(self, h: Hash, start: int, stop: int) -> None:
        """Add rows ``start:stop`` to the digest ``h``."""
        h.update(self.tag)
        if self.array is not None:
            h.update(np.ascontiguousarray(self.array[start:stop]).view(np.uint8).data)
            return
        assert self.text is not None
        part = self.text.slice(start, stop - start)
        offsets, data = text_buffers(part)
        h.update((offsets - offsets[0]).astype(np.int64).view(np.uint8).data)  # any width
        h.update(data[offsets[0]:offsets[-1]].data)
        if part.null_count:
            h.update(part.is_null().to_numpy(zero_copy_only=False).view(np.uint8).data)


def _digest(columns: Sequence[ColumnDigest], start: int, stop: int, sheet: str, first: int) -> str:
    """The name of rows ``start:stop`` of a table of ``columns`` as sheet ``sheet`` holds
    them from row ``first`` on."""
    h = hashlib.blake2b(f"{sheet}|{first}|{stop - start}|{len(columns)}".encode(),
                        digest_size=20)
    for column in columns:
        column.update(h, start, stop)
    return h.hexdigest()
