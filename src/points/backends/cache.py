"""The score cache: each chunk of branches' scores kept on disk beside the scan cache, so that
a re-run after one branch changes one file re-scores that branch's chunk only.

The members are cut into chunks of whole branches whose boundaries do not move when one
branch's records change (:mod:`.digest`). A chunk's entry is keyed by the digest of its
records (:func:`.digest.chunk_digests`, XXH3-128), the ruleset's content (every setting, not
the file's name or hash), the period (year, cycle, ``as_of``), the tables' columns and types, and the
scoring code's version (the source of :mod:`points.score`, :mod:`points.rules`,
:mod:`points.records`, :mod:`points.vocab` and :mod:`points.backends`, and the versions of
numpy, pandas and pyarrow): a changed record, ruleset, period or program never finds a stale
entry.

A re-run of records read from the workbooks hashes only the chunks whose files changed: the
digests of the others are the ones kept beside the entries (:mod:`.memo`), which checks that
the records are those read and not changed since.

A first run scores every member in one call (no cost per chunk) and splits the result by
chunk: every per-member table by member, the grouped data issues by their rows of one member
each (:func:`points.score.checks.grouped_issue`) — exactly what scoring each chunk alone
gives. A re-run loads the chunks it has, scores the others together (one call) and splits
them the same way; every chunk's tables, in chunk order, are then put together as Arrow and
converted once (:mod:`.assemble`), or, when their tables do not line up, combined as any
partitions are (:func:`.partition.combine_scores`). A chunk's entry is one Arrow IPC file holding one IPC
table per frame (dtypes kept, categoricals included); no pickle. Entries are written
atomically; a damaged one is ignored and written again. After a run, the entries it did not
use are removed (:func:`points.vocab.store.prune`), except those of the group (another
ruleset, period or program) used last before it: the cache holds the last two kinds of run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from ..records import Records
from ..rules.model import Ruleset
from ..score import Calendar, MemberScores
from ..score.checks import merge_groups
from ..vocab.issues import ISSUE_COLUMNS, concat_issues, empty_issues
from ..vocab.progress import Progress, tell
from ..vocab.store import atomic_write, ipc_bytes, prune, read_ipc
from .assemble import Entry, assemble, same_dictionaries, together
from .digest import CHUNK_BRANCHES, chunks
from .groups import PREFIX, kept_keys, last_other
from .groups import SUFFIX as _SUFFIX
from .memo import chunked
from .partition import RECORD_TABLES, combine_scores, runs_by_weight
from .split import FRAMES, UNCONVERTIBLE, Tables, entry_tables, split_entries

__all__ = ["AHEAD", "PREFIX", "Ahead", "Entry", "entry_scores", "kept_keys", "read_entry",
           "score_cached", "scoring_version"]

#: The entry format; bump when the layout below changes (2: one frame of flags, one of evidence).
FORMAT = 2
#: Score entries' names: ``score-<group>-<key>.arrow`` (scan entries are ``<key>.arrow``).
#: What the scores depend on besides the records, the ruleset and the period.
_CODE = ("score", "rules", "vocab", "backends", "records.py", "_version.py")
_LIBRARIES = ("numpy", "pandas", "pyarrow")
#: The frames of :class:`~points.score.MemberScores`, one IPC table each in an entry.
_FRAMES = FRAMES


def _sources(item: Traversable, digest: Any) -> None:
    if item.is_dir():
        for child in sorted(item.iterdir(), key=lambda c: c.name):
            _sources(child, digest)
    elif item.name.endswith((".py", ".toml")):
        digest.update(item.name.encode() + b"\0" + item.read_bytes())


@cache
def scoring_version() -> str:
    """A hash of the scoring code's source and the libraries it computes with."""
    digest = hashlib.sha256(f"points-score-{FORMAT}".encode())
    for package in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}={metadata.version(package)}".encode())
    root = resources.files("points")
    for name in _CODE:
        _sources(root.joinpath(name), digest)
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """``value`` (a ruleset and what it holds) as plain JSON data, in a fixed order."""
    if attrs.has(type(value)):
        return [type(value).__name__, {f.name: _canonical(getattr(value, f.name))
                                       for f in attrs.fields(type(value)) if f.name != "sha256"}]
    if isinstance(value, Mapping):
        return ["map", [[_canonical(k), _canonical(v)] for k, v in value.items()]]
    if isinstance(value, set | frozenset):
        return ["set", sorted(json.dumps(_canonical(v), ensure_ascii=True) for v in value)]
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, str) or value is None or type(value) in (int, bool):
        return value
    return [type(value).__name__, repr(value)]  # floats exactly, fractions, dates


