"""The last run's records, kept in the cache folder so that a re-run reads again only the
files that changed and rebuilds only their records.

After a run reads every file, the *base* entry keeps its :class:`~points.Records` (the roster,
every record table and the data issues, as Arrow) with each row's *file key*: the file it
came from (its number among the run's files, in path order) and, for a table assembled in
segments (attendance: the matrix cells, then the list rows), the segment. In every table the
rows of a file lie in one run per segment and the keys never go down: that is how the middle
of reading assembles them (:mod:`.tables`), and how :func:`update` keeps them.

The next run hashes its files (:func:`.stamps.digests`; a file whose size, times and inode are those
the last run saw, long settled then, keeps the SHA-256 it had, unread). When no file with
roster rows changed, came or went (:func:`changed`; else every record must be matched again
and every file is read), only the changed and new files are read, their records assembled
against the kept roster, and :func:`update` places them among the kept rows: each file's rows
come from the run that read it last — the base, the *delta* entry (the rows of the files
changed since the base) or this run. The records are the same, row for row, as a reading of
every file (``tests/read/test_lastrun.py`` holds it to that). The delta is written instead
of the base, so a re-run writes only the changed files' rows; once it holds more than
:data:`DELTA_SHARE` of the rows, the whole records become the new base.

Entries are keyed by the reader's version (:func:`.cache.reader_version`) and the year given
for dates without one. Each is one file: a JSON header (the files, their SHA-256 and stamps,
which hold roster rows) and one uncompressed Arrow IPC file per table, which a re-run maps
rather than reads (the records' columns are the entry's pages: nothing unpacked into fresh
memory; the price is disk, ~150 bytes per attendance record); a delta names the base it
completes. An entry is replaced by renaming a new file over it, never rewritten in place, so
a mapped one stays whole while a run uses it (on Windows, where a mapped file cannot be
replaced, entries are read instead: :data:`MAP`). A damaged or foreign entry is no entry.
Nothing is kept when a file's data issues could not be told by the file's name (two files
with one name, or a name with ``!``, which addresses use as separator): the next run simply
reads every file, from the scan cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import uuid
from pathlib import Path
from typing import Any, BinaryIO

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from ..records import TABLES, Lineage, Records, trace
from ..vocab.issues import concat_issues
from ..vocab.store import atomic_file, in_background, read_ipc, write_ipc, written
from ..vocab.text import readable_path
from . import stamps
from .cache import reader_version
from .merge import FILE_KEY, SEGMENT
from .scan import FileScan
from .stamps import Looked, Stamp

__all__ = ["DELTA_SHARE", "PREFIX", "LastRun", "changed", "entry_names", "load", "read_files",
           "store", "traced", "update"]

#: The entry format; bump when the layout changes.
FORMAT = 2
#: Entries are memory-mapped, not read. Not on Windows: there a mapped file cannot be
#: replaced, and a re-run replaces the entries it has just loaded.
MAP = os.name != "nt"
#: Where each table of an entry starts: a multiple of this many bytes (Arrow's alignment).
_ALIGN = 64
#: A delta holding more than this share of all rows is folded into a new base.
DELTA_SHARE = 0.25
#: How the entries' names begin.
PREFIX = "records-"
#: The issue code whose rows every run makes again (the files it did not read).
_SKIPPED = "skipped_file"
#: The tables kept with a file key per row (all but the roster).
_KEYED = (*(t for t in TABLES if t != "roster"), "issues")
_HEADER = struct.Struct("<Q")

File = tuple[str, str, bool]  # path, SHA-256, holds roster rows


@attrs.frozen
class _Entry:
    """One entry as read: its header and tables."""

    header: dict[str, Any]
    tables: dict[str, pa.Table]

    @property
    def paths(self) -> list[str]:
        return [str(f[0]) for f in self.header["files"]]


@attrs.frozen(kw_only=True)
class LastRun:
    """The kept records of the last run: its files ``(path, SHA-256)``, the base entry and
    the delta that completes it (None: the base is the last run)."""

    files: tuple[tuple[str, str], ...]
    base: _Entry
    delta: _Entry | None
    #: The files that held roster rows (the same since the base).
    roster_files: frozenset[str]

    def roster(self) -> pd.DataFrame:
        """The kept roster."""
        return self.base.tables["roster"].to_pandas()

    def settled(self) -> dict[str, tuple[Stamp, str]]:
        """The stamp and SHA-256 of each of the last run's files that had settled when it
        looked at them (see :func:`digests`)."""
        header = (self.delta or self.base).header
        at, seen = header.get("looked", (0, {}))
        shas = dict(self.files)
        return {path: (tuple(stamp), shas[path]) for path, stamp in seen.items()
                if stamp and path in shas and max(stamp[1], stamp[2]) < at - stamps.SETTLED_NS}


def entry_names(year: int | None) -> tuple[str, str]:
    """The file names of the base and the delta entry for this reader and ``year``."""
    key = hashlib.sha256(f"{PREFIX}{FORMAT}\0{reader_version()}\0{year}".encode()).hexdigest()
    return f"{PREFIX}{key}.arrow", f"{PREFIX}{key}-delta.arrow"


def changed(last: LastRun, now: dict[str, str | None]) -> list[str] | None:
    """The files (of ``now``, in order) to read again: the changed and the new ones. None
    when the kept records cannot serve: a file with roster rows changed, came or went (the
    roster every record was matched against is no longer the same)."""
    if not _told_apart(list(now)):
        return None
    before = dict(last.files)
    todo = [path for path, sha in now.items() if sha is None or before.get(path) != sha]
    gone = [path for path in before if path not in now]
    return None if last.roster_files.intersection([*todo, *gone]) else todo


def _told_apart(files: list[str]) -> bool:
    """The files' names tell them apart in an address (``file!sheet!A1``): no two alike, no
    ``!`` in one."""
    names = [readable_path(Path(path).name) for path in files]
    return len(set(names)) == len(names) and not any("!" in name for name in names)


def traced(records: Records, year: int | None, read: list[File],
           keys: dict[str, np.ndarray]) -> Records:
    """``records`` with their :class:`~points.records.Lineage` noted (each record table's
    rows' file, from ``keys``; the files ``read`` that hold roster rows): the score cache
    hashes again only the chunks of members whose files changed (:mod:`points.backends.memo`)."""
    return trace(records, Lineage(
        origin=f"{reader_version()}\0{year}",
        roster_files=frozenset(path for path, _, roster in read if roster),
        keys={name: (k % SEGMENT).astype("int32") for name, k in keys.items()}))


def read_files(scans: list[FileScan]) -> list[File]:
    """Each scan's file, SHA-256 and whether it holds roster rows, as an entry keeps them."""
    return [(scan.path, scan.sha256, bool(scan.parts["roster"])) for scan in scans]


# -- entries -----------------------------------------------------------------------------------

def _issue_keys(issues: pd.DataFrame, files: list[str]) -> np.ndarray | None:
    """The file (number) of each data issue, by the file name its address begins with; -1
    for the files not read. None when an issue names no file of the run."""
    number = {readable_path(Path(path).name): i for i, path in enumerate(files)}
    number.update({readable_path(path): i for i, path in enumerate(files)})
    head = issues["source"].fillna("").str.split("!", n=1).str[0]
    keys = np.array(head.map(number).to_numpy(dtype="float64", na_value=np.nan))  # writable
    keys[(issues["code"] == _SKIPPED).to_numpy()] = -1
    return None if np.isnan(keys).any() else keys.astype("int64")


def _arrow(frame: pd.DataFrame, keys: np.ndarray | None) -> pa.Table:
    """``frame`` as Arrow (its pandas types in the schema's metadata), the file keys beside."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table if keys is None else table.append_column(FILE_KEY, pa.array(keys, pa.int64()))


def _frame(table: pa.Table) -> pd.DataFrame:
    """A kept table as the records hold it (without the file keys)."""
    return table.drop_columns([FILE_KEY]).to_pandas()


class _Relative:
    """A file to write through whose positions count from where the writing began (an
    Arrow IPC file's offsets count from its own start)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.start, self.closed = out, out.tell(), False

    def write(self, data: bytes) -> int:
        return self.out.write(data)

    def tell(self) -> int:
        return self.out.tell() - self.start

    def flush(self) -> None:
        self.out.flush()

    def close(self) -> None:
        self.closed = True  # (the entry's file stays open for the next table)


def _write(path: Path, header: dict[str, Any], tables: dict[str, pa.Table]) -> None:
    """One entry: each table an uncompressed Arrow IPC file starting on a :data:`_ALIGN`
    boundary (so that reading maps it, nothing unpacked), written straight from the tables'
    memory; then the JSON header with where each table ends, then the header's length."""
    ends: dict[str, int] = {}
    with contextlib.suppress(OSError), atomic_file(path) as out:  # unwritable: nothing kept
        for name, table in tables.items():
            out.write(bytes(-out.tell() % _ALIGN))
            write_ipc(pa.PythonFile(_Relative(out), mode="w"), table, compress=False)
            ends[name] = out.tell()
        head = json.dumps({**header, "format": FORMAT, "reader": reader_version(),
                           "tables": ends}).encode()  # ASCII: a name's surrogates as \udcXX
        out.write(head + _HEADER.pack(len(head)))


def _read(path: Path, year: int | None) -> _Entry | None:
    """The entry at ``path``, memory-mapped where :data:`MAP` (its tables are the file's
    pages), or None."""
    try:
        data = pa.memory_map(str(path)).read_buffer() if MAP else pa.py_buffer(path.read_bytes())
        size, = _HEADER.unpack_from(data, len(data) - _HEADER.size)
        header = json.loads(data.slice(len(data) - _HEADER.size - size, size).to_pybytes())
        if (header["format"], header["reader"], header["year"]) != (FORMAT, reader_version(),
                                                                     year):
            return None
        at, tables = 0, {}
        for name, end in header["tables"].items():
            at += -at % _ALIGN
            tables[name] = read_ipc(data.slice(at, end - at))
            at = end
        return _Entry(header, tables)
    except Exception:  # any damage means "no entry"
        return None


def store(folder: Path, year: int | None, records: Records, keys: dict[str, np.ndarray],
          read: list[File], now: Looked) -> None:
    """Keep ``records`` (read from the files ``read``, looked at ``now``; ``keys``: the file
    key of each row of each record table) as the folder's base entry for ``year`` (its delta
    goes). Nothing is kept when the data issues of a file cannot be told by its name.
    The entry (~800 MB at a city) is written in the background
    (:func:`points.vocab.store.in_background`): the run goes on to score meanwhile, and
    :func:`load`, a fork and the interpreter's exit wait for it."""
    written()  # (one kept before in this process, still being written)
    base, delta = (folder / name for name in entry_names(year))
    files = [path for path, _, _ in read]
    issue_keys = _issue_keys(records.issues, files) if _told_apart(files) else None
    if issue_keys is None:
        return
    empty = np.zeros(0, "int64")
    # shallow copies held while the entry is written: a caller who changes a records frame
    # in place then changes a copy of it (copy-on-write), never the data being written
    frames = {name: getattr(records, name).copy(deep=False) for name in ("roster", *_KEYED)}
    tables = {"roster": _arrow(frames["roster"], None),
              **{t: _arrow(frames[t], keys.get(t, empty)) for t in _KEYED[:-1]},
              "issues": _arrow(frames["issues"], issue_keys)}
    header = {"year": year, "token": uuid.uuid4().hex, "files": [list(f) for f in read],
              "looked": now}

    def keep() -> None:
        _write(base, header, tables)
        with contextlib.suppress(OSError):  # (a delta of another base is never used)
            delta.unlink(missing_ok=True)
        frames.clear()  # (held until here)
    in_background(keep, "points-records-entry")


def load(folder: Path, year: int | None) -> LastRun | None:
    """The folder's kept records for ``year``, or None (none, damaged, or of another reader)."""
    written()  # (the records kept last, if still being written)
    names = entry_names(year)
    base = _read(folder / names[0], year)
    if base is None or set(base.tables) != {"roster", *_KEYED}:
        return None
    delta = _read(folder / names[1], year)
    if delta is not None and (delta.header.get("base") != base.header["token"]
                              or set(delta.tables) != set(_KEYED)):
        delta = None
    last = delta or base
    return LastRun(files=tuple((str(p), str(s)) for p, s, _ in last.header["files"]),
                   base=base, delta=delta, roster_files=frozenset(
                       str(p) for p, _, roster in base.header["files"] if roster))


# -- the rows of each file from the run that read it last ------------------------------------------

@attrs.frozen
class _Runs:
    """A table's rows as runs of one file key: the key and the rows ``[start, stop)`` of each."""

    table: pa.Table
    keys: np.ndarray
    starts: np.ndarray
    stops: np.ndarray

    @classmethod
    def of(cls, table: pa.Table, numbers: np.ndarray) -> _Runs:
        """The runs of ``table``'s file keys, each file number ``f`` made ``numbers[f]`` (-1:
        the run is left out)."""
        keys = table[FILE_KEY].to_numpy()
        if not len(keys):
            return cls(table, keys, keys, keys)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        stops = np.r_[starts[1:], len(keys)].astype("int64")
        segment, file = keys[starts] // SEGMENT, keys[starts] % SEGMENT
        file = np.where(keys[starts] >= 0, file, len(numbers) - 1)  # -1 (not read): left out
        new = numbers[file]
        return cls(table, np.where(new >= 0, segment * SEGMENT + new, -1), starts, stops)


def _joined(sides: list[_Runs]) -> pa.Table:
    """The runs of every side that are kept, placed by key (one run per file and segment: no
    ties), neighbouring rows of one side sliced together; their keys as the file key column.
    The columns are typed as on the first side with rows kept."""
    pieces = sorted((int(key), side, int(a), int(b))
                    for side, runs in enumerate(sides)
                    for key, a, b in zip(runs.keys.tolist(), runs.starts.tolist(),
                                         runs.stops.tolist(), strict=True) if key >= 0)
    slices: list[list[int]] = []  # side, start, stop
    for _, side, a, b in pieces:
        if slices and slices[-1][0] == side and slices[-1][2] == a:
            slices[-1][2] = b
        else:
            slices.append([side, a, b])
    schema = sides[slices[0][0] if slices else 0].table.schema
    out = pa.concat_tables([sides[side].table.slice(a, b - a).cast(schema)
                            for side, a, b in slices] or [sides[0].table.slice(0, 0)])
    keys = np.repeat(np.array([key for key, *_ in pieces], "int64"),
                     [b - a for _, _, a, b in pieces])
    return out.set_column(out.schema.get_field_index(FILE_KEY), FILE_KEY,
                          pa.array(keys, pa.int64()))


def _numbers(paths: list[str], order: dict[str, int], keep: set[str]) -> np.ndarray:
    """For an entry's files (``paths``): each one's number in this run where its rows are
    kept (``keep``), else -1; one -1 more at the end (for the keys of files not read)."""
    return np.array([order[p] if p in keep else -1 for p in paths] + [-1], dtype="int64")


def update(folder: Path, year: int | None, last: LastRun, now: dict[str, str | None],
           fresh: Records, fresh_keys: dict[str, np.ndarray], todo: list[str],
           skipped: pd.DataFrame, looked_now: Looked) -> Records | None:
    """The records of every file of ``now`` (path → SHA-256, in order): each file's rows from
    the base, the delta or ``fresh`` (the records of ``todo``, the files read again, numbered
    in that order), in its place; the data issues likewise, with ``skipped`` (the files not
    read this time). The folder's entries are brought up to date. None when ``fresh``'s data
    issues cannot be told apart by file (then every file is read)."""
    order = {path: i for i, path in enumerate(now)}
    again = set(todo)
    in_delta = set(last.delta.header["changed"]) if last.delta else set()
    current = set(now) - again
    tables: dict[str, pa.Table] = {}
    delta: dict[str, pa.Table] = {}
    for name in _KEYED[:-1]:
        new = _Runs.of(_arrow(getattr(fresh, name), fresh_keys.get(name, np.zeros(0, "int64"))),
                       _numbers(todo, order, again))
        base = _Runs.of(last.base.tables[name], _numbers(last.base.paths, order,
                                                         current - in_delta))
        kept = [] if last.delta is None else [_Runs.of(last.delta.tables[name], _numbers(
            last.delta.paths, order, current & in_delta))]
        tables[name], delta[name] = _joined([base, *kept, new]), _joined([*kept, new])
    lately = last.delta or last.base  # the last run's data issues, whole
    kept_issues = _Runs.of(lately.tables["issues"], _numbers(lately.paths, order, current))
    rows = np.repeat(kept_issues.keys >= 0, kept_issues.stops - kept_issues.starts)
    files = [(path, sha or "", path in last.roster_files) for path, sha in now.items()]
    records = Records(roster=fresh.roster, **{n: _frame(t) for n, t in tables.items()},
                      issues=concat_issues([_frame(lately.tables["issues"].filter(rows)),
                                            fresh.issues, skipped]),
                      files=tuple((path, sha) for path, sha, _ in files))
    issue_keys = _issue_keys(records.issues, list(now))
    if issue_keys is None:
        return None
    if sum(map(len, delta.values())) > DELTA_SHARE * sum(map(len, tables.values())):
        store(folder, year, records, {n: t[FILE_KEY].to_numpy() for n, t in tables.items()},
              files, looked_now)
    else:
        delta["issues"] = _arrow(records.issues, issue_keys)
        _write(folder / entry_names(year)[1],
               {"year": year, "base": last.base.header["token"], "files": [list(f) for f in files],
                "changed": sorted((current & in_delta) | again), "looked": looked_now}, delta)
    return traced(records, year, files, {n: t[FILE_KEY].to_numpy() for n, t in tables.items()})
