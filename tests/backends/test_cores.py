"""Scoring on this machine's cores (#14 item 2): parts of whole branches scored side by side,
one here and the others in forked workers, give the one-process tables and workbook bytes,
with the score cache too; a worker that cannot send its part back has it scored here."""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import assert_same_tables, build, examples
from points import backends
from points.backends import cores
from points.backends.cache import PREFIX, score_cached
from points.backends.partition import runs_by_weight
from points.vocab import forking
from points.vocab.frames import is_arrow_text

pytestmark = pytest.mark.skipif(not cores.can_fork(), reason="workers are forked on Linux only")


@pytest.fixture(scope="module")
def city(small_city: points.Records) -> points.Records:
    """The generated city of tests/conftest.py: six branches, planted problems."""
    return small_city


def test_two_processes_give_the_one_process_tables_and_store_each_part_where_it_was_scored(
        city: points.Records, small_city_assessed: points.Assessment, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A first run with the score cache (one chunk a branch): each part's chunks are split and
    kept by the process that scored it; then a warm run loads them all."""
    alone = small_city_assessed  # points.assess(city, workers=1), once a session
    assert len(alone.issues) and len(alone.flags)  # the planted problems, flagged alike
    monkeypatch.setattr(backends, "score_cached", functools.partial(score_cached, size=1))
    told: list[tuple[str, int, int]] = []
    here: list[int] = []
    real = cores._score
    monkeypatch.setattr(cores, "_score", lambda job, k: here.append(k) or real(job, k))
    folder = tmp_path / "缓存"
    cold = points.assess(city, workers=2, cache=folder, progress=lambda *a: told.append(a))
    assert_same_tables(alone, cold)
    assert here == [0]  # part 0 here, the other (and its chunks' entries) in a worker
    assert told[0] == ("score", 0, 6) and told[-1] == ("score", 6, 6) and len(told) > 2
    assert len(list(folder.glob(PREFIX + "*.arrow"))) == 6  # one chunk a branch, each kept once
    monkeypatch.setattr(cores, "score_members", None)  # a warm run scores nothing
    assert_same_tables(alone, points.assess(city, workers=2, cache=folder))


@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize("workers", [2, 1])
def test_a_process_over_its_share_scores_in_rounds_and_gives_the_same_tables(
        city: points.Records, small_city_assessed: points.Assessment, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, cached: bool, workers: int) -> None:
    """Past :data:`cores.ROUND_RECORDS` records a process, two processes score four parts,
    each two in turn (parts 0 and 2 here, 1 and 3 in the worker); one process (one usable
    core) scores the four here, in turn, never all at once: the same tables, and each part's
    chunks kept by the process that scored it."""
    rounds = -(-cores.record_count(city) // 4)  # a quarter of the records a round
    monkeypatch.setattr(cores, "ROUND_RECORDS", rounds)
    assert cores.part_count(city, 2) == 4 and cores.part_count(city, 1) == 4
    # more processes hold no more records at once than allowed: with half the records at
    # once, four processes score two rounds of an eighth each (eight parts)
    half = -(-cores.record_count(city) // 2)
    with monkeypatch.context() as patch:
        patch.setattr(cores, "IN_FLIGHT_RECORDS", half + -half % 4)
        assert cores.round_records(4) == cores.IN_FLIGHT_RECORDS // 4 < rounds
        assert cores.part_count(city, 4) == 8
    monkeypatch.setattr(backends, "score_cached", functools.partial(score_cached, size=1))
    here: list[int] = []  # (a worker appends to its own copy: only this process's parts)
    real = cores._score
    monkeypatch.setattr(cores, "_score", lambda job, k: here.append(k) or real(job, k))
    whole: list[int] = []  # what score_members is given at once, in this process
    scorer = cores.score_members
    monkeypatch.setattr(cores, "score_members",
                        lambda r, *a: whole.append(cores.record_count(r)) or scorer(r, *a))
    told: list[tuple[str, int, int]] = []
    folder = tmp_path / "缓存" if cached else None
    scored = points.assess(city, workers=workers, cache=folder,
                           progress=lambda *a: told.append(a))
    assert_same_tables(small_city_assessed, scored)
    assert here == ([0, 2] if workers == 2 else [0, 1, 2, 3])  # 1 and 3 in the worker, in turn
    assert whole and max(whole) <= 2 * rounds  # (parts of whole branches: about a quarter)
    assert told[-1] == ("score", 6, 6) and [t[1] for t in told] == sorted(t[1] for t in told)
    if cached:
        assert len(list(folder.glob(PREFIX + "*.arrow"))) == 6  # every chunk kept once


def test_few_records_are_scored_at_once_in_one_process(
        city: points.Records, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within :data:`cores.ROUND_RECORDS` records, one process scores them all in one call:
    no parts to split and combine."""
    assert cores.part_count(city, 1) == 1
    at_once: list[int] = []
    local = cores.score_local
    monkeypatch.setattr(cores, "score_local",
                        lambda r, *a: at_once.append(cores.record_count(r)) or local(r, *a))
    points.assess(city, workers=1)
    assert at_once == [cores.record_count(city)]


def test_a_rerun_forks_only_once_the_entries_have_loaded(
        city: points.Records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A re-run whose changed chunks are scored on two processes forks after the threads that
    load the other chunks' entries are done (forking beside a running thread may deadlock)."""
    monkeypatch.setattr(backends, "score_cached", functools.partial(score_cached, size=1))
    folder = tmp_path / "缓存"
    points.assess(city, workers=2, cache=folder)
    first = sorted(folder.glob(PREFIX + "*.arrow"))
    for entry in first[: len(first) // 2]:  # half the chunks to score again
        entry.unlink()
    threads: list[set[threading.Thread]] = []
    real = cores._fork
    monkeypatch.setattr(cores, "_fork", lambda job, parts, processes: threads.append(
        set(threading.enumerate())) or real(job, parts, processes))
    before = set(threading.enumerate())  # this one, and any a test before left (Dask's)
    points.assess(city, workers=2, cache=folder)
    assert threads and all(alive <= before for alive in threads)  # none of the run's own


def test_the_example_year_on_two_processes_writes_the_same_bytes(
        example_records: points.Records, example: points.Assessment,
        example_book: Path, tmp_path: Path) -> None:
    both = points.assess(example_records, workers=2)
    assert_same_tables(example, both)
    for frame in (both.ledger, both.events, both.members):  # as one run makes them (memory)
        texts = [pa.array(v.array) for _, v in frame.items() if is_arrow_text(v)]
        assert texts and all(getattr(t, "num_chunks", 1) == 1 for t in texts)
    both.to_excel(tmp_path / "复核.xlsx")
    assert (tmp_path / "复核.xlsx").read_bytes() == example_book.read_bytes()


@pytest.fixture(scope="module")
def small() -> tuple[points.Records, points.Assessment]:
    """Four branches (one of them no branch), a member on no roster, an activity the rules do
    not know in two branches (one issue, counted over both), a record of the year before."""
    records = build(members=[("a", "甲", None, "正式党员"), ("b", "乙", "一支部", "正式党员"),
                             ("c", "丙", "二支部", "正式党员"), ("d", "丁", "三支部", "正式党员")],
                    attendance=[("a", "2024-03-01", "支部党员大会", "present"),
                                ("z", "2024-03-01", "支部党员大会", "present"),
                                ("b", "2024-03-05", "没有的活动", "present"),
                                ("c", "2024-04-05", "没有的活动", "absent"),
                                ("d", "2023-05-05", "支部党员大会", "absent")])
    return records, points.assess(records, workers=1, year=2024)


def test_members_on_no_roster_or_branch_and_issues_across_parts(
        small: tuple[points.Records, points.Assessment]) -> None:
    records, alone = small
    assert {"unknown_member", "unknown_activity"} <= set(alone.issues["code"])
    assert_same_tables(alone, points.assess(records, workers=3, year=2024))  # three parts


def test_a_worker_that_cannot_send_its_part_has_it_scored_here(
        small: tuple[points.Records, points.Assessment], monkeypatch: pytest.MonkeyPatch) -> None:
    """Part 1's worker meets a table Arrow cannot hold, part 2's dies (as one killed for lack
    of memory): both parts are scored here instead."""
    records, alone = small
    monkeypatch.setattr(cores, "entry_tables", _unconvertible)  # in the forked workers too
    monkeypatch.setattr(cores, "_worker", _second_dies)
    assert_same_tables(alone, points.assess(records, workers=3, year=2024))


def test_without_a_temporary_folder_or_a_fork_every_part_is_scored_here(
        small: tuple[points.Records, points.Assessment], monkeypatch: pytest.MonkeyPatch) -> None:
    records, alone = small
    with monkeypatch.context() as patch:
        patch.setattr(cores.tempfile, "mkdtemp", _unconvertible_folder)
        assert_same_tables(alone, points.assess(records, workers=2, year=2024))
    with monkeypatch.context() as patch:  # no pool (no sem_open; no pipes left: the same path)
        patch.setattr(cores, "ProcessPoolExecutor", _no_semaphores)
        assert_same_tables(alone, points.assess(records, workers=2, year=2024))
    monkeypatch.setattr(cores.ProcessPoolExecutor, "submit", _unconvertible_folder)
    assert_same_tables(alone, points.assess(records, workers=2, year=2024))


def test_the_folder_of_a_run_ended_at_once_goes_with_the_next_run(
        small: tuple[points.Records, points.Assessment], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers send their scores through ``points-score-PID-…``, removed when the run
    ends; one a run ended at once (``kill -9``) left is removed by the next run, and the
    folder of a run still going is left alone."""
    records, alone = small
    monkeypatch.setattr(cores.tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True).stdout.strip()
    left = tmp_path / f"points-score-{ended}-x1y2"
    running = tmp_path / f"points-score-{os.getppid()}-z3w4"
    for folder in (left, running):
        folder.mkdir()
        (folder / "1-0-0.arrow").write_bytes(b"\0" * 64)
    made: list[str] = []
    real = cores.tempfile.mkdtemp
    monkeypatch.setattr(cores.tempfile, "mkdtemp",
                        lambda **k: made.append(real(**k)) or made[-1])
    assert_same_tables(alone, points.assess(records, workers=2, year=2024))
    assert not left.exists() and running.is_dir()
    assert [Path(m).name.split("-")[2] for m in made] == [str(os.getpid())]
    assert not Path(made[0]).exists()  # (its own: removed at the end of the run)


def _unconvertible_folder(*_: object, **__: object) -> None:
    raise OSError(28, "No space left on device")


def _no_semaphores(*_: object, **__: object) -> None:
    """What ProcessPoolExecutor raises where the system has no named semaphores (some
    containers and serverless hosts without /dev/shm)."""
    raise NotImplementedError("This Python build lacks multiprocessing.synchronize")


def _unconvertible(*_: object) -> None:
    raise TypeError("a value Arrow cannot hold")


_WORKER = cores._worker


def _second_dies(k: int) -> object:
    """The workers' work (pickled by name, so here at the top): part 2's worker dies."""
    if k == 2:
        os._exit(1)
    return _WORKER(k)


def test_how_many_processes_score(example_records: points.Records,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert cores.core_parts(example_records, None) == 1  # a few records: here
    assert cores.core_parts(example_records, 3) == 3
    monkeypatch.setattr(cores, "PARALLEL_RECORDS", 10)
    assert cores.core_parts(example_records, None) == forking.worker_count()
    monkeypatch.setattr(forking, "usable_cores", lambda: 6)  # one a core this process may use
    assert cores.core_parts(example_records, None) == 6
    monkeypatch.setattr(forking, "usable_cores", lambda: 64)  # at most MAX_PROCESSES
    assert cores.core_parts(example_records, None) == forking.MAX_PROCESSES == 8
    monkeypatch.setattr(cores, "can_fork", lambda: False)
    assert cores.core_parts(example_records, None) == cores.core_parts(example_records, 2) == 1
    for wrong in (0, -1, 1.5, True, "2"):
        with pytest.raises(points.ArgumentError, match="workers（并行进程数）"):
            points.assess(example_records, workers=wrong)  # type: ignore[arg-type]


@given(st.integers(1, 200))
def test_more_processes_score_smaller_rounds_and_hold_no_more_records_at_once(
        processes: int) -> None:
    """Two processes score rounds of ROUND_RECORDS; more score smaller rounds, so that all
    of them together never hold more records than two would (the peak memory does not grow
    with the cores)."""
    size = cores.round_records(processes)
    assert 1 <= size <= cores.ROUND_RECORDS
    if processes >= 2:
        assert processes * size <= cores.IN_FLIGHT_RECORDS == 2 * cores.ROUND_RECORDS
    assert cores.round_records(2) == cores.round_records(1) == cores.ROUND_RECORDS


@given(st.lists(st.integers(0, 50), min_size=1, max_size=30),
       st.lists(st.floats(0.1, 3.0), min_size=1, max_size=4))
@settings(max_examples=examples(4))
def test_runs_by_weight_cut_units_in_order_without_empty_groups(weights: list[int],
                                                                shares: list[float]) -> None:
    group = runs_by_weight(np.array(weights, dtype="float64"), shares)
    assert len(group) == len(weights) and group[0] == 0
    assert set(np.diff(group).tolist()) <= {0, 1}  # runs in order, numbered without gaps
    assert group[-1] < len(shares)


def test_a_worker_whose_files_are_lost_or_that_runs_out_of_memory_has_its_part_scored_here(
        small: tuple[points.Records, points.Assessment], monkeypatch: pytest.MonkeyPatch) -> None:
    """Part 1's files are gone before this process reads them (a cleaner of the temporary
    folder), part 2's worker raises MemoryError: both parts are scored here, no traceback."""
    records, alone = small
    monkeypatch.setattr(cores, "_worker", _files_lost_or_out_of_memory)
    assert_same_tables(alone, points.assess(records, workers=3, year=2024))


def _files_lost_or_out_of_memory(k: int) -> object:
    """The workers' work (pickled by name): part 1's first file removed once written, part
    2's scoring out of memory (in that worker only: it is a forked copy)."""
    if k == 2:
        cores.score_members = _out_of_memory  # type: ignore[assignment]
    sent = _WORKER(k)
    if k == 1 and isinstance(sent, list):
        os.unlink(sent[0][2][0])
    return sent


def _out_of_memory(*_: object) -> None:
    raise MemoryError


def test_an_interrupt_reaching_a_worker_that_is_done_prints_no_traceback(
        small: tuple[points.Records, points.Assessment], monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C reaches every process of the command: a worker that has sent its part and waits
    for the pool to close leaves quietly (a Python traceback on the secretary's screen
    otherwise); its part, already sent, is used."""
    records, alone = small
    monkeypatch.setattr(cores, "_worker", _interrupted_once_done)
    real = cores._score

    def here(job: object, k: int) -> object:
        out = real(job, k)  # type: ignore[arg-type]
        deadline = time.monotonic() + 10  # (not a timing: the worker is gone long before)
        while multiprocessing.active_children() and time.monotonic() < deadline:
            time.sleep(0.01)  # the worker, interrupted while it waits, has left
        return out

    monkeypatch.setattr(cores, "_score", here)
    assert_same_tables(alone, points.assess(records, workers=2, year=2024))
    assert not multiprocessing.active_children()
    assert "Traceback" not in capfd.readouterr().err


def _interrupted_once_done(k: int) -> object:
    """The workers' work (pickled by name); an interrupt arrives once it is done."""
    sent = _WORKER(k)
    threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)).start()
    return sent


def test_in_a_daemonic_worker_of_the_callers_pool_everything_is_scored_there(
        small: tuple[points.Records, points.Assessment]) -> None:
    """A caller's multiprocessing.Pool runs its work in daemonic processes, which may not have
    children: scoring there stays in that process instead of failing."""
    records, alone = small
    with multiprocessing.get_context("fork").Pool(1) as pool:
        both = pool.apply(_assessed_on_two, (records,))
    for name, table in both.items():  # (an Assessment does not pickle: its tables do)
        pd.testing.assert_frame_equal(getattr(alone, name), table, obj=name)


def _assessed_on_two(records: points.Records) -> dict[str, pd.DataFrame]:
    both = points.assess(records, workers=2, year=2024)
    return {name: getattr(both, name) for name in ("ledger", "totals", "events", "issues")}
