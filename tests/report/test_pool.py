"""Workbooks written by worker processes: the same bytes as written here, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import points
from points.report import files, pool
from points.vocab import forking
from points.vocab.errors import OutputError


def test_workers_write_the_same_files_as_one_process(example: points.Assessment, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "PARALLEL_ITEMS", 2)
    monkeypatch.setattr(forking, "usable_cores", lambda: 3)  # (more processes than cores: fine)
    assert pool.workers(5) == 3  # the five branches of the example go to three workers
    monkeypatch.setattr(forking, "usable_cores", lambda: 64)
    assert pool.workers(5) == 5 and pool.workers(40) == forking.MAX_PROCESSES
    monkeypatch.setattr(forking, "usable_cores", lambda: 3)
    side_by_side = example.to_excel_per_branch(tmp_path / "a", public=True)  # (the cheaper)
    monkeypatch.setattr(pool, "PARALLEL_ITEMS", 10**9)
    assert pool.workers(5) == 1
    here = example.to_excel_per_branch(tmp_path / "b", public=True)
    assert [p.name for p in side_by_side.values()] == [p.name for p in here.values()]
    for path in here.values():
        assert (tmp_path / "a" / path.name).read_bytes() == path.read_bytes(), path.name
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(
        p.name for p in here.values())  # no temporary left behind


def test_a_failing_worker_keeps_nothing_any_worker_wrote(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "PARALLEL_ITEMS", 2)

    def work(items: list[int]) -> None:
        for item in items:
            if item == 7:
                raise OutputError(tmp_path / "7.txt", "写不了")
            files.write_file(tmp_path / f"{item}.txt", b"x")

    done = []
    with pytest.raises(OutputError, match="写不了"), files.all_or_nothing():
        done.extend(pool.run_chunks(work, list(range(40))))
    assert done == sorted(done) and (not done or done[-1] <= 7)
    assert list(tmp_path.iterdir()) == []

    def fine(items: list[int]) -> None:
        for item in items:
            files.write_file(tmp_path / f"{item}.txt", str(item).encode())

    with files.all_or_nothing():
        counts = list(pool.run_chunks(fine, list(range(40))))
        assert list(tmp_path.glob("*.txt")) == []  # renamed into place when the block ends
    assert counts == sorted(counts) and counts[-1] == 40
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{i}.txt" for i in range(40))
    assert (tmp_path / "39.txt").read_bytes() == b"39"


def test_a_daemonic_process_writes_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker of the caller's own multiprocessing.Pool (daemonic) may not have children."""
    import multiprocessing

    monkeypatch.setattr(pool, "PARALLEL_ITEMS", 2)
    with multiprocessing.get_context("fork").Pool(1) as caller:
        assert caller.apply(pool.workers, (5,)) == 1
