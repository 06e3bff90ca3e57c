"""The roster as assessed: dates that cannot be right are data issues, never a silent
exclusion (#13)."""

from __future__ import annotations

import points
from conftest import build


def test_impossible_roster_dates_are_issues() -> None:
    records = build([("M1", "张三", "一支部", "在职党员", "9999-01-01"),
                     ("M2", "李四", "一支部", "在职党员", "2020-05-01", "2019-01-01"),
                     ("M3", "王五", "一支部", "在职党员", "2024-08-01")],
                    [("M3", "2024-09-10", "主题党日", "present")])
    result = points.assess(records, year=2024)
    found = result.issues[result.issues["code"] == "roster_date"]
    assert found["member_id"].tolist() == ["M1", "M2"]
    assert "9999-01-01 在 2024 年度之后" in found["message"].iloc[0]
    assert "早于入党（转入）日期" in found["message"].iloc[1]
    assert result.totals["member_id"].tolist() == ["M3"]  # joined in August: scored from then


def test_an_as_of_run_does_not_question_a_member_who_joins_later_that_year() -> None:
    records = build([("M1", "张三", "一支部", "在职党员", "2024-08-01"),
                     ("M2", "李四", "一支部", "在职党员")],
                    [("M2", "2024-03-10", "主题党日", "present")])
    result = points.assess(records, as_of="2024-06-30")
    assert "roster_date" not in set(result.issues["code"])