def common_key(records: Records, ruleset: Ruleset, calendar: Calendar) -> str:
    """What every chunk's key shares: code, ruleset, period, tables' columns and types."""
    period = [calendar.year, str(calendar.as_of), calendar.first_month,
              calendar.months_per_period, str(calendar.start), str(calendar.cutoff)]
    schema = [[name, [[str(c), str(t)] for c, t in getattr(records, name).dtypes.items()]]
              for name in ("roster", *RECORD_TABLES)]
    text = json.dumps([scoring_version(), _canonical(ruleset), period, schema],
                      ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


# -- entries -----------------------------------------------------------------------------------

def _store(folder: Path, key: str, scores: MemberScores | Tables) -> None:
    """Write a chunk's entry (atomically): ``scores`` of one chunk, or its tables from
    :func:`.split.split_entries`. A folder that cannot be written, or a table Arrow cannot
    hold, leaves it out (the chunk is scored again next time)."""
    try:
        tables = scores if isinstance(scores, list) else entry_tables(scores)
        names = [name for name, _ in tables]
        blobs = [ipc_bytes(table) for _, table in tables]
    except UNCONVERTIBLE:
        return
    table = pa.table({"name": pa.array(names, pa.string()),
                      "data": pa.array(blobs, pa.large_binary())})
    table = table.replace_schema_metadata(
        {"points-score": json.dumps({"format": FORMAT, "key": key})})
    with contextlib.suppress(OSError):
        atomic_write(folder / (PREFIX + key + _SUFFIX), ipc_bytes(table, compress=False))


def read_entry(folder: Path, key: str) -> Entry | None:
    """A chunk's frames as Arrow tables from its entry, or None when there is no usable
    entry (missing, damaged, or made for another key or format)."""
    try:
        table = read_ipc((folder / (PREFIX + key + _SUFFIX)).read_bytes())
        meta = json.loads((table.schema.metadata or {})[b"points-score"])
        if meta != {"format": FORMAT, "key": key}:
            return None
        entry: Entry = {}
        for name, blob in zip(table.column("name").to_pylist(), table.column("data"),
                              strict=True):  # once per frame of the chunk
            entry.setdefault(name, []).append(read_ipc(blob.as_buffer()))
        if any(len(entry.get(name, ())) != 1 for name in _FRAMES):
            return None
    except Exception:  # any damage means "no entry": the chunk is scored again
        return None
    return entry


def _scores(entries: list[Entry], ruleset: Ruleset, calendar: Calendar) -> list[MemberScores]:
    """Loaded chunks as scores: one partition for all of them when their tables line up
    (each table converted once; the coded columns of :mod:`points.score.dtypes` have the same
    categories in every chunk), else one a chunk (categoricals whose categories differ by
    chunk, from the records given, are combined as partitions are)."""
    whole: dict[str, pd.DataFrame] = {}
    with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):  # tables that differ
        for name in _FRAMES:
            tables = [entry[name][0] for entry in entries]
            if not same_dictionaries(tables):
                break
            whole[name] = pa.concat_tables(tables).to_pandas()  # (each a range index)
    if len(whole) == len(_FRAMES) and len(entries) > 1:
        return [MemberScores(ruleset=ruleset, calendar=calendar, **_with_groups(whole),
                             flag_rows=together(entries, "flag_rows"),
                             evidence_rows=together(entries, "evidence_rows"))]
    return [MemberScores(ruleset=ruleset, calendar=calendar,
                         **_with_groups({name: entry[name][0].to_pandas() for name in _FRAMES}),
                         flag_rows=tuple(t.to_pandas() for t in entry.get("flag_rows", [])),
                         evidence_rows=tuple(t.to_pandas()
                                             for t in entry.get("evidence_rows", [])))
            for entry in entries]


def _with_groups(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames with the grouped issues back among the issues, merged over the chunks."""
    merged = merge_groups(frames["grouped_issues"])[ISSUE_COLUMNS]
    return {**frames, "issues": concat_issues([frames["issues"], merged])}


def _entry(found: Entry | Tables) -> Entry:
    """A chunk's frames by name: a loaded entry as it is, a scored chunk's tables gathered."""
    if isinstance(found, dict):
        return found
    entry: Entry = {}
    for name, table in found:
        entry.setdefault(name, []).append(table)
    return entry


def entry_scores(entry: Entry, ruleset: Ruleset, calendar: Calendar) -> MemberScores:
    """The scores of one entry's frames (Arrow tables by name, as
    :func:`.split.entry_tables` made them): what scoring its members gave."""
    return _scores([entry], ruleset, calendar)[0]


def _load(folder: Path, key: str, ruleset: Ruleset, calendar: Calendar) -> MemberScores | None:
    """A chunk's scores from its entry, or None when there is no usable entry."""
    entry = read_entry(folder, key)
    return None if entry is None else entry_scores(entry, ruleset, calendar)


