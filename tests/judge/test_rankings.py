"""Rankings, grades with the 优秀 quota, the low-grade share, probation and candidate bands,
and the candidates' merit list. Totals are built with the ``flat`` test ruleset, where a total
is simply the sum of 十分 (10) and 一分 (1) bonus records."""

from __future__ import annotations

import pandas as pd
import pytest

import points
from conftest import FLAT_RULES, build

FLAT = points.load_ruleset(FLAT_RULES)


def scored(people: list[tuple[str, str, str, float]], negatives: list[tuple] = (),
           as_of: str | None = None) -> points.Assessment:
    """people: (id, branch, category, total)."""
    bonuses: list[tuple] = []
    for member_id, _, _, amount in people:
        tens, ones = divmod(int(amount), 10)
        bonuses += [(member_id, f"2024-03-{d + 1:02d}", "十分") for d in range(tens)]
        bonuses += [(member_id, f"2024-04-{d + 1:02d}", "一分") for d in range(ones)]
    members = [(m, f"姓名{m}", branch, category) for m, branch, category, _ in people]
    records = build(members, bonuses=bonuses, negatives=list(negatives))
    if as_of:
        return points.assess(records, FLAT, as_of=as_of)
    return points.assess(records, FLAT, year=2024)


def column(result: points.Assessment, name: str) -> dict[str, object]:
    ranked = result.rankings.set_index("member_id")[name]
    return {k: (None if pd.isna(v) else v) for k, v in ranked.items()}


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


def test_candidates_are_ranked_apart() -> None:
    result = scored([("A", "一支部", "在职党员", 50), ("K", "一支部", "发展对象", 75),
                     ("L", "一支部", "发展对象", 60)])
    assert column(result, "branch_rank") == {"A": 1, "K": 1, "L": 2}
    assert column(result, "grade") == {"A": "不合格", "K": None, "L": None}
    assert column(result, "candidate_band") == {"A": None, "K": "优先发展", "L": "一般"}
    assert "grade_unqualified" not in codes(result, "L")


def six(totals: list[float]) -> list[tuple[str, str, str, float]]:
    return [(f"M{i}", "一支部", "在职党员", t) for i, t in enumerate(totals, 1)]


def test_quota_keeps_the_highest_and_demotes_the_rest() -> None:
    # six members: quota ⌊6/3⌋ = 2
    result = scored(six([98, 95, 91, 80, 75, 72]))
    assert column(result, "grade") == {"M1": "优秀", "M2": "优秀", "M3": "合格", "M4": "合格",
                                       "M5": "合格", "M6": "合格"}
    assert column(result, "quota")["M3"] == "demoted"
    assert codes(result, "M3") == {"quota_demoted"}
    assert column(result, "grade_by_total")["M3"] == "优秀"


def test_an_edge_tie_that_does_not_fit_keeps_none_of_the_tied() -> None:
    result = scored(six([98, 93, 93, 91, 75, 72]))
    assert column(result, "grade")["M1"] == "优秀"
    assert {m: column(result, "quota")[m] for m in ("M2", "M3", "M4")} == {
        "M2": "tie", "M3": "tie", "M4": "demoted"}
    assert codes(result, "M2") == {"quota_tie"} and codes(result, "M4") == {"quota_demoted"}
    flag = result.flags[result.flags["code"] == "quota_tie"].iloc[0]
    assert flag["action"] == "支部研究确定" and "名册!A3" in flag["evidence"]


def test_a_tie_that_fits_keeps_the_grade() -> None:
    result = scored(six([93, 93, 91, 80, 75, 72]))
    assert column(result, "grade")["M1"] == "优秀" and column(result, "grade")["M2"] == "优秀"
    assert column(result, "quota")["M3"] == "demoted"


def test_quota_zero_in_a_tiny_branch() -> None:
    result = scored([("A", "小支部", "在职党员", 95), ("B", "小支部", "在职党员", 92)])
    assert column(result, "grade") == {"A": "合格", "B": "合格"}
    assert codes(result, "A") == {"quota_demoted"}


def test_the_quota_counts_members_not_candidates() -> None:
    people = [*six([95, 80, 80, 80, 80, 80])[:3],
              ("K1", "一支部", "发展对象", 79), ("K2", "一支部", "发展对象", 79),
              ("K3", "一支部", "发展对象", 79)]
    result = scored(people)  # 3 members: quota 1
    assert column(result, "grade")["M1"] == "优秀"


def test_quota_never_lowers_anyone_below_the_next_grade() -> None:
    result = scored(six([99, 98, 97, 96, 95, 94]))
    grades = column(result, "grade")
    assert sorted(grades.values()) == sorted(["优秀", "优秀", "合格", "合格", "合格", "合格"])


def test_too_few_low_grades_flags_the_lowest_without_regrading() -> None:
    # eleven members, none below 70: at least ⌈11/10⌉ = 2 low grades wanted
    people = [(f"M{i:02d}", "一支部", "在职党员", 85 - i) for i in range(1, 11)]
    people.append(("M11", "一支部", "在职党员", 76))  # ties with M09 at the edge
    result = scored(people)
    share = column(result, "bottom_share")
    assert {m for m, flagged in share.items() if flagged} == {"M09", "M10", "M11"}
    assert column(result, "grade")["M10"] == "合格"
    assert codes(result, "M10") == {"bottom_share"}


def test_enough_low_grades_raise_nothing() -> None:
    result = scored([("A", "一支部", "在职党员", 80), ("B", "一支部", "在职党员", 65)])
    assert not any(column(result, "bottom_share").values())


@pytest.mark.parametrize(("total", "band", "code"), [
    (85, "按期转正", None), (84, "延长预备期", "probation_extend"),
    (70, "延长预备期", "probation_extend"), (69, "取消预备资格", "probation_revoke"),
])
def test_probation_bands(total: float, band: str, code: str | None) -> None:
    result = scored([("P", "一支部", "预备党员", total)])
    assert column(result, "probation_band")["P"] == band
    probation_codes = {c for c in codes(result, "P") if c.startswith("probation")}
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
