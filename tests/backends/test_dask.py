"""Scoring partitioned by branch — in pieces here, and over a real Dask cluster — gives the
single run's tables and workbook bytes (#14 item 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import points
from conftest import assert_same_tables
from points.assess import calendar_for
from points.backends import dask as dask_backend
from points.backends.partition import combine_scores, partition_records
from points.judge import judge
from points.rules import default_ruleset
from points.score import score_members


def _distributed() -> Any:
    """The optional ``distributed`` package, imported by the tests that need it (not when the
    module is collected: ~0.9 s of CPU in every test process), or the test skipped."""
    return pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def province(small_city: points.Records) -> points.Records:
    """A small generated province: the six-branch city of tests/conftest.py."""
    return small_city


def test_a_local_cluster_gives_the_same_tables_and_workbook_bytes(
        province: points.Records, plain: points.Assessment, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two partitions, one a worker: each partition pays scoring's fixed cost (~0.3 s), and
    the default four a worker thread made this the suite's longest test."""
    assert province.roster["branch"].nunique() == 6
    distributed = _distributed()
    monkeypatch.setattr(dask_backend, "PER_THREAD", 1)
    told: list[tuple[str, int, int]] = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        spread = points.assess(province, client=client,
                               progress=lambda *a: told.append(a))
        cached = points.assess(province, client=client, cache=tmp_path / "缓存")  # split, kept
    assert_same_tables(plain, spread)
    assert_same_tables(plain, cached)
    assert_same_tables(plain, points.assess(province, cache=tmp_path / "缓存"))  # every chunk loaded
    assert told[0] == ("score", 0, 6) and told[-1] == ("score", 6, 6) and len(told) > 2
    one, other = tmp_path / "one.xlsx", tmp_path / "other.xlsx"
    plain.to_excel(one)
    spread.to_excel(other)
    assert one.read_bytes() == other.read_bytes()


@pytest.fixture(scope="module")
def plain(small_city_assessed: points.Assessment) -> points.Assessment:
    """The province assessed in one process (tests/conftest.py, shared with the cores tests)."""
    return small_city_assessed


def test_whole_branch_partitions_are_judged_as_one_run(province: points.Records,
                                                      plain: points.Assessment) -> None:
    rules = default_ruleset()
    calendar = calendar_for(province, rules)
    pieces = partition_records(province, 2)
    assert len(pieces) == 2 and all(len(p.roster) for p in pieces)
    assert sorted(b for p in pieces for b in p.roster["branch"].unique()) == sorted(
        province.roster["branch"].unique())  # whole branches, each once
    scores = combine_scores(province, [score_members(p, rules, calendar) for p in pieces])
    assert_same_tables(plain, judge(scores, province.files))


def test_a_client_must_be_a_dask_client(province: points.Records) -> None:
    _distributed()
    with pytest.raises(TypeError, match=r"distributed\.Client"):
        points.assess(province, client="tcp://127.0.0.1:8786")
