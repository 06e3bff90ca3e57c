"""Reading: the workbooks branches keep → canonical :class:`~points.Records`, without rules.

Two phases: :mod:`.scan` reads each file on its own (in worker processes when the input is
large) and :mod:`.merge` puts the scans together; the roster is built and people matched in
:mod:`.roster`, the tables assembled in :mod:`.tables`. Sheet shapes are recognised in
:mod:`.sheet` with the words of :mod:`.lexicon`; dates in :mod:`.dates`; file access in
:mod:`.workbook`. Marks and activity names are kept as written: the same files give the same
records whatever ruleset scores them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import warnings
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import attrs
import numpy as np
import pandas as pd

from ..records import Records
from ..rules.model import Ruleset
from ..vocab.errors import ArgumentError, ReaderError
from ..vocab.forking import can_fork as _fork
from ..vocab.forking import worker_count
from ..vocab.issues import concat_issues, make_issues
from ..vocab.progress import Progress, tell
from ..vocab.store import cache_folder
from . import lastrun, stamps
from .arrays import no_gc
from .cache import KEEP_BYTES, Content, Sent, lookup, scan_and_store, scan_to_send
from .files import collect_inputs
from .lexicon import HEADERS
from .merge import FILE_KEY, Merger
from .roster import build_roster, resolve_people
from .scan import FileScan
from .scores import score_tables
from .tables import build_tables

__all__ = ["HEADERS", "read_workbooks"]

#: Inputs at least this large (bytes, all files) are scanned by worker processes.
PARALLEL_BYTES = 4_000_000


def _workers(workers: int | None, files: list[str]) -> int:
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ArgumentError(f"workers（并行进程数）：应为 ≥ 1 的整数或 None，实际是 {workers!r}")
        # a daemonic process (a worker of the caller's own multiprocessing.Pool) may not
        # have children: it reads here
        return 1 if multiprocessing.current_process().daemon else max(1, min(workers, len(files)))
    size = sum(os.path.getsize(f) for f in files if os.path.isfile(f))
    if len(files) < 2 or size < PARALLEL_BYTES or not _fork():
        return 1
    return worker_count(len(files))


def _pool(n: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("fork" if _fork() else "spawn")
    return ProcessPoolExecutor(n, mp_context=context)


#: Files not in the scan cache handed to a worker process at a time, at most (fewer when there
#: are few files): the pool starts with the first batch, while the rest are looked up.
BATCH = 16


def _scan_batch(paths: list[str], year: int | None, folder: Path | None,
                contents: list[Content | None]) -> list[Sent]:
    """The unit of work of a worker process: each path scanned and stored, sent back as its
    cache entry's bytes (:func:`.cache.scan_to_send`)."""
    return [scan_to_send(p, year, folder, c) for p, c in zip(paths, contents, strict=True)]


