"""Scoring under the default ruleset: hand-checked cases from default-ruleset.md.

Cases that look at one member's points are scenarios of their own branch in one assessment of
2024 (:func:`year`, :func:`conftest.together`: the scenario's key and ``/`` before its member
ids, its sources as built alone); cases about issues (counted over every member) or another
year, date or ruleset are assessed alone."""

from __future__ import annotations

import pandas as pd
import pytest

import points
from conftest import build, rules, together, total

ONE = ("M1", "张三", "一支部", "在职党员")


def assess(records: points.Records, **kw: object) -> points.Assessment:
    return points.assess(records, year=2024, **kw)  # type: ignore[arg-type]


MEETINGS = [
    ("在职党员", "present", 5, 0),
    ("在职党员", "late", 5, -1),
    ("在职党员", "online", 2.5, 0),
    ("在职党员", "makeup", 2.5, 0),
    ("在职党员", "leave", 0, 0),
    ("在职党员", "absent", 0, -3),
    ("在职党员", "blank", 0, -3),
    ("流动党员", "online", 5, 0),
    ("流动党员", "makeup", 5, 0),
    ("流动党员", "absent", 0, 0),
    ("流动党员", "late", 5, -1),
    ("年老体弱党员", "online", 5, 0),
    ("年老体弱党员", "blank", 0, 0),
    ("离退休党员", "online", 2.5, 0),
    ("预备党员", "absent", 0, -3),
    ("发展对象", "online", 2.5, 0),
]
#: scenario key → the keyword arguments of conftest.build, for :func:`year`
SCENARIOS: dict[str, dict[str, list[tuple]]] = {}


def scenario(key: str, members: list[tuple], attendance: list[tuple] | None = None,
             **logs: list[tuple]) -> str:
    """Register a scenario for :func:`year`; returns ``key + "/"``, its member ids' prefix."""
    SCENARIOS[key] = {"members": members, "attendance": attendance or [], **logs}
    return key + "/"


@pytest.fixture(scope="module")
def year() -> points.Assessment:
    """Every scenario of :data:`SCENARIOS` in one assessment of 2024 (never change it)."""
    return assess(together({k: build(**v) for k, v in SCENARIOS.items()}))


ABSENCES = [("支部党员大会", -3), ("党小组会", -3), ("党课", -3), ("组织生活会", -3), ("主题党日", -2),
            ("集中学习", -2), ("支委会", 0)]


@pytest.fixture(scope="module")
def meetings() -> points.Assessment:
    """One member per case of MEETINGS (``C0``, ``C1``, …: the case's category, one 支部党员大会
    with the case's status), assessed together: a member's points depend on that member's
    records only, and one assessment costs what sixteen did."""
    return assess(build([(f"C{i}", f"党员{i}", "一支部", case[0]) for i, case in enumerate(MEETINGS)],
                        [(f"C{i}", "2024-03-10", "支部党员大会", case[1])
                         for i, case in enumerate(MEETINGS)]))


@pytest.fixture(scope="module")
def absences() -> points.Assessment:
    """One 在职党员 per activity of ABSENCES (``A0``, ``A1``, …: present in March, absent in
    April), assessed together."""
    return assess(build([(f"A{i}", f"党员{i}", "一支部", "在职党员") for i in range(len(ABSENCES))],
                        [(f"A{i}", f"2024-0{month}-10", activity, status)
                         for i, (activity, _) in enumerate(ABSENCES)
                         for month, status in ((3, "present"), (4, "absent"))]))


@pytest.mark.parametrize(("category", "status", "participation", "deductions"), MEETINGS)
def test_one_branch_meeting_by_category_and_status(meetings: points.Assessment, category: str,
                                                   status: str, participation: float,
                                                   deductions: float) -> None:
    member = f"C{MEETINGS.index((category, status, participation, deductions))}"
    assert total(meetings, member, "participation") == participation
    assert total(meetings, member, "deductions") == deductions
    assert total(meetings, member) == max(participation + deductions, 0)


@pytest.mark.parametrize(("activity", "absence"), ABSENCES)
def test_absence_deduction_per_activity(absences: points.Assessment, activity: str,
                                        absence: float) -> None:
    assert total(absences, f"A{ABSENCES.index((activity, absence))}", "deductions") == absence


