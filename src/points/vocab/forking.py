"""Whether worker processes may be forked from this one: where that is safe and cheap
(Linux: nothing is re-imported, and a caller's script needs no ``if __name__ == "__main__"``
guard) and allowed (not from a daemonic process, a worker of the caller's own
``multiprocessing.Pool``, which may not have children). Reading, scoring on both cores and
writing many workbooks fork their workers only then."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import sys
from pathlib import Path

__all__ = ["can_fork", "process_alive", "run_pid", "sweep_leftovers"]


def can_fork() -> bool:
    """Worker processes may be forked here (see the module)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (or may: one of another user, which this one may not
    signal). What a run left behind is removed only once its process is gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def run_pid() -> int:
    """The process of the run this one works for: its parent for a worker of
    :mod:`multiprocessing` (forked or spawned: the writers, the scorers, the scanners), else
    itself. Temporary files are named by it, so that they are never taken for a leftover
    while the run goes on, even once the worker that wrote one has ended."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None and parent.pid else os.getpid()


def sweep_leftovers(parent: Path, prefix: str) -> None:
    """Remove the folders ``prefix`` + ``PID-…`` in ``parent`` that this user's runs left
    behind when they were ended at once (``kill -9``): named by a process that no longer runs,
    owned by this user. A run removes its own folder when it ends in any other way."""
    with contextlib.suppress(OSError):
        for path in parent.glob(prefix + "*-*"):  # once per such folder
            pid = path.name[len(prefix):].split("-", 1)[0]
            with contextlib.suppress(OSError):
                if (pid.isdigit() and path.is_dir() and not path.is_symlink()
                        and path.stat().st_uid == os.getuid() and not process_alive(int(pid))):
                    shutil.rmtree(path, ignore_errors=True)
