"""Rankings, grades with the 优秀 quota, the low-grade share, probation and candidate bands,
and the candidates' merit list. Totals are built with the ``flat`` test ruleset, where a total
is simply the sum of 十分 (10) and 一分 (1) bonus records.

Cases judged within their branch only (grades and the quota, the low-grade share, bands) are
scenarios of their own branch, assessed together once for the module (:func:`year`,
:func:`conftest.together`: the key and ``/`` before every member id and branch); each reads as
assessed alone (checked when they were merged: flags, evidence, totals, ledger and rankings
but the ranks over everyone). Cases about ranks over everyone and the merit list are alone."""

from __future__ import annotations

import pandas as pd
import pytest

import points
from conftest import FLAT_RULES, build, together

FLAT = points.load_ruleset(FLAT_RULES)

People = list[tuple[str, str, str, float]]


def _records(people: People, negatives: list[tuple] = ()) -> points.Records:
    """people: (id, branch, category, total)."""
    bonuses: list[tuple] = []
    for member_id, _, _, amount in people:
        tens, ones = divmod(int(amount), 10)
        bonuses += [(member_id, f"2024-03-{d + 1:02d}", "十分") for d in range(tens)]
        bonuses += [(member_id, f"2024-04-{d + 1:02d}", "一分") for d in range(ones)]
    members = [(m, f"姓名{m}", branch, category) for m, branch, category, _ in people]
    return build(members, bonuses=bonuses, negatives=list(negatives))


def scored(people: People, negatives: list[tuple] = (),
           as_of: str | None = None) -> points.Assessment:
    """people: (id, branch, category, total)."""
    records = _records(people, negatives)
    if as_of:
        return points.assess(records, FLAT, as_of=as_of)
    return points.assess(records, FLAT, year=2024)


#: scenario key → its people, for :func:`year`
SCENARIOS: dict[str, People] = {}


def scenario(key: str, people: People) -> str:
    """Register a scenario for :func:`year`; returns ``key + "/"``, its member ids' prefix."""
    SCENARIOS[key] = people
    return key + "/"


@pytest.fixture(scope="module")
def year() -> points.Assessment:
    """Every scenario of :data:`SCENARIOS` in one assessment of 2024 (never change it)."""
    return points.assess(together({k: _records(p) for k, p in SCENARIOS.items()}), FLAT,
                         year=2024)


def column(result: points.Assessment, name: str, case: str = "") -> dict[str, object]:
    """``name`` of the rankings by member id; with ``case`` (a scenario's prefix) only that
    scenario's members, by their ids without it."""
    ranked = result.rankings.set_index("member_id")[name]
    return {k.removeprefix(case): (None if pd.isna(v) else v) for k, v in ranked.items()
            if k.startswith(case)}


def codes(result: points.Assessment, member: str) -> set[str]:
    return set(result.flags.loc[result.flags["member_id"] == member, "code"])


def test_competition_ranking_within_branch_category_and_overall() -> None:
    result = scored([("A", "一支部", "在职党员", 80), ("B", "一支部", "在职党员", 80),
                     ("C", "一支部", "预备党员", 70), ("D", "二支部", "在职党员", 90),
                     ("E", "二支部", "在职党员", 60)])
    assert column(result, "branch_rank") == {"D": 1, "A": 1, "B": 1, "C": 3, "E": 2}
    assert column(result, "overall_rank") == {"D": 1, "A": 2, "B": 2, "C": 4, "E": 5}
    assert column(result, "category_rank") == {"D": 1, "A": 2, "B": 2, "C": 1, "E": 4}
    assert list(result.rankings["member_id"]) == ["D", "A", "B", "C", "E"]


APART = scenario("apart", [("A", "一支部", "在职党员", 50), ("K", "一支部", "发展对象", 75),
                           ("L", "一支部", "发展对象", 60)])