COMMITTEE = scenario("committee", [ONE], [("M1", "2024-03-10", "支委会", "present"),
                                          ("M1", "2024-04-10", "支委会", "late")])


def test_committee_meeting_earns_nothing_but_late_costs_one(year: points.Assessment) -> None:
    member = COMMITTEE + "M1"
    assert rules(year, member) == [("late.committee_meeting", -1.0), ("floor", 1.0)]
    assert total(year, member) == 0


CAPPED = scenario("capped", [ONE], [("M1", f"2024-{m:02d}-05", "支部党员大会", "present")
                                    for m in range(1, 7)])


def test_activity_cap_adds_one_adjustment_row_at_the_crossing_record(
        year: points.Assessment) -> None:
    assert total(year, CAPPED + "M1", "participation") == 20
    caps = year.ledger[(year.ledger["rule"] == "cap.branch_meeting")
                       & (year.ledger["member_id"] == CAPPED + "M1")]
    assert caps["points"].tolist() == [-10.0]
    assert caps["source"].tolist() == ["签到!A5"]  # the 5th meeting passed 20
    assert caps["date"].tolist() == [pd.Timestamp("2024-05-05")]


BUSY = scenario("busy", [ONE], [
    ("M1", f"2024-{m:02d}-0{d}", act, "present") for m in range(1, 13)
    for d, act in enumerate(["党小组会", "主题党日", "集中学习", "支部党员大会"], 1)] + [
    ("M1", "2024-06-20", "党课", "present"), ("M1", "2024-07-20", "党课", "present"),
    ("M1", "2024-11-20", "组织生活会", "present")])


def test_dimension_cap_of_participation_is_60(year: points.Assessment) -> None:
    # 24 + 24 + 12 + 20 + 10 + 5 = 95 after activity caps, 60 after the dimension cap
    assert total(year, BUSY + "M1", "participation") == 60
    assert rules(year, BUSY + "M1").count(("dimcap.participation", -35.0)) == 1


VANGUARD = scenario("vanguard", [ONE], bonuses=[
    ("M1", f"2024-05-{d:02d}", "志愿服务") for d in range(1, 13)]
    + [("M1", "2024-06-01", "表彰(省级及以上)"), ("M1", "2024-07-01", "讲党课")])


def test_vanguard_bonus_caps_and_dimension_cap(year: points.Assessment) -> None:
    # volunteer 12 → capped 10; + 10 + 3 = 23 → dimension cap 20
    assert total(year, VANGUARD + "M1", "vanguard") == 20
    assert ("cap.volunteer", -2.0) in rules(year, VANGUARD + "M1")
    assert ("dimcap.vanguard", -3.0) in rules(year, VANGUARD + "M1")


def test_appraisal_points_and_missing_result_issue() -> None:
    result = assess(build([ONE, ("M2", "李四", "一支部", "在职党员")],
                          appraisals=[("M1", "基本合格")]))
    assert total(result, "M1", "appraisal") == 10
    assert total(result, "M2", "appraisal") == 0
    issue = result.issues[result.issues["code"] == "appraisal_missing"]
    assert issue[["source", "member_id"]].values.tolist() == [["名册!A3", "M2"]]


def test_candidates_have_no_appraisal_dimension() -> None:
    result = assess(build([("C1", "赵六", "一支部", "发展对象")],
                          [("C1", "2024-03-01", "党课", "present")],
                          appraisals=[("C1", "优秀")]))
    assert pd.isna(total(result, "C1", "appraisal"))
    assert total(result, "C1") == 5
    assert result.issues["code"].tolist() == ["appraisal_not_applicable"]


NEGATIVE = scenario("negative", [ONE], [("M1", "2024-03-01", "党课", "present")],
                    negatives=[("M1", "2024-04-01", "拒不完成组织分配任务"),
                               ("M1", "2024-05-01", "未按时交纳党费")])


def test_negative_list_deductions_and_floor_at_zero(year: points.Assessment) -> None:
    assert total(year, NEGATIVE + "M1", "deductions") == -12
    assert total(year, NEGATIVE + "M1", "adjustment") == 7
    assert total(year, NEGATIVE + "M1") == 0


