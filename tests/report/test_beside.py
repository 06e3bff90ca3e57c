"""Work beside the workbook, in a thread or a forked child: its files join the run's block and
its fate, and are the same as when written here."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

import points
from points.report import beside, files
from points.report.sheets import ledger as ledger_sheets
from points.vocab.forking import can_fork

forked = pytest.mark.skipif(not can_fork(), reason="processes are forked on Linux only")


@pytest.mark.parametrize("process", [False, pytest.param(True, marks=forked)])
def test_files_written_alongside_join_the_block_and_its_fate(tmp_path: Path,
                                                             process: bool) -> None:
    first, second = tmp_path / "a.parquet", tmp_path / "b.xlsx"
    here = os.getpid()
    with files.all_or_nothing(), beside.alongside() as side:
        side(lambda: files.write_file(first, str(os.getpid()).encode()), process=process)
        files.write_file(second, b"main")
        assert not first.exists()  # staged in the block, not renamed yet
    assert (first.read_bytes() != str(here).encode()) == process  # written by the child
    assert second.read_bytes() == b"main"

    def fails() -> None:
        files.write_file(tmp_path / "c.parquet", b"side")
        raise points.OutputError(tmp_path / "c.parquet", "磁盘已满")

    with pytest.raises(points.OutputError, match="磁盘已满"), files.all_or_nothing(), \
            beside.alongside() as side:
        side(fails, process=process)
        files.write_file(second, b"new")
    assert second.read_bytes() == b"main"  # the side's failure fails the whole block
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.parquet", "b.xlsx"]


@forked
def test_a_failed_block_stops_the_child_and_keeps_nothing_it_wrote(tmp_path: Path) -> None:
    def endless() -> None:
        files.write_file(tmp_path / "a.parquet", b"side")
        while True:  # until stopped (not signal.pause(): a stop that comes just before it is
            time.sleep(0.01)  # handled only once a second signal ends the pause, so it waits forever)

    with pytest.raises(RuntimeError, match="失败"), files.all_or_nothing(), \
            beside.alongside() as side:
        side(endless, process=True)
        files.write_file(tmp_path / "b.xlsx", b"main")
        raise RuntimeError("失败")
    assert list(tmp_path.iterdir()) == []

    child = beside.Child(lambda: files.write_file(tmp_path / "c.parquet", b"side"))
    child.cancel()  # done or not yet: what it wrote is removed
    assert list(tmp_path.iterdir()) == []


@forked
def test_a_child_that_will_not_stop_is_killed_and_the_cancel_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(beside, "STOP_WAIT", 0.2)
    started = tmp_path / "started"

    def deaf() -> None:  # (stuck where the interpreter never sees the stop)
        signal.pthread_sigmask(signal.SIG_BLOCK, files.STOPS)
        started.touch()
        while True:
            time.sleep(0.01)

    child = beside.Child(deaf)
    pid = child._process.pid
    assert pid is not None
    while not started.exists():
        time.sleep(0.01)
    cancel = threading.Thread(target=child.cancel, daemon=True)
    cancel.start()
    cancel.join(5)
    hung = cancel.is_alive()
    if hung:  # (the test fails; the child is not left behind)
        os.kill(pid, signal.SIGKILL)
        cancel.join()
    assert not hung, "cancel() waited on a child that would not stop"
    assert child._process.exitcode == -signal.SIGKILL


@forked
def test_a_child_that_cannot_report_is_done_here(tmp_path: Path) -> None:
    here = os.getpid()

    def dies_in_the_child() -> None:
        if os.getpid() != here:
            os._exit(3)  # (killed, out of memory: no word to the parent)
        files.write_file(tmp_path / "a.parquet", b"here")

    with files.all_or_nothing(), beside.alongside() as side:
        side(dies_in_the_child, process=True)
    assert [p.name for p in tmp_path.iterdir()] == ["a.parquet"]
    assert (tmp_path / "a.parquet").read_bytes() == b"here"


@forked
@pytest.mark.parametrize("ledger", ["parquet", "csv"])
def test_a_ledger_file_written_by_a_child_is_the_same(example: points.Assessment, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      ledger: ledger_sheets.LedgerOption) -> None:
    written = {}
    for name, rows in (("child", 0), ("thread", 10**9)):
        monkeypatch.setattr(ledger_sheets, "PROCESS_ROWS", rows)
        (tmp_path / name).mkdir()
        written[name] = example.to_excel(tmp_path / name / "r.xlsx", ledger=ledger)
    assert [p.name for p in written["child"]] == ["r.xlsx", f"r-积分明细.{ledger}"]
    for path in written["thread"]:
        assert (tmp_path / "child" / path.name).read_bytes() == path.read_bytes(), path.name
    assert sorted(p.name for p in (tmp_path / "child").iterdir()) == sorted(
        p.name for p in written["child"])  # no temporary left behind