def test_candidates_are_ranked_apart(year: points.Assessment) -> None:
    assert column(year, "branch_rank", APART) == {"A": 1, "K": 1, "L": 2}
    assert column(year, "grade", APART) == {"A": "不合格", "K": None, "L": None}
    assert column(year, "candidate_band", APART) == {"A": None, "K": "优先发展", "L": "一般"}
    assert "grade_unqualified" not in codes(year, APART + "L")


def six(totals: list[float]) -> People:
    return [(f"M{i}", "一支部", "在职党员", t) for i, t in enumerate(totals, 1)]


KEEPS = scenario("keeps", six([98, 95, 91, 80, 75, 72]))  # six members: quota ⌊6/3⌋ = 2


def test_quota_keeps_the_highest_and_demotes_the_rest(year: points.Assessment) -> None:
    assert column(year, "grade", KEEPS) == {"M1": "优秀", "M2": "优秀", "M3": "合格", "M4": "合格",
                                            "M5": "合格", "M6": "合格"}
    assert column(year, "quota", KEEPS)["M3"] == "demoted"
    assert codes(year, KEEPS + "M3") == {"quota_demoted"}
    assert column(year, "grade_by_total", KEEPS)["M3"] == "优秀"


EDGE = scenario("edge", six([98, 93, 93, 91, 75, 72]))


def test_an_edge_tie_that_does_not_fit_keeps_none_of_the_tied(year: points.Assessment) -> None:
    assert column(year, "grade", EDGE)["M1"] == "优秀"
    assert {m: column(year, "quota", EDGE)[m] for m in ("M2", "M3", "M4")} == {
        "M2": "tie", "M3": "tie", "M4": "demoted"}
    assert codes(year, EDGE + "M2") == {"quota_tie"} and codes(year, EDGE + "M4") == {
        "quota_demoted"}
    flags = year.flags[year.flags["member_id"].str.startswith(EDGE)]
    flag = flags[flags["code"] == "quota_tie"].iloc[0]
    assert flag["action"] == "支部研究确定" and "名册!A3" in flag["evidence"]


FITS = scenario("fits", six([93, 93, 91, 80, 75, 72]))


def test_a_tie_that_fits_keeps_the_grade(year: points.Assessment) -> None:
    assert column(year, "grade", FITS)["M1"] == "优秀" and column(year, "grade", FITS)["M2"] == "优秀"
    assert column(year, "quota", FITS)["M3"] == "demoted"


TINY = scenario("tiny", [("A", "小支部", "在职党员", 95), ("B", "小支部", "在职党员", 92)])


def test_quota_zero_in_a_tiny_branch(year: points.Assessment) -> None:
    assert column(year, "grade", TINY) == {"A": "合格", "B": "合格"}
    assert codes(year, TINY + "A") == {"quota_demoted"}


COUNTED = scenario("counted", [*six([95, 80, 80, 80, 80, 80])[:3],  # 3 members: quota 1
                               ("K1", "一支部", "发展对象", 79), ("K2", "一支部", "发展对象", 79),
                               ("K3", "一支部", "发展对象", 79)])


def test_the_quota_counts_members_not_candidates(year: points.Assessment) -> None:
    assert column(year, "grade", COUNTED)["M1"] == "优秀"


HIGH = scenario("high", six([99, 98, 97, 96, 95, 94]))


def test_quota_never_lowers_anyone_below_the_next_grade(year: points.Assessment) -> None:
    grades = column(year, "grade", HIGH)
    assert sorted(grades.values()) == sorted(["优秀", "优秀", "合格", "合格", "合格", "合格"])


# eleven members, none below 70: at least ⌈11/10⌉ = 2 low grades wanted; M11 ties with M09
FEW_LOW = scenario("fewlow", [(f"M{i:02d}", "一支部", "在职党员", 85 - i) for i in range(1, 11)]
                   + [("M11", "一支部", "在职党员", 76)])


