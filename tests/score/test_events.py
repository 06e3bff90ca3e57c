"""Marks and activity names are resolved when records are scored, under the ruleset used:
one reading serves every ruleset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

import points
import workbooks as wb
from conftest import EXAMPLE_FILES, assert_same_frame, build

TABLES = ["members", "ledger", "totals", "monthly", "issues", "events", "logs", "rankings",
          "flags", "evidence", "candidates"]


# Reading takes no rules (the argument is kept and ignored), so two schemes that resolve marks
# and activities differently stand for all; tests/test_docs.py scores the example under every one.
@pytest.mark.parametrize("name", ["dujiangyan", "sanjin"])
def test_reading_once_scores_as_reading_with_the_ruleset(
        name: str, example_records: points.Records,
        example_under: Callable[[str], points.Assessment]) -> None:
    rules = points.load_ruleset(name)
    again = points.read_workbooks(EXAMPLE_FILES, rules)  # "an early check" with the rules
    for table in ("roster", "attendance", "negatives", "bonuses", "appraisals", "issues"):
        assert_same_frame(getattr(again, table), getattr(example_records, table))
    once = example_under(name)  # the session's reading, assessed under ``rules``
    twice = points.assess(again, rules)
    for table in TABLES:
        assert_same_frame(getattr(once, table), getattr(twice, table), obj=table)


def test_a_mark_is_resolved_by_the_ruleset_that_scores(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    wb.write(tmp_path / "主题党日.xlsx", {"主题党日": [
        ["姓名", dt.date(2024, 3, 5), dt.date(2024, 4, 5)], ["张三", "出差", "公出"]]})
    records = points.read_workbooks(sorted(tmp_path.glob("*.xlsx")))
    default = points.assess(records, year=2024)
    assert sorted(default.issues.loc[default.issues["code"] == "unknown_mark", "message"]) == [
        "无法识别的签到符号“公出”，此记录未计分（可在规则的 [marks] 中补充）",
        "无法识别的签到符号“出差”，此记录未计分（可在规则的 [marks] 中补充）"]
    rules = points.default_ruleset()
    vocabulary = {**rules.marks.vocabulary, "出差": "leave", "公出": "present"}
    local = attrs.evolve(rules, marks=attrs.evolve(rules.marks, vocabulary=vocabulary))
    events = points.assess(records, local, year=2024).events
    assert events[["status", "source"]].values.tolist() == [
        ["leave", "主题党日.xlsx!主题党日!B2"], ["present", "主题党日.xlsx!主题党日!C2"]]


def test_a_status_given_directly_wins_over_the_mark() -> None:
    roster = [("M1", "张三", "一支部", "在职党员")]
    records = build(roster, [("M1", "2024-03-05", "主题党日", "leave")])
    assert points.assess(records, year=2024).events["status"].tolist() == ["leave"]


def test_an_activity_the_ruleset_lacks_is_one_issue_per_sheet(
        example_records: points.Records,
        example_under: Callable[[str], points.Assessment]) -> None:
    """洪洞 has no 集中学习: each sheet that holds it says so once, with its count and first
    cell (before, the reader reported some columns one by one and others not at all)."""
    result = example_under("hongtong")
    unknown = result.issues[(result.issues["code"] == "unknown_activity")
                            & result.issues["message"].str.contains("“集中学习”")]
    sheets = unknown["source"].str.rsplit("!", n=1).str[0]
    assert sheets.is_unique and len(unknown) == 11
    assert unknown["message"].str.startswith("未知的活动类型“集中学习”").all()
    counted = unknown["message"].str.extract(r"，(\d+)条签到记录")[0].astype(int).sum()
    written = example_records.attendance["activity"].str.contains("集中学习")
    assert counted == int(written.sum())  # every record of it, none left out
