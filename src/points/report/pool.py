"""Writing many workbooks side by side: worker processes forked from this one, each writing
its share as temporary files that this process adopts (see :func:`.files.held`), so that the
run stays all or nothing and every file is the same as when written here.

The workers are forked (Linux), as :mod:`points.read` forks its scanners: they see the
assessment without copying or pickling it, and a caller's script needs no
``if __name__ == "__main__"`` guard. Elsewhere, and for a few workbooks, they are written here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import warnings
from collections.abc import Callable, Generator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from ..vocab.forking import can_fork, worker_count
from .files import adopt, discard, held

__all__ = ["PARALLEL_ITEMS", "run_chunks", "workers"]

#: At least this many workbooks are written by worker processes (fewer: here; a worker costs
#: about as much to start as a small workbook to write).
PARALLEL_ITEMS = 8

Work = Callable[[list[int]], None]
Staged = list[tuple[Path, Path]]
_WORK: Work | None = None  # what the forked workers run (set before they are forked)
_LOCK = threading.Lock()


def workers(items: int) -> int:
    """How many processes write ``items`` workbooks: one a usable core (at most
    :data:`~points.vocab.forking.MAX_PROCESSES`, see :func:`~points.vocab.forking.worker_count`)
    for :data:`PARALLEL_ITEMS` or more where processes can be forked (Linux, not from a daemonic
    process: a worker of the caller's own ``multiprocessing.Pool``), else one (this one)."""
    if items < PARALLEL_ITEMS or not can_fork():
        return 1
    return worker_count(items)


def _run(items: list[int]) -> Staged:
    """In a worker: ``_WORK(items)``, its files left as temporaries for the parent."""
    if _WORK is None:  # pragma: no cover - a worker is only forked with the work set
        raise RuntimeError("no work")
    with held() as staged:
        _WORK(items)
    return staged


def _abandon(futures: list[Future[Staged]]) -> None:
    """After a failure: cancel what has not started; remove what the others wrote."""
    for future in futures:
        future.cancel()
    for future in futures:
        if not future.cancelled():
            with contextlib.suppress(BaseException):  # (a worker that failed kept nothing)
                discard(future.result())


def run_chunks(work: Work, items: list[int]) -> Generator[int, None, None]:
    """Call ``work`` on chunks of ``items`` (in order, in worker processes when there are many,
    see :func:`workers`) within the :func:`.files.all_or_nothing` block under way; yield how
    many items are done after each chunk. On failure nothing any chunk wrote is kept."""
    global _WORK  # the forked workers find the work here
    n = workers(len(items))
    with _LOCK:  # (one run's workers at a time: another thread's run writes here)
        if n > 1 and _WORK is None:
            _WORK = work
        else:
            n = 1
    if n == 1:
        for count, item in enumerate(items, 1):
            work([item])
            yield count
        return
    size = max(1, min(16, len(items) // (8 * n)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    try:
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork")) as pool:
            with warnings.catch_warnings():  # 3.12+: "multi-threaded, fork() may deadlock"
                warnings.simplefilter("ignore", DeprecationWarning)
                futures = [pool.submit(_run, chunk) for chunk in chunks]
            done = 0
            try:
                for chunk, future in zip(chunks, futures, strict=True):
                    adopt(future.result())
                    done += len(chunk)
                    yield done
            except BaseException:
                _abandon(futures)
                raise
    finally:
        _WORK = None
