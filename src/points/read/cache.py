"""The scan cache: each file's :class:`~.scan.FileScan` kept on disk, keyed by the file's
content, so that a re-run after one branch fixes one file scans that file only.

An entry's key is the SHA-256 of the file's content, its name (cell addresses carry it), the
year given for dates without one, and the reader's version (the source of :mod:`points.read`
and :mod:`points.vocab`, hashed, and the versions of the libraries that read cells): a changed
file, a renamed one or a new version of the reader never finds a stale entry. Scans do not
depend on the ruleset, so a changed ruleset reuses every entry (scores have their own cache,
keyed by the ruleset too: :mod:`points.backends.cache`).

An entry is one Arrow IPC file (LZ4-compressed): the scan's arrays laid end to end in a
handful of one-row list columns (one per numpy dtype, and the cell addresses), and its small
parts (sheets, texts, cell issues, where each array lies) as JSON in the schema's metadata.
Mixed cell values (text, numbers, dates, error cells) are stored as a type tag and a text per
distinct value — no pickle, nothing executable. Entries are written to a temporary name and renamed (a crash
leaves no half entry); an entry that cannot be read is ignored and written again. The folder
holds a ``CACHEDIR.TAG`` (the public cache-directory convention), by which
:func:`.files.collect_inputs` knows to pass over it silently, and backup tools too. The folder,
the tag and the writes are :mod:`points.vocab.store`'s, shared with the score cache.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..vocab.store import CACHE_NAME, TAG_NAME, atomic_write, ipc_bytes, is_cache_dir, prepare_cache, read_ipc
from .raw import CellError
from .scan import FileScan, scan_file

__all__ = ["CACHE_NAME", "KEEP_BYTES", "TAG_NAME", "Content", "Sent", "entry_bytes", "is_cache_dir",
           "load_scan", "lookup", "prepare_cache", "scan_and_store", "scan_of", "scan_to_send",
           "store_scan"]

#: The libraries that read cells (their versions are part of the key).
_READERS = ("python-calamine", "openpyxl", "numpy", "pandas", "pyarrow")
#: The entry format; bump when the layout below changes.
FORMAT = 3
_SUFFIX = ".arrow"
# Mixed cell values: exact type → tag, and the text each is written as and read back from.
_ENCODE: dict[type, tuple[int, Callable[[Any], str]]] = {
    str: (0, str), CellError: (1, str), float: (2, repr), int: (3, str), bool: (4, str),
    dt.datetime: (5, dt.datetime.isoformat), dt.date: (6, dt.date.isoformat),
    dt.time: (7, dt.time.isoformat),
    dt.timedelta: (8, lambda v: f"{v.days},{v.seconds},{v.microseconds}"),
    type(None): (9, lambda v: "")}


def _timedelta(text: str) -> dt.timedelta:
    days, seconds, micro = (int(p) for p in text.split(","))
    return dt.timedelta(days=days, seconds=seconds, microseconds=micro)


_DECODE: dict[int, Callable[[str], Any]] = {
    0: str, 1: CellError, 2: float, 3: int, 4: lambda t: t == "True",
    5: dt.datetime.fromisoformat, 6: dt.date.fromisoformat, 7: dt.time.fromisoformat,
    8: _timedelta, 9: lambda t: None}


@cache
def reader_version() -> str:
    """A hash of the reader's source (:mod:`points.read`, :mod:`points.vocab`), the versions
    of the libraries that read the files, and the entry format: any change to the code that
    makes a scan makes new keys."""
    digest = hashlib.sha256(f"points-scan-{FORMAT}".encode())
    for package in _READERS:  # a new reader library may read a cell differently
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}={metadata.version(package)}".encode())
    root = resources.files("points")
    for package in ("read", "vocab"):
        for item in sorted(root.joinpath(package).iterdir(), key=lambda i: i.name):
            if item.name.endswith(".py"):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()


def entry_key(sha256: str, name: str, year: int | None) -> str:
    """The name of the entry for a file's content, file name and year."""
    text = "\0".join((reader_version(), sha256, name, str(year)))
    # a name in another encoding (GBK bytes on a UTF-8 system) keeps its bytes as surrogates
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


