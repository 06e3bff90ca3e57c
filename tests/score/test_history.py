"""Records before the period are history: not scored, but the rules on consecutive months look
back through them (#16, item 1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import points
import workbooks as wb
from conftest import build

ONE = ("M1", "张三", "一支部", "在职党员")


def _year(folder: Path, year: int, months: range, mark: str) -> None:
    dates = [dt.date(year, m, 10) for m in months]
    wb.write(folder / f"{year}年主题党日.xlsx", {"主题党日": [
        [f"第一党支部{year}年主题党日签到表"], ["姓名", *dates], ["张三", *[mark] * len(dates)]]})


def test_six_months_across_new_year_are_one_run(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    _year(tmp_path, 2023, range(9, 13), "×")  # September to December 2023
    _year(tmp_path, 2024, range(1, 3), "×")   # January and February 2024
    records = points.read_workbooks(tmp_path)
    result = points.assess(records, year=2024)
    flag = result.flags.set_index(["member_id", "code"]).loc[("CG01", "six_month_rule")]
    assert flag["months"] == "2023-09 至 2024-02"
    evidence = result.evidence[(result.evidence["member_id"] == "CG01")
                               & (result.evidence["code"] == "six_month_rule")]
    files = evidence["source"].str.split("!").str[0]
    assert sorted(set(files)) == ["2023年主题党日.xlsx", "2024年主题党日.xlsx"]
    assert len(evidence) == 6
    # history is not scored: only 2024's two absences are deducted
    deductions = result.ledger[(result.ledger["member_id"] == "CG01")
                               & result.ledger["rule"].str.startswith("absence.")]
    assert len(deductions) == 2
    notice = result.issues[result.issues["code"] == "history"]
    assert notice["source"].tolist() == ["2023年主题党日.xlsx!主题党日!B3"]


def test_a_run_wholly_in_last_year_is_not_this_years_flag() -> None:
    attendance = [("M1", f"2023-{m:02d}-10", "主题党日", "absent") for m in range(1, 7)]
    attendance += [("M1", "2024-01-10", "主题党日", "present")]
    result = points.assess(build([ONE], attendance), year=2024)
    assert "six_month_rule" not in set(result.flags["code"])
    assert "absence_escalation" not in set(result.flags["code"])


def test_history_before_joining_is_not_looked_back_through() -> None:
    member = ("M1", "张三", "一支部", "在职党员", "2023-12-01")
    attendance = [("M1", f"2023-{m:02d}-10", "主题党日", "absent") for m in range(7, 13)]
    attendance += [("M1", f"2024-{m:02d}-10", "主题党日", "absent") for m in (1, 2)]
    result = points.assess(build([member], attendance), year=2024)
    flag = result.flags.set_index("code").loc["absence_escalation"]
    assert flag["months"] == "2023-12 至 2024-02"  # from joining on, three months
