"""The chunks' digests kept beside the score entries, with the files that hold each chunk's
rows (``chunk-digests.json``), so that a re-run hashes again only the chunks whose files
changed (:mod:`.cache`).

The records of a chunk are the rows of the files that hold them, in the files' order, and a
file's rows depend only on its content, the roster and the reader
(:class:`points.records.Lineage`). So when the records carry their lineage (read from the
workbooks by :func:`points.read_workbooks`, and not changed since) and the roster's files,
the reader, the year, the chunks and the scoring code are those of the kept digests, a chunk
none of whose files (then or now) changed, came or went has the records, and the digest, it
had. Only the rows of the files that hold a changed chunk are matched to their members, cut
by chunk and hashed; every other digest is the kept one. The result is the digests of
:func:`.digest.chunk_digests` on all the records (a test holds it to that).

Anything else hashes every chunk as before: records without a lineage (built from frames, or
changed by the caller: ``attrs.evolve`` leaves the lineage behind, a frame written in place no
longer has the data traced), no kept digests, or kept digests of other files' roster, reader,
year, chunks or program. A changed record therefore never reuses a stale digest, and a
changed ruleset or period is in every entry's key anyway (:func:`.cache.common_key`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd
import xxhash

from ..records import Lineage, Records, lineage
from ..vocab.store import atomic_write
from .digest import chunk_digests
from .partition import RECORD_TABLES, in_order, record_parts, records_of, roster_rows

__all__ = ["MEMO", "Chunked", "chunked"]

#: The file of the kept digests in a cache folder (not an entry: pruning leaves it alone).
MEMO = "chunk-digests.json"
#: The memo's layout; bump when it changes.
_FORMAT = 1

Rows = dict[str, np.ndarray]


@attrs.define
class Chunked:
    """The records in chunks: each chunk's digest, and the records of any chunks. ``near``:
    the rows (each table's row numbers) of the files that hold the changed chunks ``dirty``
    and their chunks, when only those were looked at; the chunk of every row (:meth:`parts`)
    is found when first asked for."""

    records: Records
    roster_chunk: np.ndarray
    digests: list[str]
    dirty: frozenset[int] = frozenset()
    near: tuple[Rows, Rows] | None = None
    _rows: Rows | None = None
    _parts: Rows | None = None

    def rows(self) -> Rows:
        """Each record's member's roster row, table by table (:func:`.partition.roster_rows`)."""
        if self._rows is None:
            self._rows = roster_rows(self.records)
        return self._rows

    def parts(self) -> Rows:
        """Each row's chunk, table by table (:func:`.partition.record_parts`)."""
        if self._parts is None:
            self._parts = record_parts(self.records, self.roster_chunk, self.rows())
        return self._parts

    def records_of(self, which: list[int]) -> Records:
        """The records of the chunks ``which``, without the record-level issues."""
        if self.near is not None and self.dirty.issuperset(which):
            picked, parts = self.near
            return records_of(_rows_of(self.records, picked), parts, which)
        return records_of(self.records, self.parts(), which)


def _rows_of(records: Records, picked: Rows) -> Records:
    """``records`` with only the rows ``picked`` of each record table (the roster whole)."""
    tables: dict[str, Any] = {name: in_order(getattr(records, name), rows)
                              for name, rows in picked.items()}
    return attrs.evolve(records, **tables)


def chunked(records: Records, roster_chunk: np.ndarray, n: int, folder: Path,
            version: str) -> Chunked:
    """The records of ``roster_chunk``'s ``n`` chunks and their digests: the kept ones where
    their files did not change (see the module's text), the others hashed; the digests kept
    for the next run when the records carry their lineage. ``version``: the scoring code's."""
    trail = lineage(records)
    if trail is None:
        done = Chunked(records, roster_chunk, [])
        done.digests = chunk_digests(records, done.parts(), n)
        return done
    head = _head(trail, roster_chunk, n, version)
    memo = _load(folder, head)
    found = None if memo is None else _near(records, trail, roster_chunk, n, memo)
    if found is None:
        done = Chunked(records, roster_chunk, [])
        done.digests = chunk_digests(records, done.parts(), n)
        keys = {name: trail.keys.get(name, np.zeros(0, "int32")) for name in RECORD_TABLES}
        _save(folder, head, done.digests, _file_chunks(records, keys, done.parts(), n))
        return done
    done, files = found
    if memo is not None and (done.dirty or memo["files"] != files):
        _save(folder, head, done.digests, files)
    return done


def _head(trail: Lineage, roster_chunk: np.ndarray, n: int, version: str) -> dict[str, Any]:
    """What the kept digests must have been made for: the reader and year, the program, the
    chunks (each roster row's), and the files holding roster rows."""
    chunks = xxhash.xxh3_128(np.ascontiguousarray(roster_chunk, "int64").tobytes()).hexdigest()
    return {"format": _FORMAT, "origin": trail.origin, "version": version, "n": n,
            "chunks": chunks, "roster": sorted(trail.roster_files)}


def _load(folder: Path, head: dict[str, Any]) -> dict[str, Any] | None:
    """The kept digests when they were made for ``head``, else None."""
    try:
        memo = json.loads((folder / MEMO).read_bytes())
        if not isinstance(memo, dict) or memo.get("head") != head:
            return None
        if len(memo["digests"]) != head["n"] or not isinstance(memo["files"], dict):
            return None
    except (OSError, ValueError, KeyError, TypeError):  # missing or damaged: hash every chunk
        return None
    return memo


def _save(folder: Path, head: dict[str, Any], digests: list[str],
          files: dict[str, list[Any]]) -> None:
    """Keep the digests and each file's SHA-256 and chunks for the next run."""
    memo = {"head": head, "digests": digests, "files": files}
    with contextlib.suppress(OSError):  # not kept: the next run hashes every chunk
        atomic_write(folder / MEMO, json.dumps(memo, ensure_ascii=True).encode())


def _file_chunks(records: Records, keys: Mapping[str, np.ndarray], parts: Rows,
                 n: int, rows: Rows | None = None) -> dict[str, list[Any]]:
    """Each file's SHA-256 and the chunks its rows are in (``keys``: the rows' files, ``parts``:
    their chunks, table by table; ``rows``: the row numbers they are of, when not all)."""
    pairs = []
    for name in RECORD_TABLES:
        key = keys[name] if rows is None else keys[name][rows[name]]
        part = parts[name]
        if len(key):  # one pair a run of rows of one file and chunk
            heads = np.flatnonzero(np.r_[True, (key[1:] != key[:-1]) | (part[1:] != part[:-1])])
            pairs.append(key[heads].astype("int64") * n + part[heads])
    found: dict[str, list[Any]] = {path: [sha, []] for path, sha in records.files}
    if pairs:
        for pair in np.unique(np.concatenate(pairs)).tolist():  # once per file and chunk
            found[records.files[pair // n][0]][1].append(pair % n)
    return found


def _near(records: Records, trail: Lineage, roster_chunk: np.ndarray, n: int,
          memo: dict[str, Any]) -> tuple[Chunked, dict[str, list[Any]]] | None:
    """The digests from ``memo``, the changed chunks' hashed again; and each file's chunks
    now. None when a file with roster rows changed (every row may be another member's)."""
    kept: dict[str, list[Any]] = memo["files"]
    now = dict(records.files)
    if any(kept.get(path, [None])[0] != now.get(path) for path in trail.roster_files):
        return None
    changed = {i for i, (path, sha) in enumerate(records.files)
               if path not in kept or kept[path][0] != sha}
    dirty = {int(c) for path, (sha, chunks) in kept.items()
             if now.get(path) != sha for c in chunks}  # changed or gone: their chunks then
    ids = pd.Index(records.roster["member_id"])  # (its table of ids made once, used twice)
    fresh = _rows_in(trail, changed, len(records.files))
    dirty |= set(_chunks_of(records, fresh, roster_chunk, ids).tolist())  # and now
    near = {i for i, (path, _) in enumerate(records.files)
            if i in changed or dirty.intersection(kept[path][1])}
    picked = _rows_in(trail, near, len(records.files))
    part = _rows_of(records, picked)
    parts = record_parts(part, roster_chunk, roster_rows(part, ids))
    mine = np.flatnonzero(np.isin(roster_chunk, sorted(dirty)))  # the roster rows hashed
    hashed = chunk_digests(attrs.evolve(part, roster=in_order(records.roster, mine)),
                           {**parts, "roster": roster_chunk[mine]}, n)
    digests = [hashed[k] if k in dirty else memo["digests"][k] for k in range(n)]
    files = {path: (kept[path] if i not in near else [sha, []])
             for i, (path, sha) in enumerate(records.files)}
    keys = {name: trail.keys.get(name, np.zeros(0, "int32")) for name in RECORD_TABLES}
    for path, (_, chunks) in _file_chunks(records, keys, parts, n, picked).items():
        if chunks:
            files[path] = [now[path], chunks]
    return Chunked(records, roster_chunk, digests, frozenset(dirty), (picked, parts)), files


def _rows_in(trail: Lineage, files: set[int], count: int) -> Rows:
    """Each record table's row numbers of the ``files`` (numbers among ``count``)."""
    wanted = np.zeros(count + 1, dtype=bool)
    wanted[sorted(files)] = True
    return {name: np.flatnonzero(wanted[trail.keys.get(name, np.zeros(0, "int32"))])
            for name in RECORD_TABLES}


def _chunks_of(records: Records, picked: Rows, roster_chunk: np.ndarray,
               ids: pd.Index) -> np.ndarray:
    """The chunks the rows ``picked`` are in (their members'; the first for a member on no
    roster). ``ids``: the roster's member ids."""
    part = _rows_of(records, picked)
    parts = record_parts(part, roster_chunk, roster_rows(part, ids))
    return np.unique(np.concatenate([parts[name] for name in RECORD_TABLES]))