def _scan_all(files: list[str], year: int | None, workers: int | None, folder: Path | None,
              progress: Progress | None) -> list[FileScan]:
    """Every file's scan, in the order of ``files``: from the cache folder when it holds the
    file's present content, the others scanned (and stored). With more than one worker, a
    batch of :data:`BATCH` files missing from the cache goes to the pool as soon as it is
    found, so the workers scan while the parent looks up the rest; fewer missing files than
    a batch are scanned here (a re-run that reads all files but one or two from the cache)."""
    tell(progress, "scan", 0, len(files))
    n = _workers(workers, files)
    size = max(1, min(BATCH, len(files) // (4 * n)))  # a few batches a worker at least
    scans: list[FileScan | None] = [None] * len(files)
    batch: list[tuple[int, Content | None]] = []  # (file, the bytes read for the lookup)
    sent: list[tuple[list[int], Future[list[Sent]]]] = []
    kept = done = 0  # the bytes handed on (a worker reads a file itself beyond KEEP_BYTES)
    with warnings.catch_warnings():  # 3.12+: "multi-threaded, fork() may deadlock" (see _fork)
        warnings.simplefilter("ignore", DeprecationWarning)
        with contextlib.ExitStack() as stack:
            pool: ProcessPoolExecutor | None = None

            def send(part: list[tuple[int, Content | None]]) -> None:
                assert pool is not None
                at = [i for i, _ in part]
                sent.append((at, pool.submit(_scan_batch, [files[i] for i in at], year, folder,
                                             [c for _, c in part])))
            for i, f in enumerate(files):
                scan, content = (None, None) if folder is None else lookup(folder, f, year,
                                                                            kept < KEEP_BYTES)
                if scan is not None:
                    scans[i], done = scan, done + 1
                    tell(progress, "scan", done, len(files))
                    continue
                kept += len(content.data) if content is not None else 0
                batch.append((i, content))
                if n > 1 and len(batch) == size:
                    if pool is None:
                        pool = stack.enter_context(_pool(n))
                        # a failed batch (an unreadable file named explicitly) stops the rest
                        stack.callback(lambda: [future.cancel() for _, future in sent])
                    send(batch)
                    batch = []
            if pool is not None and batch:
                send(batch)
            elif batch:  # (one process, or too few files missing to start one)
                for i, content in batch:
                    scans[i], done = scan_and_store(files[i], year, folder, content), done + 1
                    tell(progress, "scan", done, len(files))
            for at, future in sent:
                for i, back in zip(at, future.result(), strict=True):
                    scans[i], done = back.received(), done + 1
                    tell(progress, "scan", done, len(files))
    return [s for s in scans if s is not None]


def _skipped(skipped: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """One ``skipped_file`` issue per file not read, at the file's path."""
    frame = pd.DataFrame(list(skipped), columns=["path", "reason"], dtype="string")
    return make_issues("skipped_file", frame["reason"], frame["path"])


def read_workbooks(paths: str | Path | Iterable[str | Path], ruleset: Ruleset | None = None, *,
                   year: int | None = None, workers: int | None = None,
                   cache: str | Path | None = None, progress: Progress | None = None) -> Records:
    """Read workbooks (files, or folders of them) into canonical :class:`~points.Records`.

    ``paths``: files and folders. ``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods`` and
    list-form ``.csv`` files are read; in a folder, every other file (and every workbook
    ``points`` wrote) is a ``skipped_file`` data issue with the reason, while a file named
    explicitly that cannot be read raises :class:`points.WorkbookError`.
    The roster, sign-in sheets and logs may be spread over several files and sheets; each
    sheet's kind is recognised by its header row. Marks (``√``, ``请假`` …) and activity names
    are kept as written: :func:`points.assess` resolves them under the ruleset it scores
    with, so one reading serves every ruleset. ``ruleset`` is accepted for compatibility and
    changes nothing. ``year`` is used for dates written without a year when neither the
    sheet's title, its name nor the file name gives one. Problems in the cells are data
    issues in ``Records.issues``; a file that is not a readable workbook raises
    :class:`points.WorkbookError`, and files without any roster sheet raise
    :class:`points.ReaderError`.

    ``workers``: processes that read files side by side. By default one a core this process
    may use (at most 8 and at most one a file: :func:`points.vocab.forking.worker_count`)
    on Linux when the files add up to 4 MB or more, else 1; elsewhere ask for them
    explicitly (they are spawned, so a script needs an ``if __name__ == "__main__"`` guard).
    The result is the same either way.

    ``cache``: a cache folder (made if missing). The records read are kept there with each
    row's file (:mod:`points.read.lastrun`), so a later run reads again only the files that
    changed and puts their records in their files' places; each file's scan is kept by the
    file's content (:mod:`points.read.cache`), for when every file must be matched again (a
    file with roster rows changed). The result is the same as without it, row for row; the
    folder can be deleted at any time (the records are kept by a background thread once this
    returns: :func:`points.vocab.store.written` waits for it, as the next call on the folder,
    a fork and the interpreter's exit do). ``progress``: a callback told of the files scanned
    (see :mod:`points.vocab.progress`).
    """
    del ruleset  # reading does not depend on the rules
    inputs = collect_inputs([paths] if isinstance(paths, str | Path) else paths)
    if not inputs.files:
        found = "；".join(f"{Path(p).name}：{why}" for p, why in inputs.skipped[:5])
        raise ReaderError("没有可读取的表格文件（.xlsx、.xlsm、.xlsb、.xls、.ods、.csv）"
                          + (f"：{found}" if found else ""))
    folder = cache_folder(cache)
    files = list(inputs.files)
    looked = None if folder is None else stamps.looked(files)  # (before any file is hashed)
    with no_gc():
        again = None if folder is None or looked is None else _read_again(folder, files, inputs.skipped, year,
                                                                        workers, progress, looked)
        if again is not None:
            return again
        scans = _scan_all(files, year, workers, folder, progress)
        roster, tables, keys, issues = _assemble(scans, None)
        records = Records.from_frames(roster=roster, **tables, issues=concat_issues(
            [*issues, _skipped(inputs.skipped)]))
        records = attrs.evolve(records, files=tuple((s.path, s.sha256) for s in scans))
        read = lastrun.read_files(scans)
        if folder is not None and looked is not None:
            lastrun.store(folder, year, records, keys, read, looked)
    return lastrun.traced(records, year, read, keys)


def _assemble(scans: list[FileScan], roster: pd.DataFrame | None) -> tuple[
        pd.DataFrame, dict[str, pd.DataFrame | None], dict[str, np.ndarray], list[pd.DataFrame]]:
    """The roster of ``scans`` (built from them unless given), their record tables, the file
    key of each table's rows (:mod:`.lastrun`), and the data issues found."""
    merger = Merger()
    for scan in scans:
        merger.merge(scan)
    roster = build_roster(merger) if roster is None else roster
    people = resolve_people(merger, roster)
    tables = {**build_tables(merger, people), **score_tables(merger, people)}
    keys = {name: frame.pop(FILE_KEY).to_numpy(dtype="int64")
            for name, frame in tables.items() if frame is not None}
    return roster, tables, keys, [*merger.issues, *merger.cell_issue_frames()]


def _after(progress: Progress | None, before: int, total: int) -> Progress | None:
    """``progress`` told of the files scanned after ``before`` others, of ``total``."""
    if progress is None:
        return None
    told = progress

    def tell_after(step: str, done: int, _: int) -> None:
        if done:
            told(step, before + done, total)
    return tell_after


def _read_again(folder: Path, files: list[str], skipped: tuple[tuple[str, str], ...],
                year: int | None, workers: int | None, progress: Progress | None,
                looked: stamps.Looked) -> Records | None:
    """The records of ``files`` from the folder's last run, only the files changed since
    read again (:mod:`.lastrun`); None when the last run cannot serve (then every file is
    read, from the scan cache where it can)."""
    last = lastrun.load(folder, year)  # (mapped, not unpacked)
    if last is None:
        return None
    now = stamps.digests(files, last.settled(), looked)
    todo = lastrun.changed(last, now)
    if todo is None:
        return None
    tell(progress, "scan", 0, len(files))
    if len(todo) < len(files):  # as the scan cache tells it: the files kept, at once
        tell(progress, "scan", len(files) - len(todo), len(files))
    scans = _scan_all(todo, year, workers, folder, _after(progress, len(files) - len(todo),
                                                          len(files))) if todo else []
    if any(scan.parts["roster"] for scan in scans):
        return None  # a file gained roster rows: every record is matched again
    roster, tables, keys, issues = _assemble(scans, last.roster())
    fresh = attrs.evolve(Records.from_frames(  # (the kept roster was checked when kept)
        roster=roster.iloc[:0], **tables, issues=concat_issues(issues)), roster=roster)
    return lastrun.update(folder, year, last, now, fresh, keys, todo, _skipped(skipped), looked)