SANCTION = scenario("sanction", [ONE], [("M1", f"2024-0{m}-01", "支部党员大会", "present")
                                        for m in range(1, 5)],
                    negatives=[("M1", "2024-08-01", "违法违纪")], appraisals=[("M1", "优秀")])


def test_disciplinary_sanction_zeroes_the_year(year: points.Assessment) -> None:
    assert total(year, SANCTION + "M1") == 0
    zero = year.ledger[(year.ledger["rule"] == "zero.disciplinary_sanction")
                       & (year.ledger["member_id"] == SANCTION + "M1")]
    assert zero[["points", "source", "item"]].values.tolist() == [[-40.0, "负面清单!A1",
                                                                   "受到党纪政务处分"]]


WINDOW = scenario("window", [("M1", "张三", "一支部", "预备党员", "2024-05-01"),
                             ("M2", "李四", "一支部", "在职党员", None, "2024-03-31")],
                  [("M1", "2024-03-01", "支部党员大会", "absent"),
                   ("M1", "2024-06-01", "支部党员大会", "present"),
                   ("M2", "2024-03-01", "支部党员大会", "present"),
                   ("M2", "2024-06-01", "支部党员大会", "absent")])


def test_membership_window_excludes_records_silently(year: points.Assessment) -> None:
    assert total(year, WINDOW + "M1", "participation") == 5
    assert total(year, WINDOW + "M1", "deductions") == 0
    assert total(year, WINDOW + "M2", "participation") == 5
    assert total(year, WINDOW + "M2", "deductions") == 0
    assert "outside_year" not in set(year.issues["code"])  # (no scenario has one)


LEFT = scenario("left", [ONE, ("M2", "李四", "一支部", "在职党员", None, "2023-06-30")])


def test_member_who_left_before_the_year_is_not_assessed(year: points.Assessment) -> None:
    assert [m for m in year.totals["member_id"] if m.startswith(LEFT)] == [LEFT + "M1"]


@pytest.mark.parametrize(
    ("rows", "code", "source"),
    [
        ([("X9", "2024-03-01", "党课", "present")], "unknown_member", "签到!A1"),
        ([("M1", "2024-03-01", "读书会", "present")], "unknown_activity", "签到!A1"),
        ([("M1", "2025-01-02", "党课", "present")], "outside_year", "签到!A1"),
        ([("M1", "2023-12-01", "党课", "present")], "history", "签到!A1"),  # looked back at
    ],
)
def test_unusable_attendance_becomes_an_issue(rows: list[tuple], code: str, source: str) -> None:
    result = assess(build([ONE], rows, appraisals=[("M1", "合格")]))
    assert result.issues[["code", "source"]].values.tolist() == [[code, source]]
    assert total(result, "M1") == 15  # the appraisal only


def test_unknown_member_is_one_issue_with_the_count() -> None:
    result = assess(build([ONE], [("X9", f"2024-0{m}-01", "党课", "present") for m in (3, 4, 5)],
                          appraisals=[("M1", "合格")]))
    assert result.issues["message"].tolist() == ["名册中没有编号为“X9”的党员，其3条签到记录未计分"]


def test_unknown_log_item_and_category() -> None:
    result = assess(build([("M1", "张三", "一支部", "外星党员")],
                          bonuses=[("M1", "2024-03-01", "献血")], appraisals=[("M1", "合格")]))
    assert sorted(result.issues[["code", "source"]].values.tolist()) == [
        ["unknown_category", "名册!A2"], ["unknown_item", "先锋示范!A1"]]
    assert result.totals["category"].tolist() == ["在职党员"]


def test_an_unknown_item_is_one_issue_per_name_at_its_first_address() -> None:
    result = assess(build([ONE, ("M2", "李四", "一支部", "在职党员")],
                          bonuses=[("M2", "2024-05-01", "献血"), ("M1", "2024-03-01", "献血"),
                                   ("M1", "2024-04-01", "义务植树")],
                          appraisals=[("M1", "合格"), ("M2", "合格")]))
    assert result.issues[["code", "message", "source"]].values.tolist() == [
        ["unknown_item", "先锋示范中没有“献血”这一事项，2条记录未计分（可在规则的 aliases 中补充，"
                         "或改正事项名称）", "先锋示范!A1"],
        ["unknown_item", "先锋示范中没有“义务植树”这一事项，1条记录未计分（可在规则的 aliases 中补充，"
                         "或改正事项名称）", "先锋示范!A3"]]