# -- arrays ------------------------------------------------------------------------------------

class _Unsupported(Exception):
    """A value the entry format cannot hold: that file's scan is simply not cached."""


def _mixed(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """An object array as (codes, tags, texts): one tag and text per distinct (value, type)."""
    if not len(values):
        return np.zeros(0, "int32"), np.zeros(0, "int8"), []
    if set(map(type, values)) == {str}:  # text only (names, ids): equal values are the same
        codes, uniques = pd.factorize(values)  # (no missing value: no pass looking for one)
        return codes.astype("int32"), np.zeros(len(uniques), "int8"), uniques.tolist()
    value_codes, _ = pd.factorize(values, use_na_sentinel=False)
    type_codes, types = pd.factorize(np.fromiter(map(type, values), dtype=object, count=len(values)))
    pair = value_codes.astype("int64") * len(types) + type_codes
    floats = type_codes == (list(types).index(float) if float in list(types) else -1)
    if floats.any():  # 0.0 == -0.0: keep the sign apart
        sign = np.signbit(values[floats].astype("float64"))
        pair[floats] = pair[floats] * 2 + sign
        pair[~floats] *= 2
    _, first, codes = np.unique(pair, return_index=True, return_inverse=True)
    tags, texts = [], []
    for value in values[first].tolist():
        if type(value) not in _ENCODE:
            raise _Unsupported(type(value).__name__)
        tag, text = _ENCODE[type(value)]
        tags.append(tag)
        texts.append(text(value))
    return codes.astype("int32"), np.array(tags, dtype="int8"), texts


def _unmixed(codes: np.ndarray, tags: np.ndarray, texts: list[str]) -> np.ndarray:
    distinct = np.empty(len(tags), dtype=object)
    if not tags.any():  # text only (names, ids, marks): the texts are the values
        distinct[:] = texts
    else:
        distinct[:] = [_DECODE[int(t)](s) for t, s in zip(tags.tolist(), texts, strict=True)]
    return distinct[codes] if len(codes) else np.array([], dtype=object)


def _one_row(values: pa.Array) -> pa.Array:
    return pa.LargeListArray.from_arrays(pa.array([0, len(values)], pa.int64()), values)


class _Columns:
    """The arrays of a scan laid end to end, one column per kind of storage (each numpy
    dtype; the codes, tags and texts of mixed values): a handful of columns per entry, not
    one per array, whatever the number of sheets."""

    def __init__(self) -> None:
        self.pieces: dict[str, list[Any]] = {}
        self.size: dict[str, int] = {}

    def put(self, column: str, values: Any) -> list[int]:
        """Append ``values`` to ``column``; return where they are (start, stop)."""
        start = self.size.get(column, 0)
        self.pieces.setdefault(column, []).append(values)
        self.size[column] = start + len(values)
        return [start, start + len(values)]

    def arrays(self) -> dict[str, pa.Array]:
        out = {}
        for column, pieces in self.pieces.items():
            if column == "texts":
                out[column] = _one_row(pa.array([t for p in pieces for t in p], pa.string()))
            else:
                out[column] = _one_row(pa.array(np.concatenate(pieces)))
        return out


def _columns(scan: FileScan) -> tuple[dict[str, pa.Array], list[list[Any]]]:
    """The scan's arrays as one-row list columns, and their layout: (kind, part, field, dtype,
    where) per array (for an object array, where its codes, tags and texts are)."""
    store = _Columns()
    layout: list[list[Any]] = []
    for kind, parts in scan.parts.items():
        for number, part in enumerate(parts):
            for field, array in part.items():
                if array.dtype == object:
                    codes, tags, texts = _mixed(array)
                    layout.append([kind, number, field, "object", store.put("codes", codes),
                                   store.put("tags", tags), store.put("texts", texts)])
                elif array.dtype.kind in "biufM":
                    layout.append([kind, number, field, array.dtype.str,
                                   store.put(array.dtype.str, array)])
                else:
                    raise _Unsupported(array.dtype.str)
    columns = store.arrays()
    columns["cell_sources"] = _one_row(scan.cell_sources.cast(pa.string()))
    return columns, layout


def _arrays(table: pa.Table) -> dict[str, pa.Array]:
    """The values of each one-row list column by name (:func:`_one_row` wrote each whole, its
    one list from 0 to the end: no call per column to cut them out)."""
    return {name: column.chunk(0).values
            for name, column in zip(table.column_names, table.columns, strict=True)}


def _restore(arrays: dict[str, pa.Array], layout: list[list[Any]], scan: FileScan) -> None:
    numbers = {name: array.to_numpy(zero_copy_only=False, writable=True)
               for name, array in arrays.items() if name not in ("texts", "cell_sources")}
    texts = arrays["texts"].to_pylist() if "texts" in arrays else []
    for kind, number, field, dtype, *where in layout:
        parts = scan.parts[kind]
        while len(parts) <= number:
            parts.append({})
        if dtype == "object":
            (c0, c1), (t0, t1), (x0, x1) = where
            parts[number][field] = _unmixed(numbers["codes"][c0:c1], numbers["tags"][t0:t1],
                                            texts[x0:x1])
        else:
            (start, stop), = where
            parts[number][field] = numbers[dtype][start:stop].astype(dtype, copy=False)


# -- entries -----------------------------------------------------------------------------------

def entry_bytes(scan: FileScan, year: int | None) -> bytes | None:
    """``scan``'s entry as the bytes of an Arrow IPC file, or None when a value cannot be held
    by the format (that file is simply not cached)."""
    try:
        columns, layout = _columns(scan)
    except _Unsupported:
        return None
    meta = {"format": FORMAT, "reader": reader_version(), "sha256": scan.sha256,
            "name": Path(scan.path).name, "year": year, "sheets": scan.sheets,
            "hints": scan.hints, "activities": scan.activities, "marks": scan.marks,
            "cell_issues": scan.cell_issues, "n_people": scan.n_people, "layout": layout}
    table = pa.table(columns).replace_schema_metadata(
        {"points-scan": json.dumps(meta)})  # ASCII: surrogates in a name survive as \udcXX
    return ipc_bytes(table)


def store_scan(folder: Path, scan: FileScan, year: int | None) -> bytes | None:
    """Write ``scan``'s entry (atomically) and return its bytes. A value the format cannot
    hold, or a folder that cannot be written, leaves the file uncached: never an error."""
    data = entry_bytes(scan, year)
    if data is not None:
        with contextlib.suppress(OSError):
            atomic_write(folder / (entry_key(scan.sha256, Path(scan.path).name, year) + _SUFFIX),
                         data)
    return data


def load_scan(folder: Path, path: str, sha256: str, year: int | None) -> FileScan | None:
    """The cached scan of ``path`` (whose content hashes to ``sha256``), or None when there is
    no usable entry (missing, damaged, or made for other content, name, year or reader)."""
    name = Path(path).name
    try:
        data = (folder / (entry_key(sha256, name, year) + _SUFFIX)).read_bytes()
    except OSError:
        return None
    return scan_of(data, path, sha256, year)


def scan_of(data: bytes, path: str, sha256: str, year: int | None) -> FileScan | None:
    """The scan an entry's bytes hold, or None when they are damaged or were made for other
    content, name, year or reader."""
    try:
        table = read_ipc(data)
        meta = json.loads((table.schema.metadata or {})[b"points-scan"])
        if (meta["format"], meta["reader"], meta["sha256"], meta["name"], meta["year"]) != (
                FORMAT, reader_version(), sha256, Path(path).name, year):
            return None
        scan = FileScan(path)
        scan.sha256 = sha256
        scan.sheets = [(str(f), str(s), int(r), int(c)) for f, s, r, c in meta["sheets"]]
        scan.hints, scan.activities, scan.marks = meta["hints"], meta["activities"], meta["marks"]
        scan.cell_issues = [(str(c), str(m), str(a)) for c, m, a in meta["cell_issues"]]
        scan.n_people = int(meta["n_people"])
        arrays = _arrays(table)
        scan.cell_sources = arrays["cell_sources"].cast(pa.string())
        _restore(arrays, meta["layout"], scan)
    except Exception:  # any damage means "no entry": the file is scanned again
        return None
    return scan


#: The most bytes of input files :func:`lookup` hands on to be scanned without reading them
#: again (beyond it, a worker reads its file itself: the parent's memory stays bounded).
KEEP_BYTES = 256 * 2**20


class Content:
    """A file's bytes as read for the cache lookup, and their SHA-256: handed on to the scan,
    so that a file missing from the cache is read and hashed once."""

    def __init__(self, data: bytes, sha256: str) -> None:
        self.data, self.sha256 = data, sha256


def lookup(folder: Path, path: str, year: int | None, keep: bool = True
           ) -> tuple[FileScan | None, Content | None]:
    """``path``'s scan from the cache folder when it holds one for the file's present
    content, else None and (when ``keep``) the file's :class:`Content` for
    :func:`scan_and_store` (None, None for a file that cannot be read: left to
    :func:`.scan.scan_file`, which says why)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None, None
    sha256 = hashlib.sha256(data).hexdigest()
    scan = load_scan(folder, path, sha256, year)
    return scan, None if scan is not None or not keep else Content(data, sha256)


def scan_and_store(path: str, year: int | None, folder: Path | None,
                   content: Content | None = None) -> FileScan:
    """Scan ``path`` (whose bytes are ``content`` when the caller has read them) and, with a
    cache folder, store the scan there."""
    return _scanned(path, year, folder, content)[0]


def _scanned(path: str, year: int | None, folder: Path | None, content: Content | None
             ) -> tuple[FileScan, bytes | None]:
    """``path`` scanned (from ``content`` when read already) and, with a cache folder, stored:
    the scan and its entry's bytes (None: not stored)."""
    data, sha256 = (None, None) if content is None else (content.data, content.sha256)
    scan = scan_file(path, year, data, sha256)
    return scan, None if folder is None else store_scan(folder, scan, year)


class Sent:
    """A scan as a worker process sends it back: the bytes of its cache entry when it has
    one (made for the cache anyway, sent as they are: nothing is pickled twice), else the
    scan itself."""

    def __init__(self, path: str, year: int | None, entry: bytes | None,
                 scan: FileScan | None) -> None:
        self.path, self.year, self.entry, self.scan = path, year, entry, scan
        self.sha256 = scan.sha256 if scan is not None else ""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if self.entry is not None:
            state["scan"] = None  # (made again from the entry's bytes, see received)
        return state

    def received(self) -> FileScan:
        """The scan, in the process that received it."""
        if self.scan is None and self.entry is not None:
            self.scan = scan_of(self.entry, self.path, self.sha256, self.year)
        self.entry = None  # (read: its bytes go)
        if self.scan is None:  # (bytes made a moment ago read back; else: scanned again here)
            self.scan = scan_file(self.path, self.year)
        return self.scan


def scan_to_send(path: str, year: int | None, folder: Path | None,
                 content: Content | None = None) -> Sent:
    """:func:`scan_and_store` in a worker process, as it sends the scan back (:class:`Sent`)."""
    scan, entry = _scanned(path, year, folder, content)
    return Sent(path, year, entry, scan)
