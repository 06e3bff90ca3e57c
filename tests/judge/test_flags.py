"""Review flags: one test per code, with the edges of the consecutive-month rules.

The year-2024 cases are scenarios of their own branch, assessed together once for the module
(:func:`year`; :func:`conftest.together` puts each scenario's key and ``/`` before its member
ids and branches and keeps its sources): a member's flags and evidence depend on that
member's records and branch only, so each reads as its scenario assessed alone (checked when
the scenarios were merged: flags, evidence, totals, ledger, events and issues alike)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import ROOT, build, examples, together
from points.judge.flags import _evidence_order, _join_groups, _one_decimal, _pair_key
from points.vocab.frames import sort_frame

EMPLOYED = ("M1", "张三", "一支部", "在职党员")
LI_SI = ("M2", "李四", "一支部", "在职党员")


def months(member: str, which: Iterable[int], status: str, activity: str = "主题党日",
           day: int = 15) -> list[tuple]:
    return [(member, f"2024-{m:02d}-{day:02d}", activity, status) for m in which]


def flags_of(result: points.Assessment, member: str = "M1") -> dict[str, pd.Series]:
    rows = result.flags[result.flags["member_id"] == member]
    return {row["code"]: row for _, row in rows.iterrows()}


def evidence_of(result: points.Assessment, code: str, member: str = "M1") -> list[str]:
    ev = result.evidence
    return ev[(ev["member_id"] == member) & (ev["code"] == code)]["source"].tolist()


#: scenario key → the keyword arguments of conftest.build (members, attendance, negatives …)
SCENARIOS: dict[str, dict[str, list[tuple]]] = {}


def scenario(key: str, members: list[tuple], attendance: list[tuple] | None = None,
             negatives: list[tuple] | None = None, appraisals: list[tuple] | None = None
             ) -> str:
    """Register a year-2024 scenario for :func:`year`; returns ``key + "/"``, the prefix of
    its member ids there."""
    SCENARIOS[key] = {"members": members, "attendance": attendance or [],
                      "negatives": negatives or [], "appraisals": appraisals or []}
    return key + "/"


@pytest.fixture(scope="module")
def year() -> points.Assessment:
    """Every scenario of :data:`SCENARIOS` in one assessment of 2024 (never change it)."""
    return points.assess(together({k: build(**v) for k, v in SCENARIOS.items()}), year=2024)


SIX = scenario("six", [EMPLOYED], months("M1", range(1, 7), "absent")
               + months("M1", range(7, 13), "present"))


def test_exactly_six_missed_months_is_the_six_month_rule(year: points.Assessment) -> None:
    got = flags_of(year, SIX + "M1")
    assert "six_month_rule" in got and "absence_escalation" not in got
    flag = got["six_month_rule"]
    assert flag["months"] == "2024-01 至 2024-06"
    assert flag["label"] == points.FLAG_CODES["six_month_rule"].label
    assert flag["action"] == "按党章第九条进行自行脱党审查"
    assert evidence_of(year, "six_month_rule", SIX + "M1") == [f"签到!A{i}" for i in range(1, 7)]
    assert "签到!A1" in flag["evidence"] and "签到!A6" in flag["evidence"]
    assert flag["months_to_six_month_rule"] == 0


FIVE = scenario("five", [EMPLOYED], months("M1", range(1, 6), "absent")
                + months("M1", range(6, 13), "present"))


def test_exactly_five_missed_months_is_level_two_escalation(year: points.Assessment) -> None:
    got = flags_of(year, FIVE + "M1")
    assert "six_month_rule" not in got
    assert got["absence_escalation"]["level"] == 2
    assert got["absence_escalation"]["action"] == "限期改正"


SHORT = scenario("short", [EMPLOYED, LI_SI],
                 months("M1", [1, 2, 3], "absent") + months("M1", [4], "present")
                 + months("M2", [1], "absent") + months("M2", [2], "present"))


def test_two_and_three_months_are_level_one_and_one_month_is_nothing(
        year: points.Assessment) -> None:
    assert flags_of(year, SHORT + "M1")["absence_escalation"]["level"] == 1
    assert flags_of(year, SHORT + "M1")["absence_escalation"]["action"] == "批评教育"
    assert "absence_escalation" not in flags_of(year, SHORT + "M2")


LEAVE = scenario("leave", [EMPLOYED], months("M1", [1, 2, 3], "absent")
                 + months("M1", [4], "leave") + months("M1", [5, 6, 7], "absent"))


def test_a_leave_month_breaks_a_run(year: points.Assessment) -> None:
    got = flags_of(year, LEAVE + "M1")
    assert "six_month_rule" not in got
    assert got["absence_escalation"]["level"] == 1
    assert got["absence_escalation"]["months"] == "2024-05 至 2024-07"  # the latest longest run


GAP = scenario("gap", [EMPLOYED], months("M1", [1, 2, 3, 5, 6, 7], "absent"))  # no April


def test_a_month_without_records_is_skipped_inside_a_run(year: points.Assessment) -> None:
    flag = flags_of(year, GAP + "M1")["six_month_rule"]
    assert flag["months"] == "2024-01 至 2024-07"
    assert "最长连续 6 个月" in flag["detail"]


ANY = scenario("any", [EMPLOYED], months("M1", range(1, 7), "absent")
               + months("M1", [3], "present", activity="党小组会", day=5))


def test_attending_anything_in_a_month_is_not_a_missed_month(year: points.Assessment) -> None:
    got = flags_of(year, ANY + "M1")
    assert "six_month_rule" not in got
    assert got["absence_escalation"]["months"] == "2024-04 至 2024-06"


BLANK = scenario("blank", [EMPLOYED, LI_SI], months("M1", range(1, 7), "blank")
                 + months("M2", range(1, 7), "absent", activity="支委会"))


def test_blank_counts_as_unexcused_and_committee_meetings_are_not_organisational_life(
        year: points.Assessment) -> None:
    assert "six_month_rule" in flags_of(year, BLANK + "M1")
    got = flags_of(year, BLANK + "M2")
    assert "six_month_rule" not in got and "absence_escalation" not in got
    assert "unexcused_absences" in got  # 支委会 counts for the absence count


DUES = scenario("dues", [EMPLOYED, LI_SI], negatives=(
    [("M1", f"2024-{m:02d}-28", "未按时交纳党费") for m in range(3, 9)]
    + [("M2", f"2024-{m:02d}-28", "未按时交纳党费") for m in (1, 2, 3, 5, 6, 7)]))  # M2: a gap


def test_six_consecutive_months_of_unpaid_dues(year: points.Assessment) -> None:
    flag = flags_of(year, DUES + "M1")["six_month_rule"]
    assert "未按时交纳党费" in flag["detail"] and flag["months"] == "2024-03 至 2024-08"
    assert evidence_of(year, "six_month_rule", DUES + "M1") == [
        f"负面清单!A{i}" for i in range(1, 7)]
    assert "six_month_rule" not in flags_of(year, DUES + "M2")


MAY = scenario("may", [("M1", "张三", "一支部", "在职党员", "2024-05-01")],
               months("M1", range(1, 13), "absent"))


def test_a_member_who_joins_in_may_is_judged_from_may(year: points.Assessment) -> None:
    flag = flags_of(year, MAY + "M1")["six_month_rule"]
    assert flag["months"] == "2024-05 至 2024-12"
    ev = year.evidence
    assert ev.loc[(ev["code"] == "six_month_rule") & (ev["member_id"] == MAY + "M1"),
                  "month"].min() == 5


CANDIDATE = scenario("candidate", [("C1", "王五", "一支部", "发展对象")],
                     months("C1", range(1, 8), "absent"))


def test_development_candidates_escalate_but_never_get_the_six_month_rule(
        year: points.Assessment) -> None:
    got = flags_of(year, CANDIDATE + "C1")
    assert "six_month_rule" not in got
    assert got["absence_escalation"]["level"] == 2
    assert pd.isna(got["absence_escalation"]["months_to_six_month_rule"])


def test_as_of_shows_a_run_in_april_with_months_left() -> None:
    attendance = (months("M1", [1], "present") + months("M1", [2, 3, 4], "absent")
                  + months("M1", range(5, 13), "present"))
    april = points.assess(build([EMPLOYED], attendance), as_of="2024-04-30")
    flag = flags_of(april)["absence_escalation"]
    assert flag["level"] == 1 and flag["months_to_six_month_rule"] == 3
    december = points.assess(build([EMPLOYED], attendance), year=2024)
    assert flags_of(december)["absence_escalation"]["months_to_six_month_rule"] == 6


UNEXCUSED = scenario("unexcused", [("M1", "张三", "一支部", "流动党员"), LI_SI],
                     months("M1", [1, 2], "absent") + months("M1", [3], "absent", activity="支委会")
                     + months("M2", [1, 3], "absent"))


def test_unexcused_absences_three_flag_two_do_not(year: points.Assessment) -> None:
    flag = flags_of(year, UNEXCUSED + "M1")["unexcused_absences"]
    assert flag["detail"] == "统计期内无故缺席 3 次" and flag["action"] == "通报批评"
    assert evidence_of(year, "unexcused_absences", UNEXCUSED + "M1") == [
        "签到!A1", "签到!A2", "签到!A3"]
    assert "unexcused_absences" not in flags_of(year, UNEXCUSED + "M2")


LEAVES = [(3, 5, True),    # 3 of 8: more than a third
          (3, 6, False),   # 3 of 9: exactly a third
          (2, 1, False)]   # 2 of 3: fewer than three leaves
FREQUENT = {(leaves, others): scenario(
    f"leave{leaves}of{leaves + others}", [EMPLOYED], months("M1", range(1, leaves + 1), "leave")
    + months("M1", range(leaves + 1, leaves + others + 1), "present"))
    for leaves, others, _ in LEAVES}


@pytest.mark.parametrize(("leaves", "others", "flagged"), LEAVES)
def test_frequent_leave(year: points.Assessment, leaves: int, others: int, flagged: bool
                        ) -> None:
    member = FREQUENT[leaves, others] + "M1"
    assert ("frequent_leave" in flags_of(year, member)) is flagged
    if flagged:
        assert len(evidence_of(year, "frequent_leave", member)) == leaves


ZEROED = scenario("zeroed", [EMPLOYED], months("M1", [1], "present"),
                  [("M1", "2024-06-01", "违法违纪")])


def test_zeroed_names_the_sanction_record(year: points.Assessment) -> None:
    flag = flags_of(year, ZEROED + "M1")["zeroed"]
    assert flag["action"] == "组织处理" and "受到党纪政务处分" in flag["detail"]
    assert evidence_of(year, "zeroed", ZEROED + "M1") == ["负面清单!A1"]


SILENT = scenario("silent", [EMPLOYED, LI_SI], months("M1", [1], "present"))


def test_no_records_points_at_the_roster_row(year: points.Assessment) -> None:
    assert "no_records" not in flags_of(year, SILENT + "M1")
    assert flags_of(year, SILENT + "M2")["no_records"]["action"] == "失联党员排查"
    assert evidence_of(year, "no_records", SILENT + "M2") == ["名册!A3"]


APPRAISED = scenario("appraised", [EMPLOYED], appraisals=[("M1", "合格")])


def test_an_appraisal_alone_is_a_record(year: points.Assessment) -> None:
    assert "no_records" not in flags_of(year, APPRAISED + "M1")


GRADED = scenario("graded", [EMPLOYED], months("M1", [1], "present"), appraisals=[("M1", "合格")])


def test_grade_flags_come_from_the_bands(year: points.Assessment) -> None:
    flag = flags_of(year, GRADED + "M1")["grade_unqualified"]
    assert flag["action"] == "组织处置"
    assert evidence_of(year, "grade_unqualified", GRADED + "M1") == ["名册!A2"]
    assert "总积分 17.0" in flag["detail"]


def test_grade_flags_wait_for_the_full_year() -> None:
    result = points.assess(build([EMPLOYED], months("M1", [1], "present")), as_of="2024-03-31")
    assert set(flags_of(result)) == set()
    assert result.rankings.loc[0, "grade"] == "不合格"  # shown, not flagged


def test_every_flag_code_has_a_label_an_action_and_a_row_in_the_docs() -> None:
    assert len(points.FLAG_CODES) == 18
    docs = (ROOT / "docs" / "flags.md").read_text(encoding="utf-8")
    for code, spec in points.FLAG_CODES.items():
        assert spec.label and spec.action
        assert f"`{code}`" in docs, code


BOTH = scenario("both", [EMPLOYED], months("M1", range(1, 7), "absent"),
                [("M1", f"2024-{m:02d}-28", "未按时交纳党费") for m in range(5, 11)])


def test_missed_months_and_unpaid_dues_make_one_six_month_flag(year: points.Assessment) -> None:
    rows = year.flags[(year.flags["member_id"] == BOTH + "M1")
                      & (year.flags["code"] == "six_month_rule")]
    assert len(rows) == 1
    flag = rows.iloc[0]
    assert flag["months"] == "2024-01 至 2024-06；2024-05 至 2024-10"
    assert "未参加组织生活" in flag["detail"] and "未按时交纳党费" in flag["detail"]
    assert len(evidence_of(year, "six_month_rule", BOTH + "M1")) == 12


@settings(max_examples=examples(1))
@given(st.lists(st.tuples(st.sampled_from(["M1", "M2", "M10"]), st.integers(0, 2),
                          st.sampled_from([None, "2024-03-01", "2024-03-02"]),
                          st.sampled_from(["b.xlsx!表!A10", "b.xlsx!表!A9", "a.xlsx!表2!B3",
                                           "a.xlsx!表10!B3", None])), max_size=12))
def test_the_evidence_order_ranks_sources_only_among_ties(rows: list[tuple]) -> None:
    """The evidence's order (member, code, date, then the address among the rows tied on
    the rest) is the full sort's."""
    ev = pd.DataFrame(rows, columns=["member_id", "_order", "date", "source"]).astype(
        {"member_id": "string", "_order": "int64", "date": "datetime64[us]", "source": "string"})
    expected = sort_frame(ev, ["member_id", "_order", "date", "source"]).index.tolist()
    assert _evidence_order(ev).tolist() == expected