def test_results_a_ruleset_does_not_score_are_one_issue() -> None:
    sanjin = points.load_ruleset("sanjin")
    result = points.assess(build([ONE, ("M2", "李四", "一支部", "在职党员")],
                                 [("M1", "2024-03-01", "党课", "present")],
                                 appraisals=[("M1", "合格"), ("M2", "优秀")]), sanjin, year=2024)
    assert result.issues[["code", "message", "source"]].values.tolist() == [
        ["appraisal_not_applicable", "本规则（三晋先锋组织生活积分）不计民主评议，2条评议结果未计分",
         "评议!A1"]]


def test_duplicates_count_once_and_conflicts_count_never() -> None:
    result = assess(build([ONE], [("M1", "2024-03-01", "党课", "present"),
                                  ("M1", "2024-03-01", "党课", "present"),
                                  ("M1", "2024-04-01", "党课", "present"),
                                  ("M1", "2024-04-01", "党课", "absent")],
                          appraisals=[("M1", "合格")]))
    assert total(result, "M1", "participation") == 5
    assert result.issues[["code", "source"]].values.tolist() == [
        ["duplicate_record", "签到!A2"], ["conflicting_records", "签到!A3"],
        ["conflicting_records", "签到!A4"]]


def test_as_of_scores_the_year_so_far() -> None:
    records = build([ONE], [("M1", "2024-03-01", "党课", "present"),
                            ("M1", "2024-05-01", "党课", "present"),
                            ("M1", "2024-06-01", "党课", "blank")])
    result = points.assess(records, as_of="2024-04-30")
    assert result.year == 2024
    assert total(result, "M1") == 5
    # the May mark is after the as-of date: an issue; the June blank is an unfilled column
    assert result.issues[["code", "source"]].values.tolist() == [["after_as_of", "签到!A2"]]
    assert result.monthly["month"].max() == 4


def test_blank_policy_ignore() -> None:
    from attrs import evolve

    default = points.default_ruleset()
    ignore = evolve(default, marks=evolve(default.marks, blank="ignore"))
    records = build([ONE], [("M1", "2024-03-01", "党课", "blank")])
    assert total(points.assess(records, default, year=2024), "M1", "deductions") == -3
    assert total(points.assess(records, ignore, year=2024), "M1", "deductions") == 0


def test_year_is_taken_from_the_data() -> None:
    records = build([ONE], [("M1", "2023-12-01", "党课", "present"),
                            ("M1", "2024-03-01", "党课", "present"),
                            ("M1", "2024-04-01", "党课", "present")])
    assert points.assess(records).year == 2024


MONTHLY = scenario("monthly", [ONE], [("M1", "2024-03-01", "党课", "present"),
                                      ("M1", "2024-05-01", "主题党日", "absent")],
                   bonuses=[("M1", "2024-05-02", "讲党课")], appraisals=[("M1", "合格")])


def test_monthly_totals_add_up_to_the_year(year: points.Assessment) -> None:
    monthly = year.monthly[year.monthly["member_id"] == MONTHLY + "M1"].set_index("month")
    assert monthly.loc[3, "total"] == 5
    assert monthly.loc[5, "total"] == 1
    assert monthly.loc[12, "cumulative"] == total(year, MONTHLY + "M1") == 21


def test_bad_arguments_are_clear_errors() -> None:
    records = build([ONE])
    with pytest.raises(TypeError, match=r"expected points\.Records"):
        points.assess(pd.DataFrame())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="无法判断考核年度"):
        points.assess(records)
    with pytest.raises(ValueError, match="2024-03-01 不在 2023 年度内"):
        points.assess(records, year=2023, as_of="2024-03-01")
    with pytest.raises(ValueError, match="统计截止日：应为日期，如 2024-09-30，实际是 'soon'"):
        points.assess(records, as_of="soon")
