"""The score cache's entries made ready while the files are read: a re-run after one file
changed reads the files on one core (the scan cache, :mod:`points.read.cache`) while the other
is idle, then needs almost every chunk's entry (:mod:`.cache`). A forked process reads the
entries of the kind of run (ruleset, period, program) used last and writes their tables
uncompressed to a memory-backed folder (``/dev/shm``); scoring maps those files (no copy,
no decompression: the tables are the files' pages) instead of reading each entry itself.
Scoring asks for the entries in the reverse of the process's order and reads itself any
that is not made yet (the process then passes it over): the two meet in the middle, each
core unpacking about half, and nobody waits.

Only where that is cheap and safe: Linux (fork, before any thread is started), a
``/dev/shm`` with room for the tables (five times the entries' size), and entries to fetch.
Elsewhere nothing changes. The result never depends on it: an entry the process did not
make is read as before, one of another kind of run is never used (:class:`.cache._Loads`),
and the folder is removed when the run ends, the process stopped if it still runs. A run
ended at once (``kill -9``, the system out of memory) cannot remove its folder, whose files
hold memory until the machine restarts: each folder is named by the process that made it, and
the next run removes the folders of processes of this user that no longer run; the forking
process dies with the run (Linux's parent-death signal) instead of filling its folder.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from ..vocab.forking import sweep_leftovers
from ..vocab.store import map_ipc, write_ipc
from .cache import AHEAD, Entry, read_entry
from .groups import entry_groups, kept_keys, last_used

__all__ = ["prefetching"]

#: The memory-backed folder the tables are written to (Linux).
SHM = Path("/dev/shm")
#: Room needed in :data:`SHM`, as a multiple of the entries' (compressed) size.
_ROOM = 5


def _last_group(folder: Path) -> tuple[str, int]:
    """The kind of run whose entry was used last (see :func:`.cache._keep`) and the bytes of
    its entries; ("", 0) when there are none."""
    groups = entry_groups(folder)
    group = last_used(groups)
    return ("", 0) if group is None else (group, groups[group].size)


def _fetch(folder: Path, keys: list[str], into: Path) -> None:
    """In the forked process: each entry's tables written to ``into`` (one file a table, then
    a list of them: an entry is ready once its list is there), in the order of ``keys``; an
    entry scoring has taken to read itself (``KEY.taken``) is passed over."""
    for key in keys:
        if (into / f"{key}.taken").exists():
            continue
        entry = read_entry(folder, key)
        if entry is None:
            continue
        names = []
        for name, tables in entry.items():
            for number, table in enumerate(tables):
                file = f"{key}.{name}.{number}.arrow"
                with pa.OSFile(str(into / file), "wb") as sink:
                    write_ipc(sink, table, compress=False)
                names.append([name, file])
        (into / f"{key}.tmp").write_text(json.dumps(names))
        os.replace(into / f"{key}.tmp", into / f"{key}.json")


class _Fetched:
    """The entries a forked process makes ready in ``into`` (see :class:`.cache.Ahead`)."""

    def __init__(self, folder: Path, group: str, into: Path) -> None:
        self.group, self.into = group, into
        self.keys = keys = kept_keys(folder, group)
        parent = os.getpid()
        with warnings.catch_warnings():  # 3.12+: "multi-threaded, fork() may deadlock" (see
            warnings.simplefilter("ignore", DeprecationWarning)  # prefetching: none started)
            self.pid = os.fork()
        if self.pid == 0:  # the child: fetch, then leave at once (no cleanup of the parent's)
            code = 0
            try:
                _die_with_parent(parent)
                _fetch(folder, keys, into)
            except BaseException:  # anything: the parent reads what is missing itself
                code = 1
            os._exit(code)

    def _wait(self) -> None:
        if self.pid:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0

    def _running(self) -> bool:
        """The process is still making entries."""
        if self.pid:
            try:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                done = self.pid
            if done:
                self.pid = 0
        return bool(self.pid)

    def entry(self, key: str) -> Entry | None:
        """The entry of ``key`` when it is made; None when it is not, at once: while the
        process still runs, it is told to pass the entry over (the caller reads it itself,
        on this core, while the process goes on with the others: both cores at work)."""
        ready = self.into / f"{key}.json"
        if not ready.exists() and self._running():
            with contextlib.suppress(OSError):
                (self.into / f"{key}.taken").touch()
            if not ready.exists():  # (else made meanwhile: taken from here after all)
                return None
        try:
            names = json.loads(ready.read_text())
            entry: Entry = {}
            for name, file in names:
                entry.setdefault(name, []).append(map_ipc(self.into / file))
        except Exception:  # not made (or damaged): read from the cache folder instead
            return None
        return entry

    def close(self) -> None:
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait()
        shutil.rmtree(self.into, ignore_errors=True)  # (mapped tables stay valid)


def _die_with_parent(parent: int) -> None:
    """In the forked process: be killed when the parent ends (``prctl(PR_SET_PDEATHSIG)``),
    so that a run killed at once does not leave it filling its folder; nothing if the C
    library will not (the folder is then removed by the next run:
    :func:`points.vocab.forking.sweep_leftovers`)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # (the parent ended before the call: end now)
            os._exit(1)


#: The start of a prefetch folder's name; the process that made it follows (``points-PID-…``).
_PREFIX = "points-"


def _start(folder: Path) -> _Fetched | None:
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return None
    sweep_leftovers(SHM, _PREFIX)  # (what runs ended at once left there)
    group, size = _last_group(folder)
    try:
        if not size or shutil.disk_usage(SHM).free < _ROOM * size:
            return None
        into = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=SHM))
    except OSError:
        return None
    try:
        return _Fetched(folder, group, into)
    except OSError:
        shutil.rmtree(into, ignore_errors=True)
        return None


@contextlib.contextmanager
def prefetching(folder: Path | None) -> Iterator[None]:
    """Within the block, the score entries of the cache ``folder`` (None: no cache) are made
    ready beside the work of the block (the files being read), for :func:`.cache.score_cached`
    to take. Start the block before any thread is started (the process forks)."""
    fetched = None if folder is None or not folder.is_dir() else _start(folder)
    if fetched is None:
        yield
        return
    where = folder.resolve() if folder is not None else Path()
    AHEAD[where] = fetched
    try:
        yield
    finally:
        AHEAD.pop(where, None)
        fetched.close()
