"""Assessment cycles off the calendar year (#16, item 8): ``cycle_start = "07-01"`` makes
year 2024 the cycle from 2023-07-01 to 2024-06-30; periods, months, history, the year
argument and the period text all follow (hand-checked)."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import points
from conftest import build, total
from points.report.ruletable import rule_table
from points.rules.model import Minimum

ONE = ("M1", "张三", "一支部", "在职党员")


def _cycle(**changes: object) -> points.Ruleset:
    return attrs.evolve(points.default_ruleset(), cycle_start="07-01", **changes)


def _records() -> points.Records:
    attendance = [("M1", day, "主题党日", "present")
                  for day in ("2023-05-10", "2023-07-10", "2023-12-10", "2024-01-10",
                              "2024-06-10", "2024-07-10")]
    return build([ONE], attendance)


def test_the_cycle_ending_in_the_year_is_scored() -> None:
    result = points.assess(_records(), _cycle(), year=2024)
    credits = result.ledger[result.ledger["rule"] == "credit.theme_day"]
    assert credits["date"].dt.strftime("%Y-%m").tolist() == ["2023-07", "2023-12", "2024-01",
                                                             "2024-06"]
    assert total(result, "M1", "participation") == 8.0
    issues = result.issues.set_index("code")
    assert "2024 年度（2023-07-01 至 2024-06-30）" in issues.loc["outside_year", "message"]
    assert issues.loc["history", "source"] == "签到!A1"  # May 2023: before the cycle
    assert result.period_text == "2024年度（2023-07-01至2024-06-30）"
    monthly = result.monthly[result.monthly["member_id"] == "M1"]
    assert monthly["month"].tolist() == [7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6]
    assert monthly["cumulative"].iloc[-1] == total(result, "M1")


def test_quarters_count_from_the_cycle_start() -> None:
    result = points.assess(_records(), _cycle(period="quarter"), year=2024)
    credits = result.ledger[result.ledger["rule"] == "credit.theme_day"]
    assert credits["period"].tolist() == [1, 2, 3, 4]  # Jul, Dec, Jan, Jun


def test_the_year_follows_the_records_and_the_as_of_date() -> None:
    assert points.assess(_records(), _cycle()).year == 2024  # four records in the 2024 cycle
    early = points.assess(_records(), _cycle(), as_of="2023-12-31")
    assert (early.year, early.period_text) == (2024, "2024年度（2023-07-01起，截至2023-12-31）")
    with pytest.raises(points.ArgumentError, match="不在 2024 年度（2023-07-01 至 2024-06-30）内"):
        points.assess(_records(), _cycle(), year=2024, as_of="2024-08-01")


def test_a_minimum_per_quarter_follows_the_cycle() -> None:
    minimum = Minimum(name="季度党课", id="quarterly", activity="党课", per="quarter",
                      unrecorded="missed")
    result = points.assess(_records(), _cycle(minimums=(minimum,)), year=2024)
    flag = result.flags.set_index("code").loc["missed_minimum"]
    assert flag["months"] == ("2023-07 至 2023-09、2023-10 至 2023-12、2024-01 至 2024-03、"
                              "2024-04 至 2024-06")


def test_cycle_start_is_read_and_checked(tmp_path: Path) -> None:
    default = (Path(points.__file__).parent / "rules" / "shipped" / "dujiangyan.toml").read_text(
        encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text('cycle_start = "7-1"\n' + default, encoding="utf-8")
    assert points.load_ruleset(good).cycle_start == "07-01"
    bad = tmp_path / "bad.toml"
    bad.write_text('cycle_start = "07-15"\n' + default, encoding="utf-8")
    with pytest.raises(points.RulesetError) as info:
        points.load_ruleset(bad)
    assert [p for p, _ in info.value.problems] == ["$.cycle_start"]


def test_the_rule_table_names_the_cycle() -> None:
    table = rule_table(_cycle())
    row = table[table["编号"] == "cycle_start"].iloc[0]
    assert row["说明"] == "考核周期从每年 7 月 1 日起，年度指周期结束的那一年"
    assert "cycle_start" not in set(rule_table(points.default_ruleset())["编号"])