# -- the run -----------------------------------------------------------------------------------

Scorer = Callable[[Records], MemberScores]
#: How a first run scores everyone in parts side by side, combined (:func:`.cores.score_combined`
#: with the ruleset and period given): the records, each roster row's part, the number of
#: parts, the records' roster rows, and what to run on each part's scores where they were
#: scored.
PartScorer = Callable[[Records, np.ndarray, int, dict[str, np.ndarray],
                       Callable[[int, MemberScores], None]], MemberScores]


def score_cached(records: Records, ruleset: Ruleset, calendar: Calendar, folder: Path,
                 score: Scorer, progress: Progress | None = None,
                 size: int = CHUNK_BRANCHES, *, in_parts: PartScorer | None = None,
                 shares: list[float] | None = None) -> MemberScores:
    """``score(records)`` with each chunk's scores taken from the cache ``folder`` when it
    holds them, the others scored together (``score``: how a set of records is scored, here
    or on a cluster) and kept. The result is the same as ``score(records)``'s. ``size``:
    branches per chunk, on average. ``in_parts``: when no chunk is in the cache, everyone is
    scored by it instead, in runs of whole chunks balanced by records (in proportion to
    ``shares``), each part's chunks split and stored by the process that scored them."""
    roster_chunk, n = chunks(records, size)
    if n == 0 or not records.roster["member_id"].is_unique:
        return score(records)  # nothing to split by (a duplicate member is reported there)
    branches = int(records.roster["branch"].nunique())
    tell(progress, "score", 0, branches)
    common = common_key(records, ruleset, calendar)
    with ThreadPoolExecutor(_LOADERS) as pool:  # the last run's entries load meanwhile
        loads = _Loads(folder, common, pool)
        cut = chunked(records, roster_chunk, n, folder, scoring_version())  # (.memo)
        keys = [f"{common[:_GROUP]}-" + hashlib.sha256(f"{common}\0{d}".encode()).hexdigest()
                for d in cut.digests]  # grouped by ruleset, period, program
        loads.only(keys)  # (not a changed chunk's old entry)
        absent = [k for k, key in enumerate(keys) if key not in loads.keys]

        def anew(chunk_list: list[int]) -> tuple[list[int], MemberScores]:
            return chunk_list, score(cut.records_of(chunk_list))  # (no record-level issues)

        some = 0 < len(absent) < n  # a re-run: the chunks not in the cache scored together
        # first, while the prefetch still unpacks entries; but a scorer that may fork waits
        # for the loading threads (there are none when the prefetch serves the entries)
        early = some and (in_parts is None or loads.ahead is not None)
        fresh = [anew(absent)] if early else []
        found = dict(sorted((k, loads.get(keys[k])) for k in loads.in_turn(keys)))
    if some and not early:
        fresh = [anew(absent)]
    if len(absent) == n:  # everyone: scored once the loading threads are done (see .cores)
        scored = _score_all(records, score, in_parts, shares, folder, keys, cut.parts(),
                            cut.rows())
        tell(progress, "score", branches, branches)
        return scored
    damaged = [k for k, entry in found.items() if entry is None]  # scored again, then kept
    fresh += [anew(damaged)] if damaged else []
    entries = [entry for entry in found.values() if entry is not None]
    pieces: dict[int, Tables] = {}
    for chunk_list, scored in fresh:
        pieces.update(split_entries(scored, records, roster_chunk, chunk_list) or {})
    _keep(folder, keys, pieces)
    tell(progress, "score", branches, branches)
    every = [found.get(k) or pieces.get(k) for k in range(n)]  # (loaded, else scored now)
    if all(every):  # each chunk's tables, in chunk order: put together as Arrow, converted once
        whole = assemble(records, [_entry(e) for e in every if e], ruleset, calendar)
        if whole is not None:
            return whole
    loaded = _scores(entries, ruleset, calendar) if entries else []
    return combine_scores(records, [*loaded, *(scored for _, scored in fresh)])


class Ahead(Protocol):
    """Entries of one kind of run (``group``) made ready before scoring asks (:mod:`.prefetch`),
    in the order of ``keys``: ``entry`` gives one if it is made (None: not made, and it will
    not be: read it), ``close`` stops and drops them."""

    group: str
    keys: list[str]

    def entry(self, key: str) -> Entry | None: ...

    def close(self) -> None: ...


#: What :mod:`.prefetch` made ready for a cache folder (by its resolved path) while the files
#: were read; :func:`score_cached` takes the entries of its own kind of run from it.
AHEAD: dict[Path, Ahead] = {}


