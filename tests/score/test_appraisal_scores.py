"""民主评议 given as a score (from ballots) and weighted, beside the four grade words."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import build, examples, total
from workbooks import roster, write

SCORED_FILE = Path(__file__).parent.parent / "rulesets" / "scored.toml"
SCORED = SCORED_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def scored() -> points.Ruleset:
    return points.load_ruleset(SCORED_FILE)


PEOPLE = [(f"M{i}", f"人{i}", "一支部", "在职党员") for i in range(1, 7)]


def test_a_score_is_weighted_and_a_word_still_counts(scored: points.Ruleset) -> None:
    records = build(PEOPLE, appraisals=[
        ("M1", "85"), ("M2", "９０分"), ("M3", "优秀"), ("M4", "120"), ("M5", "好"),
        ("M6", "72.5"), ("M1", "85.0")])
    result = points.assess(records, scored, year=2024)
    # 85 × 0.2 = 17; full-width 90 with 分 = 18; 优秀 = 20; 72.5 × 0.2 = 14.5
    assert total(result, "M1", "appraisal") == 17
    assert total(result, "M2", "appraisal") == 18
    assert total(result, "M3", "appraisal") == 20
    assert total(result, "M6", "appraisal") == 14.5
    assert total(result, "M4", "appraisal") == 0 and total(result, "M5", "appraisal") == 0
    issues = result.issues.set_index("source")
    assert issues.loc["评议!A4", "code"] == "unknown_appraisal_result"
    assert "不在 0 到 100 之间" in issues.loc["评议!A4", "message"]
    assert "0–100 的分数" in issues.loc["评议!A5", "message"]
    assert issues.loc["评议!A7", "code"] == "duplicate_record"  # 85 and 85.0 are one result
    ledger = result.ledger[result.ledger["rule"] == "appraisal"].set_index("member_id")
    assert ledger.loc["M1", "status"] == "85分" and ledger.loc["M1", "source"] == "评议!A1"


def test_two_different_scores_conflict(scored: points.Ruleset) -> None:
    records = build(PEOPLE[:1], appraisals=[("M1", "85"), ("M1", "86")])
    result = points.assess(records, scored, year=2024)
    assert total(result, "M1", "appraisal") == 0
    assert set(result.issues["code"]) >= {"conflicting_appraisal"}


def test_without_score_weight_a_number_is_an_unknown_result() -> None:
    result = points.assess(build(PEOPLE[:1], appraisals=[("M1", "85")]), year=2024)
    issue = result.issues[result.issues["code"] == "unknown_appraisal_result"]
    assert issue["source"].tolist() == ["评议!A1"]
    assert "分数" not in issue["message"].iloc[0]


def test_scores_read_from_a_workbook(tmp_path: Path, scored: points.Ruleset) -> None:
    roster(tmp_path)
    write(tmp_path / "评议.xlsx", {"民主评议": [
        ["民主评议得分"], ["党员编号", "姓名", "评议得分"],
        ["CG01", "张三", 88], ["CG02", "李四", "76分"], ["CG03", "王五", "一百"]]})
    result = points.assess(points.read_workbooks(tmp_path), scored, year=2024)
    assert total(result, "CG01", "appraisal") == pytest.approx(17.6)
    assert total(result, "CG02", "appraisal") == pytest.approx(15.2)
    bad = result.issues[result.issues["code"] == "unknown_appraisal_result"]
    assert bad["source"].str.endswith("评议.xlsx!民主评议!C5").tolist() == [True]


def test_a_ruleset_needs_results_or_a_score_weight(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(SCORED.replace("score_weight = 0.2\n", "").replace(
        'results = { "优秀" = 20, "合格" = 16 }', ""), encoding="utf-8")
    with pytest.raises(points.RulesetError, match="score_weight"):
        points.load_ruleset(path)
    path.write_text(SCORED.replace('results = { "优秀" = 20, "合格" = 16 }', ""), encoding="utf-8")
    assert points.load_ruleset(path).appraisal.results == {}  # type: ignore[union-attr]


@settings(max_examples=examples(0.15))  # an assessment an example
@given(st.lists(st.one_of(st.integers(-20, 130).map(str),
                          st.floats(0, 100, allow_nan=False).map(lambda v: f"{v:.1f}分"),
                          st.sampled_from(["优秀", "合格", "良"])), min_size=6, max_size=6))
def test_a_score_never_earns_more_than_its_weight_allows(results: list[str]) -> None:
    rs = points.load_ruleset(SCORED_FILE)
    records = build(PEOPLE, appraisals=[(f"M{i + 1}", r) for i, r in enumerate(results)])
    result = points.assess(records, rs, year=2024)
    appraisal = result.totals["appraisal"]
    assert ((appraisal >= 0) & (appraisal <= 20)).all()
    numbers = pd.to_numeric(pd.Series(results).str.removesuffix("分"), errors="coerce")
    expected = (numbers.where(numbers.between(0, 100)) * 0.2).fillna(
        pd.Series(results).map({"优秀": 20.0, "合格": 16.0})).fillna(0.0)
    assert appraisal.to_numpy() == pytest.approx(expected.to_numpy())