@settings(max_examples=examples(2))
@given(st.lists(st.sampled_from([0.0, -0.0, 1.25, 12.05, -3.5, float("nan"), 97.95, 1e6]),
                max_size=12))
def test_totals_are_formatted_once_per_value_as_each_alone(totals: list[float]) -> None:
    """The totals in a judgement's detail: formatted per distinct value (as bits, so -0.0
    keeps its sign), the same text as formatting each."""
    values = pd.Series(totals, index=range(10, 10 + len(totals)), dtype="float64")
    got = _one_decimal(values)
    assert got.tolist() == [f"{v:.1f}" for v in totals]
    assert got.index.equals(values.index) and got.dtype == "string"


def test_evidence_is_joined_per_member_and_code_and_found_by_an_unambiguous_key() -> None:
    member = pd.Series(["A:1", "A:1", "A", "A", "A"], dtype="string")
    code = pd.Series(["x", "x", "1:x", "y", "y"], dtype="string")
    text = pd.Series(["一", "二", "三", None, "五"], dtype="string")
    keys, joined = _join_groups(text, member, code)
    assert joined.to_pylist() == ["一；二", "三", None]  # a missing text: the group's too
    assert keys.to_pylist() == _pair_key(member.iloc[[0, 2, 3]], code.iloc[[0, 2, 3]]).to_pylist()
    assert len(set(keys.to_pylist())) == 3  # "A:1" + "x" is not "A" + "1:x"
    assert _pair_key(member.iloc[:0], code.iloc[:0]).to_pylist() == []