class _Loads:
    """The last run's entries of this kind (:func:`kept_keys`) on their way: from a prefetch
    of the same kind when one ran (:data:`AHEAD`), else read by a thread of ``pool``."""

    def __init__(self, folder: Path, common: str, pool: ThreadPoolExecutor) -> None:
        self.folder = folder
        self.keys = set(kept_keys(folder, common[:_GROUP]))
        ahead = AHEAD.get(folder.resolve())
        if ahead is not None and ahead.group != common[:_GROUP]:
            ahead.close()  # of no use to this run: the core it takes is given back
        self.ahead = ahead if ahead is not None and ahead.group == common[:_GROUP] else None
        self.futures = {} if self.ahead is not None else {
            key: pool.submit(read_entry, folder, key) for key in sorted(self.keys)}

    def only(self, keys: list[str]) -> None:  # the entries not among ``keys`` are not loaded
        for key in set(self.futures) - set(keys):
            self.futures.pop(key).cancel()

    def in_turn(self, keys: list[str]) -> list[int]:
        """The chunks of ``keys`` (this run's) that have an entry, in the order to ask for
        them: from the end of the prefetch's order (it goes from the start: they meet in the
        middle), else in chunk order (the loading threads' order)."""
        have = [k for k, key in enumerate(keys) if key in self.keys]
        if self.ahead is None:
            return have
        place = {key: i for i, key in enumerate(self.ahead.keys)}
        return sorted(have, key=lambda k: place.get(keys[k], -1), reverse=True)

    def get(self, key: str) -> Entry | None:
        """The entry of ``key`` (one of :attr:`keys`), or None when it cannot be used."""
        if key in self.futures:
            return self.futures[key].result()
        ready = self.ahead.entry(key) if self.ahead is not None else None
        return ready if ready is not None else read_entry(self.folder, key)


#: Threads that read the score entries (the reading and LZ4 decompression let go of the
#: interpreter), beside the records' digests and the scoring of the chunks that have no
#: entry: one (with two, on two cores, the three threads wait for each other's turns at the
#: interpreter and the whole takes longer than with none).
_LOADERS = 1


def _score_all(records: Records, score: Scorer, in_parts: PartScorer | None,
               shares: list[float] | None, folder: Path, keys: list[str],
               in_chunk: dict[str, np.ndarray], rows: dict[str, np.ndarray]) -> MemberScores:
    """Everyone scored and each chunk kept: by ``in_parts`` in runs of whole chunks balanced
    by records, each part's chunks stored where the part was scored; else (or when the chunks
    make one part) in one call, split afterwards. ``in_chunk``: each table's rows' chunks."""
    n, roster_chunk = len(keys), in_chunk["roster"]
    weight = np.zeros(n)
    for part in in_chunk.values():  # the roster rows and every table's records
        weight += np.bincount(part, minlength=n)
    chunk_part = runs_by_weight(weight, shares or [1.0])
    if in_parts is None or chunk_part[-1] == 0:
        bare = attrs.evolve(records, issues=empty_issues())  # added once, at the end
        scored = score(bare)
        _keep(folder, keys, split_entries(scored, records, roster_chunk, list(range(n))))
        return attrs.evolve(scored, issues=concat_issues([records.issues, scored.issues]))

    def store(k: int, scores: MemberScores) -> None:
        mine = np.flatnonzero(chunk_part == k).tolist()
        for chunk, piece in (split_entries(scores, records, roster_chunk, mine) or {}).items():
            _store(folder, keys[chunk], piece)

    scored = in_parts(records, chunk_part[roster_chunk], int(chunk_part[-1]) + 1, rows, store)
    _keep(folder, keys, {})
    return scored


def _keep(folder: Path, keys: list[str], pieces: dict[int, Tables] | None) -> None:
    """Store the new chunks' entries and mark them all used; remove the other entries of this
    run's group (same ruleset, period and program: superseded) and of every other group but
    the one used last (so that two kinds of run sharing a folder, the year's scores and a
    monthly report, do not evict each other's chunks)."""
    for k, piece in (pieces or {}).items():
        _store(folder, keys[k], piece)
    mine = [PREFIX + key + _SUFFIX for key in keys]
    for name in mine:  # used now: the group used last is the one kept beside this run's
        with contextlib.suppress(OSError):
            os.utime(folder / name)
    prune(folder, [*mine, *last_other(folder, keys[0].split("-")[0] if keys else "")],
          _SUFFIX, PREFIX)


#: The characters of the common key that name an entry's group (``score-<group>-<key>``).
_GROUP = 12