def test_too_few_low_grades_flags_the_lowest_without_regrading(year: points.Assessment) -> None:
    share = column(year, "bottom_share", FEW_LOW)
    assert {m for m, flagged in share.items() if flagged} == {"M09", "M10", "M11"}
    assert column(year, "grade", FEW_LOW)["M10"] == "合格"
    assert codes(year, FEW_LOW + "M10") == {"bottom_share"}


ENOUGH = scenario("enough", [("A", "一支部", "在职党员", 80), ("B", "一支部", "在职党员", 65)])


def test_enough_low_grades_raise_nothing(year: points.Assessment) -> None:
    share = column(year, "bottom_share", ENOUGH)
    assert len(share) == 2 and not any(share.values())


PROBATION = [(85, "按期转正", None), (84, "延长预备期", "probation_extend"),
             (70, "延长预备期", "probation_extend"), (69, "取消预备资格", "probation_revoke")]
PROBATIONERS = {total: scenario(f"probation{total}", [("P", "一支部", "预备党员", total)])
                for total, _, _ in PROBATION}


@pytest.mark.parametrize(("total", "band", "code"), PROBATION)
def test_probation_bands(year: points.Assessment, total: float, band: str, code: str | None
                         ) -> None:
    case = PROBATIONERS[total]
    assert column(year, "probation_band", case)["P"] == band
    probation_codes = {c for c in codes(year, case + "P") if c.startswith("probation")}
    assert probation_codes == ({code} if code else set())


def test_a_candidate_with_an_integrity_record_is_never_top_band() -> None:
    negatives = [("K1", "2024-05-01", "违反廉洁自律规定")]
    result = scored([("K1", "一支部", "发展对象", 78), ("K2", "一支部", "发展对象", 74),
                     ("K3", "一支部", "发展对象", 66)], negatives)
    assert column(result, "candidate_band") == {"K1": "重点培养", "K2": "优先发展",
                                                "K3": "重点培养"}
    assert bool(column(result, "top_band_blocked")["K1"])
    merit = result.candidates.set_index("member_id")
    assert list(result.candidates["member_id"]) == ["K2", "K1", "K3"]
    assert bool(merit.loc["K2", "selected"]) and merit.loc["K2", "place"] == 1
    assert "廉洁自律" in merit.loc["K1", "reason"]
    assert merit.loc["K3", "reason"] == "总积分 66.0 未达“优先发展”线 72"


def test_select_candidates_with_a_limit_and_an_edge_tie() -> None:
    people = [("K1", "一支部", "发展对象", 80), ("K2", "一支部", "发展对象", 76),
              ("K3", "一支部", "发展对象", 76), ("K4", "二支部", "发展对象", 73)]
    result = scored(people)
    merit = points.select_candidates(result, n=2).set_index("member_id")
    assert merit["selected"].to_dict() == {"K1": True, "K2": False, "K3": False, "K4": True}
    assert "同分" in merit.loc["K2", "reason"]
    overall = points.select_candidates(result, n=1, by="all").set_index("member_id")
    assert overall["selected"].to_dict() == {"K1": True, "K2": False, "K3": False, "K4": False}
    assert overall.loc["K4", "reason"] == "超出推荐名额（1 人）"


def test_select_candidates_rejects_a_bad_limit() -> None:
    result = scored([("K1", "一支部", "发展对象", 80)])
    with pytest.raises(ValueError, match="推荐人数"):
        points.select_candidates(result, n=-1)


def test_a_sanctioned_candidate_is_not_recommended() -> None:
    result = scored([("K1", "一支部", "发展对象", 80)], [("K1", "2024-05-01", "受到党纪政务处分")])
    merit = result.candidates.set_index("member_id")
    assert not merit.loc["K1", "selected"]
    assert merit.loc["K1", "reason"] == "受到党纪政务处分，不予推荐"
    assert codes(result, "K1") == {"zeroed"}
