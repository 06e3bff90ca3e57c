"""vocab/store.py's background cache writes: waited for by ``written``, by a fork and by the
interpreter's exit; a failure is no error; the records entry written in the background is the
records as read, whatever the caller does to them meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import points
from conftest import assert_same_frame, example_town
from points.read import lastrun
from points.vocab.store import in_background, written


def test_written_waits_for_every_write_and_a_failure_is_no_error() -> None:
    done: list[int] = []

    def slow(k: int) -> None:
        time.sleep(0.2)
        done.append(k)

    def fails() -> None:
        raise ValueError("a damaged table")  # never reaches the caller, nor stderr

    for k in range(3):
        in_background(lambda k=k: slow(k), "test")  # type: ignore[misc]
    in_background(fails, "test")
    assert len(done) < 3  # (still writing)
    written()
    assert sorted(done) == [0, 1, 2]
    assert not [t for t in threading.enumerate() if t.name == "test"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX: a fork")
def test_a_fork_waits_for_the_writes_first() -> None:
    done: list[str] = []

    def slow() -> None:
        time.sleep(0.3)
        done.append("kept")

    in_background(slow, "test")
    child = os.fork()
    if child == 0:  # (the child: nothing to do)
        os._exit(0)
    assert done == ["kept"]  # the write ended before the fork, not after
    os.waitpid(child, 0)


def test_the_interpreter_waits_for_a_write_before_it_exits(tmp_path: Path) -> None:
    code = ("import time; from points.vocab.store import in_background\n"
            f"in_background(lambda: (time.sleep(0.3), open({str(tmp_path / 'kept')!r}, 'w')),"
            " 'test')\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert (tmp_path / "kept").exists()


def test_records_changed_in_place_while_they_are_kept_are_kept_as_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry is written after the caller has changed a records frame in place: it holds
    the records as read all the same (copy-on-write), and the next run gives them."""
    town, cache = example_town(tmp_path / "town"), tmp_path / "缓存"
    go = threading.Event()
    write = lastrun._write

    def held(*args: object) -> None:
        go.wait(30)
        write(*args)  # type: ignore[arg-type]
    monkeypatch.setattr(lastrun, "_write", held)
    records = points.read_workbooks(town, cache=cache)
    plain = records.attendance.copy()
    # in place, in a numpy column (an Arrow one, such as the texts, is never changed in place)
    records.attendance.loc[records.attendance.index[:50], "date"] = pd.Timestamp("2001-01-01")
    assert (records.attendance["date"] == pd.Timestamp("2001-01-01")).sum() == 50
    go.set()
    written()
    monkeypatch.setattr(lastrun, "_write", write)
    told: list[tuple[str, int, int]] = []
    again = points.read_workbooks(town, cache=cache, progress=lambda *a: told.append(a))
    assert told[-1] == ("scan", len(records.files), len(records.files))
    assert len(told) == 2  # every file from the kept records: none read again
    assert_same_frame(again.attendance, plain)
