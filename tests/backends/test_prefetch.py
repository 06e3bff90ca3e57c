"""The score entries made ready by a forked process while the files are read (#14 item 3):
taken when they are of the run's kind, never changing the result, gone after the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs
import pytest

import points
from conftest import assert_same_tables
from points.backends import cache, prefetch
from points.backends.prefetch import prefetching

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not prefetch.SHM.is_dir(),
                                reason="the prefetch forks and writes to /dev/shm (Linux)")


def _made(folder: Path) -> Path:
    """The memory-backed folder the prefetch of ``folder`` writes to (while it runs)."""
    fetched = cache.AHEAD[folder.resolve()]
    assert isinstance(fetched, prefetch._Fetched)
    assert fetched.into.parent == prefetch.SHM and fetched.into.is_dir()
    return fetched.into


def test_a_rerun_takes_the_prefetched_entries_and_scores_the_same(
        example_records: points.Records, example: points.Assessment, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "缓存"
    points.assess(example_records, cache=folder)  # the first run keeps every chunk
    taken: list[str] = []
    read = cache.read_entry
    monkeypatch.setattr(cache, "read_entry", lambda f, k: taken.append(k) or read(f, k))
    with prefetching(folder):
        made = _made(folder)  # registered for the folder while the block runs
        cache.AHEAD[folder.resolve()]._wait()  # (every entry made before scoring asks)
        warm = points.assess(example_records, cache=folder)
    assert not taken  # every entry came from the prefetch, none read again here
    assert_same_tables(example, warm)
    assert not made.exists() and not cache.AHEAD  # the folder is gone with the block

    points.assess(example_records, attrs.evolve(points.default_ruleset(), floor=-3.0),
                  cache=folder)  # another kind of run, used last: the one prefetched next
    with prefetching(folder):
        made = _made(folder)
        again = points.assess(example_records, cache=folder)
        assert not made.exists()  # dropped as soon as scoring saw it was of the other kind
    assert sorted(taken) == sorted(k for k in cache.kept_keys(folder, taken[0].split("-")[0]))
    assert_same_tables(example, again)  # its own entries, read here (not the other kind's)


def test_without_entries_nothing_is_forked(tmp_path: Path) -> None:
    with prefetching(tmp_path):
        assert not cache.AHEAD
    with prefetching(None):
        assert not cache.AHEAD


def test_entries_not_made_yet_are_read_here_and_passed_over_by_the_prefetch(
        example_records: points.Records, example: points.Assessment, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder, gate = tmp_path / "缓存", tmp_path / "开始"
    points.assess(example_records, cache=folder)
    fetch = prefetch._fetch

    def held(source: Path, keys: list[str], into: Path) -> None:  # (in the forked process)
        for _ in range(600):  # until the test opens the gate (60 s at most)
            if gate.exists():
                break
            time.sleep(0.1)
        fetch(source, keys, into)
    monkeypatch.setattr(prefetch, "_fetch", held)
    taken: list[str] = []
    read = cache.read_entry
    monkeypatch.setattr(cache, "read_entry", lambda f, k: taken.append(k) or read(f, k))
    with prefetching(folder):
        made = _made(folder)
        warm = points.assess(example_records, cache=folder)  # not waiting for the prefetch
        kept = cache.kept_keys(folder, taken[0].split("-")[0]) if taken else []
        assert taken and sorted(taken) == kept  # each read here, once
        gate.touch()
        cache.AHEAD[folder.resolve()]._wait()
        assert not list(made.glob("*.json"))  # the prefetch passed over every one of them
    assert_same_tables(example, warm)


def _gone(pid: int) -> bool:
    """The process ended (a zombie too: whether it is reaped is up to the process that
    adopted it, which in a container may never do it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


_KILLED_RUN = """
import sys, time
from pathlib import Path
from points.backends import cache, prefetch
prefetch._fetch = lambda *args: time.sleep(120)  # (a long unpacking, in the forked process)
folder = Path(sys.argv[1])
with prefetch.prefetching(folder):
    fetched = cache.AHEAD[folder.resolve()]
    print(fetched.pid, fetched.into, flush=True)
    time.sleep(120)  # killed here
"""


def test_a_run_killed_at_once_leaves_no_process_and_its_folder_goes_with_the_next_run(
        tmp_path: Path) -> None:
    """``kill -9`` of a run: its prefetching process dies with it (parent-death signal), and
    the folder it could not remove (its files hold memory until the machine restarts) is
    removed by the next run, which leaves alone the folders of runs still running."""
    folder = tmp_path / "缓存"
    folder.mkdir()
    (folder / "score-abcdefabcdef-0123.arrow").write_bytes(b"\0" * 64)  # an entry to fetch
    run = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, str(folder)],
                           stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    pid, made = run.stdout.readline().split()
    run.kill()
    run.wait(timeout=60)
    for _ in range(200):  # (the signal reaches the orphan at once; a moment to be reaped)
        if _gone(int(pid)):
            break
        time.sleep(0.05)
    assert _gone(int(pid))  # not left sleeping (or unpacking) for two minutes
    left = Path(made)
    assert left.is_dir() and left.name.startswith(f"points-{run.pid}-")
    mine = Path(tempfile.mkdtemp(prefix=f"points-{os.getpid()}-", dir=prefetch.SHM))
    try:
        with prefetching(tmp_path):  # the next run (no entries of its own to fetch)
            pass
        assert not left.exists() and mine.is_dir()  # a running process's folder stays
    finally:
        shutil.rmtree(mine, ignore_errors=True)
        shutil.rmtree(left, ignore_errors=True)
