"""Minimum frequencies per category (#16, item 4), hand-checked: 每月至少参加一次主题党日,
流动党员每季度至少参加一次线上学习; a missed minimum deducts and/or raises ``missed_minimum``
with the periods as evidence, looking back through last year's records."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import build, examples, monthly, total
from points.report.ruletable import rule_table
from points.rules.model import Minimum

ONE = ("M1", "张三", "一支部", "在职党员")
MONTHLY = Minimum(name="每月主题党日", id="monthly_day", activity="主题党日", points=-1.0)


def _rules(*minimums: Minimum) -> points.Ruleset:
    return attrs.evolve(points.default_ruleset(), minimums=minimums)


def _day(month: int, status: str, year: int = 2024) -> tuple[str, str, str, str]:
    return ("M1", f"{year}-{month:02d}-10", "主题党日", status)


def test_each_month_without_the_activity_deducts_and_is_flagged() -> None:
    attendance = [_day(m, "absent" if m in (3, 6) else "present") for m in range(1, 13)]
    result = points.assess(build([ONE], attendance), _rules(MONTHLY), year=2024)
    rows = result.ledger[result.ledger["rule"] == "minimum.monthly_day"]
    assert rows[["date", "points", "source"]].astype(str).values.tolist() == [
        ["2024-03-31", "-1.0", "签到!A3"], ["2024-06-30", "-1.0", "签到!A6"]]
    assert rows["item"].iloc[0] == "每月主题党日：2024-03 参加 0 次（主题党日每月至少参加 1 次）"
    # 10 × 2 credit, capped at 24: 20; two absences −2 each, two shortfalls −1 each: −6
    assert total(result, "M1", "deductions") == -6.0
    flag = result.flags.set_index("code").loc["missed_minimum"]
    assert flag["detail"] == "主题党日每月至少参加 1 次，2 个月未达到（2024-03、2024-06）"
    assert flag["months"] == "2024-03、2024-06"
    assert flag["label"] == "未达到最低参加次数"
    evidence = result.evidence[result.evidence["code"] == "missed_minimum"]
    assert evidence["source"].tolist() == ["签到!A3", "签到!A6"]


def test_a_run_of_shortfalls_from_last_year_is_named_with_its_cells() -> None:
    attendance = [_day(11, "present", 2023), _day(12, "absent", 2023),
                  _day(1, "leave"), _day(2, "present")]
    result = points.assess(build([ONE], attendance), _rules(MONTHLY), year=2024)
    flag = result.flags.set_index("code").loc["missed_minimum"]
    assert flag["detail"] == ("主题党日每月至少参加 1 次，1 个月未达到（2024-01），"
                              "自 2023-12 起连续未达到")
    evidence = result.evidence[result.evidence["code"] == "missed_minimum"]
    assert evidence["source"].tolist() == ["签到!A2", "签到!A3"]  # December 2023, January 2024
    # history is not scored: one shortfall deducted, in 2024
    assert result.ledger.loc[result.ledger["rule"] == "minimum.monthly_day", "points"].sum() == -1


def test_per_quarter_for_one_category_any_activity_and_unrecorded_periods() -> None:
    """流动党员每季度至少参加一次学习 (any activity): only whole quarters of the window are
    judged; with ``unrecorded = "missed"`` a quarter without any record falls short too."""
    online = Minimum(name="流动党员季度学习", id="mobile_quarterly", categories=("流动党员",),
                     per="quarter", unrecorded="missed", flag=True)
    members = [("M1", "李四", "一支部", "流动党员"), ("M2", "王五", "一支部", "在职党员"),
               ("M3", "赵六", "一支部", "流动党员", "2024-02-15")]
    attendance = [("M1", "2024-02-10", "集中学习", "online"), ("M3", "2024-08-10", "党课", "online")]
    result = points.assess(build(members, attendance), _rules(online), year=2024,
                           as_of="2024-11-15")
    flags = result.flags[result.flags["code"] == "missed_minimum"].set_index("member_id")
    assert flags["months"].to_dict() == {
        "M1": "2024 年第 2 季度、2024 年第 3 季度",  # the 4th quarter is cut by --as-of
        "M3": "2024 年第 2 季度"}  # joined in the 1st quarter: judged from the 2nd
    assert not result.ledger["rule"].str.startswith("minimum.").any()  # flag only
    # quarters without a record are shown by the member's roster row
    evidence = result.evidence[result.evidence["code"] == "missed_minimum"]
    assert evidence[["member_id", "month", "source"]].values.tolist() == [
        ["M1", 4, "名册!A2"], ["M1", 7, "名册!A2"], ["M3", 4, "名册!A4"]]


def test_a_month_without_the_activity_is_not_judged_unless_said() -> None:
    attendance = [_day(m, "present") for m in (1, 2, 4)]  # no 主题党日 held in March
    result = points.assess(build([ONE], attendance), _rules(MONTHLY), year=2024,
                           as_of="2024-04-30")
    assert "missed_minimum" not in set(result.flags["code"])
    strict = attrs.evolve(MONTHLY, unrecorded="missed")
    result = points.assess(build([ONE], attendance), _rules(strict), year=2024,
                           as_of="2024-04-30")
    assert result.flags.set_index("code").loc["missed_minimum", "months"] == "2024-03"


def test_minimums_load_from_a_file_and_bad_ones_are_located(tmp_path: Path) -> None:
    default = (Path(points.__file__).parent / "rules" / "shipped" / "dujiangyan.toml").read_text(
        encoding="utf-8")
    good = default + ('\n[minimums."每月主题党日"]\nid = "monthly_day"\nactivity = "主题党日"\n'
                      'points = -1\n[minimums."流动党员学习"]\nid = "mobile"\nper = "quarter"\n'
                      'categories = ["流动党员"]\nunrecorded = "missed"\n')
    path = tmp_path / "good.toml"
    path.write_text(good, encoding="utf-8")
    loaded = points.load_ruleset(path)
    assert loaded.minimums == (MONTHLY, Minimum(name="流动党员学习", id="mobile", per="quarter",
                                                categories=("流动党员",), unrecorded="missed"))
    bad = default + ('\n[minimums."每月主题党日"]\nid = "monthly_day"\nactivity = "主题党曰"\n'
                     'categories = ["流动党猿"]\npoints = 1\nper = "week"\n')
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(points.RulesetError) as info:
        points.load_ruleset(path)
    where = dict(info.value.problems)
    assert "主题党日" in where["$.minimums.每月主题党日.activity"]
    assert "流动党员" in where["$.minimums.每月主题党日.categories[0]"]
    assert set(where) >= {"$.minimums.每月主题党日.points", "$.minimums.每月主题党日.per"}


def test_the_rule_table_shows_a_minimum() -> None:
    table = rule_table(_rules(MONTHLY))
    row = table[table["编号"] == "monthly_day"].iloc[0]
    assert (row["部分"], row["名称"], row["分值"]) == ("最低参加次数", "每月主题党日", -1.0)
    assert "主题党日每月至少参加 1 次" in row["说明"]


Per = Literal["month", "quarter", "year"]
Unrecorded = Literal["skip", "missed"]
PERS: list[Per] = ["month", "quarter", "year"]
UNRECORDED: list[Unrecorded] = ["skip", "missed"]


@settings(max_examples=examples(0.1), deadline=None)  # several assessments an example
@given(st.lists(st.lists(st.sampled_from(["present", "late", "leave", "absent", None]),
                         min_size=1, max_size=12), min_size=1, max_size=6),
       st.sampled_from(PERS), st.integers(min_value=1, max_value=3), st.sampled_from(UNRECORDED))
def test_a_minimum_never_credits(patterns: list[list[str | None]], per: Per, count: int,
                                 unrecorded: Unrecorded) -> None:
    """One member per pattern (None: no 主题党日 that month), assessed with and without."""
    records = monthly(patterns, "主题党日")
    minimum = Minimum(name="主题党日次数", id="days", activity="主题党日", per=per,
                      count=count, points=-1.5, unrecorded=unrecorded)
    plain = points.assess(records, year=2024).totals.set_index("member_id")["total"]
    with_minimum = points.assess(records, _rules(minimum), year=2024).totals.set_index(
        "member_id")["total"]
    assert (with_minimum <= plain + 1e-9).all()
