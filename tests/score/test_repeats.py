"""Repeated records count once; a conflict is told in Chinese (#13)."""

from __future__ import annotations

import points
from conftest import build

ONE = ("M1", "张三", "一支部", "在职党员")


def test_a_cross_and_a_blank_for_one_meeting_are_one_absence() -> None:
    records = build([ONE], [("M1", "2024-03-05", "主题党日", "absent"),
                            ("M1", "2024-03-05", "主题党日", "blank")])
    result = points.assess(records, year=2024)
    assert result.events["status"].tolist() == ["absent"]
    assert result.issues["code"].tolist().count("conflicting_records") == 0
    assert result.issues["code"].tolist().count("duplicate_record") == 1
    deductions = result.ledger[result.ledger["rule"] == "absence.theme_day"]
    assert deductions["points"].tolist() == [-2.0]


def test_a_conflict_names_the_statuses_in_chinese() -> None:
    records = build([ONE], [("M1", "2024-03-05", "主题党日", "present"),
                            ("M1", "2024-03-05", "主题党日", "absent")])
    result = points.assess(records, year=2024)
    message = result.issues.set_index("code").loc["conflicting_records", "message"].iloc[0]
    assert "有不同签到：出席、缺席" in message
    assert "present" not in message and "absent" not in message
    assert result.events.empty


def test_identical_log_rows_count_once_with_an_issue() -> None:
    records = build([ONE], bonuses=[("M1", "2024-05-01", "讲党课"), ("M1", "2024-05-01", "讲党课"),
                                    ("M1", "2024-06-01", "讲党课")])
    result = points.assess(records, year=2024)
    lectures = result.ledger[result.ledger["rule"].str.startswith("bonus.")]
    assert lectures["points"].sum() == 6.0  # 3 + 3, the repeat not counted
    dup = result.issues[result.issues["code"] == "duplicate_record"]
    assert dup["source"].tolist() == ["先锋示范!A2"]
    assert "与 先锋示范!A1 相同" in dup["message"].iloc[0]
