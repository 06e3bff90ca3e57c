"""Scoring partitioned by branch — in pieces here, and over a real Dask cluster — gives the
single run's tables and workbook bytes (#14 item 4)."""

from __future__ import annotations

import sys
from pathlib import Path

import attrs
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import ROOT, examples
from points.assess import calendar_for
from points.backends.partition import combine_scores, partition_records
from points.judge import AssessmentTables, judge
from points.rules import default_ruleset
from points.score import score_members

distributed = pytest.importorskip("distributed")


def _same(a: AssessmentTables, b: AssessmentTables) -> None:
    for field in attrs.fields(AssessmentTables):
        left, right = getattr(a, field.name), getattr(b, field.name)
        if isinstance(left, pd.DataFrame):
            pd.testing.assert_frame_equal(left, right, obj=field.name)
        else:
            assert left == right, field.name


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> points.Records:
    """A small generated province: four towns of two or three branches (the city benchmark's
    generator, with towns of three branches), 625 members, every sheet shape."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import city  # type: ignore[import-not-found]  # the benchmark's generator, not a package
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    size, city.TOWN_SIZE = city.TOWN_SIZE, 3
    try:
        folder = city.generate(tmp_path_factory.mktemp("province"), 0.005, workers=1)
    finally:
        city.TOWN_SIZE = size
    return points.read_workbooks(folder / "workbooks")


def test_a_local_cluster_gives_the_same_tables_and_workbook_bytes(
        province: points.Records, tmp_path: Path) -> None:
    assert province.roster["branch"].nunique() >= 8
    plain = points.assess(province)
    told: list[tuple[str, int, int]] = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        spread = points.assess(province, client=client,
                               progress=lambda *a: told.append(a))
    _same(plain, spread)
    assert told[0] == ("score", 0, 10) and told[-1] == ("score", 10, 10) and len(told) > 2
    one, other = tmp_path / "one.xlsx", tmp_path / "other.xlsx"
    plain.to_excel(one)
    spread.to_excel(other)
    assert one.read_bytes() == other.read_bytes()


@pytest.fixture(scope="module")
def one_run(example_records: points.Records) -> AssessmentTables:
    rules = default_ruleset()
    return judge(score_members(example_records, rules, calendar_for(example_records, rules)),
                 example_records.files)


@given(st.integers(2, 4))
@settings(max_examples=examples(0.2))
def test_any_partition_by_branch_is_judged_as_one_run(example_records: points.Records,
                                                      one_run: AssessmentTables,
                                                      parts: int) -> None:
    rules = default_ruleset()
    calendar = calendar_for(example_records, rules)
    pieces = partition_records(example_records, parts)
    assert 1 <= len(pieces) <= parts and all(len(p.roster) for p in pieces)
    assert sorted(b for p in pieces for b in p.roster["branch"].unique()) == sorted(
        example_records.roster["branch"].unique())  # whole branches, each once
    scores = combine_scores(example_records, [score_members(p, rules, calendar) for p in pieces])
    _same(one_run, judge(scores, example_records.files))


def test_a_client_must_be_a_dask_client(example_records: points.Records) -> None:
    with pytest.raises(TypeError, match=r"distributed\.Client"):
        points.assess(example_records, client="tcp://127.0.0.1:8786")
