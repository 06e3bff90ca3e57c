"""The published schemes shipped as rulesets, each scoring a small case checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import points
from conftest import build, rules, total


@pytest.fixture(scope="module")
def hongtong() -> points.Ruleset:
    return points.load_ruleset("hongtong")


def test_hongtong_starts_at_100_and_deducts(hongtong: points.Ruleset) -> None:
    records = build(
        [("M1", "张三", "一支部", "在职党员"), ("M2", "李四", "一支部", "在职党员")],
        [("M1", "2024-03-01", "支部党员大会", "absent"), ("M1", "2024-04-01", "党小组会", "blank"),
         ("M1", "2024-05-01", "主题党日", "absent"), ("M1", "2024-06-01", "党课", "leave"),
         ("M1", "2024-07-01", "党课", "present")],
        bonuses=[("M1", f"2024-08-0{d}", "志愿服务") for d in (1, 2, 3)],
        negatives=[("M2", "2024-09-01", "违纪违法")],
    )
    result = points.assess(records, hongtong, year=2024)
    # 100 − 5 − 5 − 3 + 3 = 90; leave costs nothing
    assert total(result, "M1") == 90
    assert total(result, "M1", "base") == 100
    assert total(result, "M1", "deductions") == -13
    assert total(result, "M1", "vanguard") == 3
    assert total(result, "M2") == 0  # breaking the law or discipline sets the score to 0
    assert ("zero.law_or_discipline", -100.0) in rules(result, "M2")
    assert hongtong.grades.bottom_min_share == pytest.approx(0.1)


def test_sanjin_five_points_a_meeting_capped_at_the_expected_number() -> None:
    sanjin = points.load_ruleset("sanjin")
    rows = [("M1", f"2024-{m:02d}-01", "支部党员大会", "present") for m in range(1, 6)]
    rows += [("M1", f"2024-{m:02d}-02", "党课", "present") for m in range(1, 4)]
    rows += [("M1", f"2024-{m:02d}-03", "支委会", "present") for m in range(1, 4)]
    rows += [("M1", "2024-09-04", "主题党日", "leave"), ("M1", "2024-10-04", "主题党日", "blank")]
    result = points.assess(build([("M1", "张三", "一支部", "在职党员")], rows), sanjin,
                           year=2024)
    # 支部党员大会 25 → 20, 党课 15 → 5, 支委会 15; leave and blank earn nothing
    assert total(result, "M1") == 40
    assert ("cap.branch_meeting", -5.0) in rules(result, "M1")
    assert ("cap.party_lecture", -10.0) in rules(result, "M1")


def test_beijiang_monthly_base_with_deductions_averaged() -> None:
    beijiang = points.load_ruleset("beijiang")
    records = build(
        [("M1", "张三", "一支部", "在职党员"), ("M2", "李四", "一支部", "在职党员", "2024-02-10")],
        [("M1", "2024-01-05", "集中学习", "absent"), ("M1", "2024-01-19", "集中学习", "blank"),
         ("M1", "2024-02-05", "主题党日", "leave"), ("M2", "2024-02-15", "主题党日", "absent")],
        negatives=[("M1", "2024-02-20", "拒不完成组织分配任务")],
    )
    result = points.assess(records, beijiang, as_of="2024-02-29")
    # M1: January 100 − 6 = 94, February 100 − 10 = 90 → mean 92
    assert total(result, "M1") == 92
    assert ("aggregate", -92.0) in rules(result, "M1")
    # M2 joined in February: the year so far is February alone, 100 − 2
    assert total(result, "M2") == 98
    monthly = result.monthly[result.monthly["member_id"] == "M1"]
    assert monthly["cumulative"].iloc[-1] == 92


def test_beijiang_month_floor_is_zero() -> None:
    beijiang = points.load_ruleset("beijiang")
    records = build([("M1", "张三", "一支部", "在职党员")],
                    negatives=[("M1", f"2024-01-{d:02d}", "拒不完成组织分配任务")
                               for d in range(10, 21)])
    result = points.assess(records, beijiang, as_of="2024-02-29")
    # January: 100 − 110 → floor 0; February: 100 → mean 50
    assert total(result, "M1") == 50
    assert ("floor", 10.0) in rules(result, "M1")


def quarter_of_meetings(member: str, quarter: int) -> list[tuple[str, str, str, str]]:
    """A full quarter of meetings: 1 支部党员大会, 3 党小组会, 3 主题党日, 1 党课, 1 集中学习."""
    months = [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    rows = [(member, f"2024-{months[0]:02d}-03", "支部党员大会", "present"),
            (member, f"2024-{months[1]:02d}-04", "党课", "present"),
            (member, f"2024-{months[2]:02d}-05", "集中学习", "present")]
    for m in months:
        rows += [(member, f"2024-{m:02d}-10", "党小组会", "present"),
                 (member, f"2024-{m:02d}-20", "主题党日", "present")]
    return rows


def test_huguan_a_perfect_member_reaches_the_top_band_whatever_the_window() -> None:
    huguan = points.load_ruleset("huguan")
    rows: list[tuple[str, str, str, str]] = []
    for q in (1, 2, 3, 4):
        rows += quarter_of_meetings("B1", q)
    rows += [r for q in (3, 4) for r in quarter_of_meetings("B2", q)]
    bonuses = [(m, f"2024-{3 * q:02d}-{d}", "志愿服务") for m in ("B1", "B2")
               for q in range(1, 5) for d in range(11, 16)]  # 5 × 2 = 10 a quarter
    records = build([("B1", "王五", "一村", "B"), ("B2", "钱七", "一村", "B", "2024-07-01")],
                    rows, bonuses=bonuses, appraisals=[("B1", "优秀"), ("B2", "优秀")])
    result = points.assess(records, huguan, year=2024)
    # every quarter: base 20 + tasks 50 + vanguard 10 = 80, so the carried base stays
    # 0.25 × 80 = 20; the year: mean 80 + 优秀 20 = 100, for a full year and for a half year
    assert total(result, "B1") == 100 and total(result, "B2") == 100
    bases = [p for r, p in rules(result, "B1") if r == "base.base"]
    assert bases == [20, 20, 20, 20]
    assert result.rankings.set_index("member_id")["grade"].tolist() == ["优秀", "优秀"]


def test_huguan_quarters_carry_a_quarter_of_the_total_forward() -> None:
    huguan = points.load_ruleset("huguan")
    rows = quarter_of_meetings("B1", 1)
    rows += [("B1", f"2024-0{m}-01", "支部党员大会", "present") for m in (4, 5)]
    rows += [("A1", "2024-01-01", "支委会", "present"), ("B1", "2024-01-02", "支委会", "present")]
    records = build([("B1", "王五", "一村", "无职党员"), ("A1", "赵六", "一村", "A类")], rows,
                    appraisals=[("B1", "合格"), ("A1", "优秀")])
    result = points.assess(records, huguan, year=2024)
    # B1: Q1 = 20 + 50 = 70; Q2 = 17.5 + 20 = 37.5; Q3 = 9.375; Q4 = 2.34375
    #     mean = 119.21875 / 4 = 29.8046875; + 合格 15
    assert total(result, "B1") == pytest.approx(29.8046875 + 15)
    bases = [p for r, p in rules(result, "B1") if r == "base.base"]
    assert bases == pytest.approx([20, 17.5, 9.375, 2.34375])
    # A1 (village cadre): 支委会 counts 5 for category A only: Q1 = 25, then 6.25, 1.5625, …
    assert total(result, "A1") == pytest.approx((25 + 6.25 + 1.5625 + 0.390625) / 4 + 20)
    assert result.totals.set_index("member_id").loc["A1", "category"] == "A类（村干部党员）"


def test_huguan_tasks_cap_fifty_a_quarter() -> None:
    huguan = points.load_ruleset("huguan")
    rows = [("B1", f"2024-01-{d:02d}", "支部党员大会", "present") for d in range(1, 7)]
    result = points.assess(build([("B1", "王五", "一村", "B")], rows), huguan, as_of="2024-03-31")
    # Q1: 60 → tasks capped at 50; + base 20 = 70 (no appraisal yet)
    assert total(result, "B1") == 70
    assert ("dimcap.tasks", -10.0) in rules(result, "B1")


def test_huguan_candidates_are_banded_not_graded() -> None:
    huguan = points.load_ruleset("huguan")
    rows = [r for q in (1, 2, 3, 4) for r in quarter_of_meetings("K1", q)]
    result = points.assess(build([("K1", "孙八", "一村", "发展对象")], rows), huguan, year=2024)
    # 20 + 50 a quarter, base carried 0.25 × 70 = 17.5, then 16.875, 16.71875 → mean 67.2734375
    assert total(result, "K1") == pytest.approx((70 + 67.5 + 66.875 + 66.71875) / 4)
    ranked = result.rankings.set_index("member_id")
    assert ranked.loc["K1", "kind"] == "candidate" and pd.isna(ranked.loc["K1", "grade"])
    assert ranked.loc["K1", "candidate_band"] == "重点培养"  # ≥ 64 of 80
    assert "unknown_category" not in set(result.issues["code"])


def test_beijiang_grades_nobody_so_no_records_is_never_excellent() -> None:
    beijiang = points.load_ruleset("beijiang")
    records = build([("M1", "张三", "一支部", "在职党员"), ("M2", "李四", "一支部", "在职党员")],
                    [("M1", "2024-01-05", "集中学习", "present")])
    result = points.assess(records, beijiang, year=2024)
    assert beijiang.grades is None
    assert total(result, "M2") == 100  # nothing deducted …
    assert result.rankings["grade"].isna().all()  # … and no grade to be read from it
    assert "no_records" in set(result.flags.loc[result.flags["member_id"] == "M2", "code"])
