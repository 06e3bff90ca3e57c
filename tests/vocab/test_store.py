"""vocab/store.py and report/files.py: what a run ended at once (``kill -9``) left behind — its
temporary files, named by its process — is removed by a later run, and nothing else is."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from points.backends import cores
from points.report import files
from points.vocab.store import atomic_write, prune

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="files are told by their owner")


@pytest.fixture(scope="module")
def gone() -> int:
    """The number of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def _an_hour_ago(*paths: Path) -> None:
    for path in paths:
        os.utime(path, (time.time() - 3600, time.time() - 3600))


def test_a_cache_folders_temporaries_of_a_run_gone_are_pruned(tmp_path: Path, gone: int) -> None:
    left = tmp_path / f".tmp-{gone}-k2x9.arrow"  # half an entry of a run killed an hour ago
    mine = tmp_path / f".tmp-{os.getpid()}-a1b2.arrow"  # one this process is writing
    old = tmp_path / ".tmp-a1b2c3.arrow"  # named before processes named them: left alone
    just = tmp_path / f".tmp-{gone}-j5j5.arrow"  # a process gone a moment ago: left a while
    for path in (left, mine, old, just):
        path.write_bytes(b"\0" * 16)
    _an_hour_ago(left, mine, old)
    atomic_write(tmp_path / "entry.arrow", b"data")
    prune(tmp_path, ["entry.arrow"], ".arrow")
    assert not left.exists() and mine.exists() and old.exists() and just.exists()
    assert (tmp_path / "entry.arrow").read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, old.name, just.name,
                                                                 "entry.arrow"])


def test_an_output_folders_leftovers_go_when_a_file_is_next_written_there(
        tmp_path: Path, gone: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_SWEPT", set())
    left = tmp_path / f".~积分复核.{gone}-k2x9.tmp"  # a workbook half written by a killed run
    mine = tmp_path / f".~积分复核.{os.getpid()}-a1b2.tmp"
    theirs = [tmp_path / ".~积分复核.tmp", tmp_path / ".~我的.备份.tmp",  # not named by a run
              tmp_path / f"积分复核.{gone}-k2x9.tmp"]
    waiting = tmp_path / f".~积分明细.{gone}-w7w7.tmp"  # a worker's, to be taken into the run
    for path in (left, mine, *theirs, waiting):
        path.write_bytes(b"\0" * 16)
    _an_hour_ago(left, mine, *theirs)
    files.atomic_write(tmp_path / "积分复核.xlsx", lambda out: out.write(b"PK"))
    assert (tmp_path / "积分复核.xlsx").read_bytes() == b"PK"
    assert not left.exists() and mine.exists() and all(p.exists() for p in theirs)
    assert waiting.exists()  # (its process is gone, but only just: it may be waiting)


def _worker_temporary(folder: str) -> str:
    """In a worker process: a temporary made for an output, as a writer of the run makes it."""
    return str(files._temporary(Path(folder) / "新华村党支部.xlsx"))


def test_a_workers_temporary_is_named_by_the_run_and_never_taken_for_a_leftover(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that has written its workbook and ended leaves the temporary for this process
    to take into the run's outputs: named by this process, it is kept, however old."""
    context = multiprocessing.get_context("fork" if cores.can_fork() else "spawn")
    with ProcessPoolExecutor(1, mp_context=context) as workers:
        made = Path(workers.submit(_worker_temporary, str(tmp_path)).result())
    assert made.name.startswith(f".~新华村党支部.{os.getpid()}-")  # the run's, not the worker's
    _an_hour_ago(made)
    monkeypatch.setattr(files, "_SWEPT", set())
    files.atomic_write(tmp_path / "全部支部.xlsx", lambda out: out.write(b"PK"))
    assert made.exists()
