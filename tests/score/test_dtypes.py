"""The coded columns (points.score.dtypes): the ledger's dimension and rule, the events'
activity, activity_id and status are categoricals whose categories the ruleset fixes — the
same dtype in any run, partition or cache chunk (an empty one too) — holding the text they
held before; a value outside the categories is never dropped."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import build, examples
from points.assess import calendar_for
from points.backends.partition import combine_scores, partition_records
from points.score import score_members
from points.score.dtypes import coded, event_dtypes, ledger_dtypes


def _check(a: points.Assessment | points.score.MemberScores, rs: points.Ruleset) -> None:
    for table, dtypes in (("ledger", ledger_dtypes(rs)), ("events", event_dtypes(rs))):
        frame = getattr(a, table)
        for column, dtype in dtypes.items():
            assert frame[column].dtype == dtype, (table, column)
            assert list(dtype.categories) == sorted(dtype.categories)  # groups as the text
            assert frame[column].notna().all(), (table, column)


# Every shipped ruleset is assessed by tests/test_docs.py, where a value outside its categories
# would raise (dtypes.coded); the dtypes are checked here under the ones other tests assess too.
@pytest.mark.parametrize("name", ["dujiangyan", "hongtong", "sanjin"])
def test_shipped_rulesets_code_their_columns(
        example_under: Callable[[str], points.Assessment], name: str) -> None:
    a = example_under(name)
    _check(a, a.ruleset)
    rs = a.ruleset
    ids = {a.id for a in rs.activities}
    assert set(a.events["activity_id"].astype(str)) <= ids
    credits = a.ledger[a.ledger["rule"].str.startswith("credit.")]
    assert (credits["dimension"] != "deductions").all()
    assert set(credits["rule"].astype(str).str.removeprefix("credit.")) <= ids


def test_no_records_gives_the_same_dtypes(default: points.Ruleset) -> None:
    records = build(members=[("a", "甲", "一支部", "正式党员")])
    scores = score_members(records, default, calendar_for(records, default, 2024))
    assert scores.events.empty
    _check(scores, default)


def test_partitions_and_their_combination_keep_the_dtypes(
        example_records: points.Records, default: points.Ruleset) -> None:
    calendar = calendar_for(example_records, default)
    parts = [score_members(p, default, calendar) for p in partition_records(example_records, 3)]
    for part in parts:
        _check(part, default)
    _check(combine_scores(example_records, parts), default)


_VALUES = st.lists(st.sampled_from(["credit.x", "cap.x", "base.党建", None]), max_size=20)


@given(_VALUES, st.sampled_from(["string", "str", "object"]))
@settings(max_examples=examples(3))
def test_coded_holds_the_same_text(values: list[str | None], kind: str) -> None:
    dtype = pd.CategoricalDtype(pd.Index(["base.党建", "cap.x", "credit.x", "zero.y"]))
    frame = pd.DataFrame({"rule": pd.Series(values, dtype=kind), "n": range(len(values))})
    out = coded(frame, {"rule": dtype})
    assert out["rule"].dtype == dtype
    pd.testing.assert_series_equal(out["rule"].astype("string"), frame["rule"].astype("string"))
    assert coded(out, {"rule": dtype}) is out  # coded already: kept as it is


def test_a_value_outside_the_categories_is_an_error_not_a_gap() -> None:
    frame = pd.DataFrame({"rule": pd.Series(["credit.x", "credit.new"], dtype="string")})
    with pytest.raises(ValueError, match=r"credit\.new"):
        coded(frame, {"rule": pd.CategoricalDtype(pd.Index(["credit.x"]))})
