"""Whether worker processes may be forked from this one: where that is safe and cheap
(Linux: nothing is re-imported, and a caller's script needs no ``if __name__ == "__main__"``
guard) and allowed (not from a daemonic process, a worker of the caller's own
``multiprocessing.Pool``, which may not have children). Reading, scoring on the machine's
cores and writing many workbooks fork their workers only then, as many as
:func:`worker_count` says: the cores this process may use (its CPU affinity, as ``taskset``
or a batch system sets it, and a container's CPU quota), at most :data:`MAX_PROCESSES`."""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import shutil
import sys
from pathlib import Path

__all__ = ["MAX_PROCESSES", "can_fork", "process_alive", "run_pid", "sweep_leftovers",
           "usable_cores", "worker_count"]

#: Processes a stage runs side by side by default, at most. Past this the stages' single-core
#: steps (merging the files' scans, judging, writing the summary workbook: about 13 s of a
#: whole city's 48 s on two cores) take most of the time, while each process costs memory.
MAX_PROCESSES = 8
#: A container's CPU quota (cgroup v2: ``max 100000``, or ``200000 100000`` for two cores'
#: worth), and the same in cgroup v1's two files.
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
CPU_V1 = (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))


def can_fork() -> bool:
    """Worker processes may be forked here (see the module)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def _quota(cpu_max: Path, cpu_v1: tuple[Path, Path]) -> int | None:
    """The cores a container's CPU quota is worth (rounded up: 1.5 cores' worth keeps two
    processes busy), or None when there is no quota or it cannot be read."""
    try:
        quota, period = cpu_max.read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota, period = (path.read_text().strip() for path in cpu_v1)
        except (OSError, ValueError):
            return None
    try:
        share = int(quota) / int(period)
    except (ValueError, ZeroDivisionError):  # "max" (v2) or unreadable
        return None
    return max(1, math.ceil(share)) if share > 0 else None  # (v1: -1 for no quota)


def usable_cores(cpu_max: Path = CPU_MAX, cpu_v1: tuple[Path, Path] = CPU_V1) -> int:
    """The cores this process may run on: those its CPU affinity allows (all of the machine's
    unless ``taskset``, ``numactl`` or a batch system says fewer), fewer when a container's
    CPU quota is worth less; at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # (not on Linux)
        cores = os.cpu_count() or 1
    quota = _quota(cpu_max, cpu_v1)
    return max(1, min(cores, quota) if quota is not None else cores)


def worker_count(items: int | None = None) -> int:
    """How many processes a stage runs side by side by default: the :func:`usable_cores`, at
    most :data:`MAX_PROCESSES` and, for ``items`` units of work, at most one a unit."""
    most = MAX_PROCESSES if items is None else min(MAX_PROCESSES, items)
    return max(1, min(usable_cores(), most))


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
