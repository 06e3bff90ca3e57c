"""Scoring on this machine's cores: the members split by branch into parts, the first scored in
this process while worker processes forked from it score the others, combined as one run. A
process whose share is over :func:`round_records` records scores it in rounds, a part at a
time (its memory at the peak is one round's; with more than two processes each round is
smaller, so that the peak does not grow with the cores) — a lone process too (one usable core,
or ``workers=1``): it scores the parts in turn, so that no process holds more than
:data:`ROUND_RECORDS` records' scoring at once however few the cores.

:func:`points.score.score_members` depends on one member's records only, so the parts of
:mod:`.partition` (whole branches, balanced by records) are scored side by side and put back
together by :func:`.partition.combine_scores`, as the Dask backend does: the tables are the
same as one run's, row for row. The workers are forked (Linux), as :mod:`points.read` forks its
scanners: they see the records without copying or pickling them, a part's records share their
text with them (:func:`.partition.records_of`), and a caller's script needs no
``if __name__ == "__main__"`` guard. A worker's scores come back as uncompressed Arrow IPC (the
frames of a score-cache entry, :func:`.split.entry_tables`), a file a column in a temporary
folder, which this process maps and removes: no value is pickled or read into memory again.
Once combined, each text column is made one piece, a column at a time (as one run makes them:
the writer would copy a column of many pieces whole). Elsewhere, and for fewer than
:data:`PARALLEL_RECORDS` records (a worker costs more than it saves below that), everything is
scored here (in rounds past :data:`ROUND_RECORDS`). A worker that cannot hand its part back
(its process died or ran out of memory, the temporary folder is full, a table Arrow cannot
hold, its files removed or damaged before they are read) has that part scored here instead,
as has every part when there is no temporary folder or no worker process can be made.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from ..records import Records
from ..rules.model import Ruleset
from ..score import Calendar, MemberScores, score_members
from ..vocab.errors import ArgumentError
from ..vocab.forking import can_fork, sweep_leftovers, worker_count
from ..vocab.memory import release_memory
from ..vocab.progress import Progress, tell
from ..vocab.store import map_ipc, write_ipc, written
from .cache import Entry, entry_scores
from .local import score_local
from .partition import (
    RECORD_TABLES,
    branch_parts,
    combine_scores,
    record_parts,
    records_of,
    roster_rows,
)
from .split import UNCONVERTIBLE, entry_tables

__all__ = ["IN_FLIGHT_RECORDS", "PARALLEL_RECORDS", "ROUND_RECORDS", "After", "can_fork",
           "core_parts", "part_count", "round_records", "score_combined", "score_cores",
           "score_parts"]

#: Records (all tables) from which the members are scored by several processes; fewer: here.
PARALLEL_RECORDS = 400_000
#: Records a process scores at once, at most: a larger share is scored in rounds, a part at a
#: time (a process's memory at its peak is a round's scoring; at a whole city, 5 M records on
#: two processes, two rounds each take about 0.4 GB less at the peak than one).
ROUND_RECORDS = 1_500_000
#: Records all the processes score at once, at most (two rounds of :data:`ROUND_RECORDS`):
#: with more cores, each process's rounds are smaller (:func:`round_records`).
IN_FLIGHT_RECORDS = 2 * ROUND_RECORDS

#: The start of the name of the temporary folder the workers send their scores through; the
#: process that made it follows (``points-score-PID-…``: the folder of a run ended at once is
#: removed by the next, :func:`points.vocab.forking.sweep_leftovers`).
_TEMPORARY = "points-score-"

#: What runs on a part's scores in the process that scored them (the score cache stores its
#: chunks' entries there), given the part's number.
After = Callable[[int, MemberScores], None]


def record_count(records: Records) -> int:
    """The records the members are scored from (every table but the roster)."""
    return sum(len(getattr(records, name)) for name in RECORD_TABLES)


def core_parts(records: Records, workers: int | None) -> int:
    """How many processes score ``records``: ``workers`` when given (at least 1; forked
    processes are used only where :func:`can_fork`); by default one a usable core
    (:func:`~points.vocab.forking.worker_count`) from :data:`PARALLEL_RECORDS` records on,
    else one (this process)."""
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ArgumentError(f"workers（并行进程数）：应为 ≥ 1 的整数或 None，实际是 {workers!r}")
        return workers if can_fork() else 1
    if record_count(records) < PARALLEL_RECORDS or not can_fork():
        return 1
    return worker_count()


def round_records(processes: int) -> int:
    """Records a process scores at once, at most, when ``processes`` score side by side:
    :data:`ROUND_RECORDS`, less for more than two processes, so that all of them together
    hold no more than two would (:data:`IN_FLIGHT_RECORDS`: the memory at the peak does not
    grow with the cores)."""
    return max(1, min(ROUND_RECORDS, IN_FLIGHT_RECORDS // max(1, processes)))


def part_count(records: Records, processes: int) -> int:
    """How many parts ``processes`` processes score ``records`` in: one each, or several each
    (in rounds) when a process's share is over :func:`round_records` — one process too (a
    machine or container with one usable core), so that no process scores more than
    :data:`ROUND_RECORDS` records at once however few the cores."""
    processes = max(1, processes)
    rounds = -(-record_count(records) // (processes * round_records(processes)))
    return processes * max(1, rounds)


@attrs.frozen
class _Job:
    """What the forked workers score (set before they are forked)."""

    records: Records
    ruleset: Ruleset
    calendar: Calendar
    parts: dict[str, np.ndarray]
    folder: Path
    after: After | None


_JOB: _Job | None = None
_LOCK = threading.Lock()
#: A worker's frames: each frame's name, its schema (serialized) and its columns' files.
Sent = list[tuple[str, bytes, list[str]]]


def _score(job: _Job, k: int) -> MemberScores:
    """Part ``k`` scored (and handed to ``job.after``) in this process."""
    scores = score_members(records_of(job.records, job.parts, [k]), job.ruleset, job.calendar)
    if job.after is not None:
        job.after(k, scores)
    return scores


_BUSY = False  # in a worker: scoring its part (an interrupt is then the part's outcome)


def _quiet_when_done() -> None:
    """In a worker, first: Ctrl-C (which reaches every process of the command) while it waits
    for its part or for the pool to close ends it quietly, not with a traceback on the
    user's screen; while it scores, the interrupt is its part's outcome, as before (this
    process, interrupted too, stops)."""
    def interrupted(number: int, frame: object) -> None:
        if _BUSY:
            raise KeyboardInterrupt
        raise SystemExit(128 + number)  # (a worker's quiet exit: nothing of it to clean up)

    signal.signal(signal.SIGINT, interrupted)
    # SIGTERM ends a worker at once, as it would have without the command's handler (which
    # stops the command as Ctrl-C does): its part is then scored here
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _worker(k: int) -> Sent | None:
    """In a worker: part ``k`` scored, each column of each of its frames written to a file
    of its own as Arrow IPC (so that this process can free the columns one by one, see
    :func:`_one_chunk`); None when they cannot be (the parent scores the part itself)."""
    global _BUSY
    if _JOB is None:  # pragma: no cover - a worker is only forked with the job set
        raise RuntimeError("no job")
    sent: Sent = []
    _BUSY = True
    try:
        scores = _score(_JOB, k)  # (out of memory here: the parent, its workers done, may not be)
        tables = entry_tables(scores)
        del scores
        for i, (name, table) in enumerate(tables):  # once per frame and column
            paths = [str(_JOB.folder / f"{k}-{i}-{j}.arrow") for j in range(table.num_columns)]
            for path, field, column in zip(paths, table.schema, table.columns, strict=True):
                with pa.OSFile(path, "wb") as sink:
                    write_ipc(sink, pa.table([column], schema=pa.schema([field])),
                              compress=False)
            sent.append((name, table.schema.serialize().to_pybytes(), paths))
    except (*UNCONVERTIBLE, OSError, MemoryError):
        return None
    finally:
        _BUSY = False
    return sent


def _receive(sent: Sent | None, job: _Job, k: int) -> MemberScores:
    """A worker's scores from its files (each mapped, then removed), or part ``k`` scored
    here when the worker could not send them or its files cannot be used (removed or damaged
    meanwhile: a cleaner of the temporary folder, a full disk)."""
    entry = None if sent is None else _read_sent(sent)
    if entry is None:
        return _score(job, k)
    return entry_scores(entry, job.ruleset, job.calendar)


def _read_sent(sent: Sent) -> Entry | None:
    """The frames a worker sent, each file mapped, then removed; None when one cannot be
    (the others are removed with the temporary folder)."""
    entry: Entry = {}
    try:
        for name, schema, paths in sent:  # once per frame and column
            columns = []
            for path in paths:  # mapped, not read: the text stays where the worker wrote it
                columns.append(map_ipc(Path(path)).column(0))
                os.unlink(path)  # (its pages go when the last column using them does)
            table = pa.Table.from_arrays(columns,
                                         schema=pa.ipc.read_schema(pa.py_buffer(schema)))
            entry.setdefault(name, []).append(table)
    except (OSError, pa.ArrowException):
        return None
    return entry


def _one_chunk(scores: MemberScores) -> MemberScores:
    """``scores`` with each text column in one piece, as one run makes it: combining the
    parts leaves a column of many slices (of each part's), which the writer would copy whole
    (an address at a time is the ledger's largest). A column at a time is copied, its pieces
    freed before the next (each part's columns are buffers of their own)."""
    tables: dict[str, Any] = {}
    for field in _FRAMES:  # once per frame and column
        frame: pd.DataFrame = getattr(scores, field)
        out = {}
        for name in list(frame.columns):
            values = frame.pop(name)
            array = values.array
            if isinstance(array, pd.arrays.ArrowStringArray):
                whole = pa.chunked_array(pa.array(array))
                if whole.num_chunks > 1:
                    one = pa.chunked_array([whole.combine_chunks()], type=whole.type)
                    del whole, array
                    text = type(values.array)(one, dtype=values.dtype)
                    values = pd.Series(text, name=name, index=values.index)
                    pa.default_memory_pool().release_unused()
            out[name] = values
        tables[field] = pd.DataFrame(out, columns=list(out))
    return attrs.evolve(scores, **tables)


#: The frames of :class:`~points.score.MemberScores` made whole in :func:`_one_chunk`.
_FRAMES = ("members", "ledger", "totals", "monthly", "events", "logs")


def _gather(futures: dict[int, Future[Sent | None]], job: _Job, parts: int,
            told: Callable[[int], None]) -> list[MemberScores]:
    """The parts not sent to the workers (``futures``, by part) scored here, in turn, while
    the workers score theirs; every part's scores in order."""
    out: dict[int, MemberScores] = {}
    for k in range(parts):
        if k not in futures:
            out[k] = _score(job, k)
            told(k)
    for k, future in futures.items():
        try:
            sent = future.result()
        except BrokenProcessPool:  # the worker died (out of memory, killed): score it here
            sent = None
        out[k] = _receive(sent, job, k)
        told(k)
    return [out[k] for k in range(parts)]


def score_parts(records: Records, ruleset: Ruleset, calendar: Calendar,
                roster_part: np.ndarray, parts: int, *, rows: dict[str, np.ndarray] | None = None,
                after: After | None = None, progress: Progress | None = None,
                processes: int | None = None) -> list[MemberScores]:
    """The members of ``records`` scored in ``parts`` parts (``roster_part``: each roster row's
    part, 0 … ``parts`` - 1; records of members on no roster go with part 0) by ``processes``
    processes side by side (default: one a part), each scoring its parts in turn: part ``k``
    by process ``k % processes``, process 0 being this one, the others forked workers; each
    part's scores, in part order, for :func:`.partition.combine_scores` (the record-level
    issues are left to it). ``after`` runs on each part's scores in the process that scored
    them. ``progress`` is told of the branches scored as parts finish."""
    sizes = records.roster["branch"].groupby(roster_part).nunique()
    branches = sizes.reindex(range(parts), fill_value=0).tolist()
    tell(progress, "score", 0, sum(branches))
    done: list[int] = []

    def told(k: int) -> None:
        done.append(branches[k])
        tell(progress, "score", sum(done), sum(branches))

    in_parts = record_parts(records, roster_part, rows)
    processes = min(processes or parts, parts)
    if processes < 2:  # one process: every part here, in turn
        return _in_turn(_Job(records, ruleset, calendar, in_parts, Path(), after), parts, told)
    try:
        sweep_leftovers(Path(tempfile.gettempdir()), _TEMPORARY)  # (of runs ended at once)
        folder = Path(tempfile.mkdtemp(prefix=f"{_TEMPORARY}{os.getpid()}-"))
    except OSError:  # no temporary folder to send scores through: every part here
        return _in_turn(_Job(records, ruleset, calendar, in_parts, Path(), after), parts, told)
    try:
        job = _Job(records, ruleset, calendar, in_parts, folder, after)
        forked = _fork(job, parts, processes)
        if forked is None:  # the system would not fork: every part here
            return _in_turn(job, parts, told)
        pool, futures = forked
        with pool:
            return _gather(futures, job, parts, told)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)


def _fork(job: _Job, parts: int, processes: int
          ) -> tuple[ProcessPoolExecutor, dict[int, Future[Sent | None]]] | None:
    """``processes`` - 1 workers forked, scoring the parts of ``job`` that are not this
    process's (each ``k`` with ``k % processes`` not 0, in turn; by part); None when the
    system refuses (out of processes, pipes or memory; no named semaphores)."""
    global _JOB  # the forked workers find the job here
    written()  # (the records entry being kept: done before the memory is handed back)
    with _LOCK, warnings.catch_warnings():  # (one job forked at a time)
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: "fork() may deadlock"
        _JOB = job
        # What the workers share with this process stays shared: memory the allocators keep
        # for later is handed back first (this process would reuse it, a copy each), and the
        # objects made so far are out of the workers' garbage collections (which would touch,
        # and so copy, each of them)
        release_memory()
        frozen = gc.get_freeze_count()  # (a caller's own frozen objects stay frozen)
        gc.freeze()
        pool = None
        try:  # the workers are forked by the first submit, each with the job
            pool = ProcessPoolExecutor(processes - 1,
                                       mp_context=multiprocessing.get_context("fork"),
                                       initializer=_quiet_when_done)
            return pool, {k: pool.submit(_worker, k) for k in range(parts) if k % processes}
        except (OSError, NotImplementedError):  # (no pipe, no process, no memory for one;
            # no named semaphores: some containers and serverless hosts lack /dev/shm)
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            return None
        finally:
            _JOB = None
            if not frozen:
                gc.unfreeze()


def _in_turn(job: _Job, parts: int, told: Callable[[int], None]) -> list[MemberScores]:
    """Every part scored here, one after another."""
    out = []
    for k in range(parts):
        out.append(_score(job, k))
        told(k)
    return out


def score_combined(records: Records, ruleset: Ruleset, calendar: Calendar,
                   roster_part: np.ndarray, parts: int, *,
                   rows: dict[str, np.ndarray] | None = None, after: After | None = None,
                   progress: Progress | None = None, processes: int | None = None
                   ) -> MemberScores:
    """:func:`score_parts`, the parts combined as one run would have made them (the
    record-level issues of ``records`` added once), each text column in one piece."""
    scored = score_parts(records, ruleset, calendar, roster_part, parts, rows=rows, after=after,
                         progress=progress, processes=processes)
    combined = combine_scores(records, scored)
    del scored  # (the parts' columns are freed as they are made whole)
    return _one_chunk(combined)


def score_cores(records: Records, ruleset: Ruleset, calendar: Calendar, parts: int,
                progress: Progress | None = None) -> MemberScores:
    """:func:`points.score.score_members` on ``records`` in ``parts`` processes (see
    :func:`core_parts`), each in rounds past its share (:func:`part_count`; one process too),
    combined as one run would have made them."""
    processes = parts
    rounds = part_count(records, processes)
    # (a roster with a member twice, changed after Records checked it, is not split: as in
    # the score cache)
    if rounds < 2 or not records.roster["member_id"].is_unique:
        return score_local(records, ruleset, calendar, progress)
    rows = roster_rows(records)
    # equal parts: this process's extra work (splitting, then combining) is about what the
    # fork costs a worker (the pages it copies) and sending its scores back
    roster_part, parts = branch_parts(records, rounds, rows)
    if parts < 2:  # one branch
        return score_local(records, ruleset, calendar, progress)
    return score_combined(records, ruleset, calendar, roster_part, parts, rows=rows,
                          progress=progress, processes=min(processes, parts))
