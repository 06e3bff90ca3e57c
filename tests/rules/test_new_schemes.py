"""The five schemes added from "More published schemes" (docs/schemes.md), each scoring a
small case checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import points
from conftest import build, rules, total


def ranked(result: points.Assessment, column: str) -> dict[str, object]:
    out = result.rankings.set_index("member_id")[column]
    return {k: (None if pd.isna(v) else v) for k, v in out.items()}


def codes(result: points.Assessment, member: str) -> set[str]:
    return set(result.flags.loc[result.flags["member_id"] == member, "code"])


def test_dongyang_base_100_clauses_and_the_85_line_for_probation() -> None:
    dongyang = points.load_ruleset("dongyang")
    records = build(
        [("M1", "张三", "一村", "在职党员"), ("P1", "李四", "一村", "预备党员"),
         ("M2", "王五", "一村", "在职党员"), ("K1", "赵六", "一村", "入党积极分子")],
        [("P1", "2024-03-01", "支部党员大会", "absent"), ("P1", "2024-04-01", "主题党日", "absent"),
         ("P1", "2024-05-01", "党课", "absent"), ("P1", "2024-06-01", "党小组会", "present")],
        negatives=[("M2", "2024-05-01", "违章建筑未拆除"), ("M2", "2024-06-01", "不完成组织分配任务")],
        bonuses=[("M1", "2024-07-01", "带头作用"), ("M1", "2024-08-01", "带头作用突出"),
                 ("K1", "2024-08-01", "志愿服务")])
    result = points.assess(records, dongyang, year=2024)
    assert total(result, "M1") == 115  # 100 + 5 + 10: bonuses are not capped
    assert ("bonus.campaign_lead_outstanding", 10.0) in rules(result, "M1")
    assert total(result, "P1") == 89  # 100 − 5 − 3 − 3 ≥ 85: confirmed
    assert ranked(result, "probation_band")["P1"] == "按期转正"
    assert total(result, "M2") == 57  # 100 − 40 − 3 < 60: named for rectification
    assert ranked(result, "rating") == {"M1": "正常", "P1": "正常", "M2": "列入整改", "K1": None}
    assert "rating_low" in codes(result, "M2")
    assert ranked(result, "candidate_band")["K1"] == "继续培养"  # 101 ≥ 85


def test_yongzhou_full_attendance_and_qualified_is_85_confirmed_on_time() -> None:
    yongzhou = points.load_ruleset("yongzhou")
    rows = [("P1", f"2024-{m:02d}-10", "党小组会", "present") for m in range(1, 13)]
    rows += [("P1", f"2024-{m:02d}-20", "主题党日", "present") for m in range(1, 13)]
    rows += [("P1", f"2024-{m:02d}-05", "支部党员大会", "present") for m in (3, 6, 9, 12)]
    rows += [("P1", f"2024-{m:02d}-06", "党课", "present") for m in (3, 6, 9, 12)]
    rows += [("P1", "2024-12-15", "组织生活会", "present")]
    rows += [("P2", f"2024-{m:02d}-10", "党小组会", "present") for m in range(1, 13)]
    records = build([("P1", "张三", "一支部", "预备党员"), ("P2", "李四", "一支部", "预备党员")],
                    rows, bonuses=[("P2", "2024-05-01", "志愿服务")],
                    appraisals=[("P1", "合格"), ("P2", "称职")])
    result = points.assess(records, yongzhou, year=2024)
    # P1: 24 + 24 + 20 + 20 + 5 = 93 → capped at 80; + 合格 5 = 85 → 按期转正
    assert total(result, "P1") == 85 and total(result, "P1", "participation") == 80
    # P2: 12 × 2 = 24 + 志愿服务 2 + 称职 5 = 31 → 取消预备资格
    assert total(result, "P2") == 31
    assert ranked(result, "probation_band") == {"P1": "按期转正", "P2": "取消预备资格"}
    assert result.rankings["grade"].isna().all()  # ranked, not graded


def test_huaning_stars_from_the_total_with_the_appraisal() -> None:
    huaning = points.load_ruleset("huaning")
    rows = [(m, f"2024-{k:02d}-05", "组织生活会", "present") for m in ("M1", "M2")
            for k in range(1, 11)]  # 10 × 2 = 20: the participation cap
    rows += [("M3", "2024-03-01", "主题党日", "absent")]
    records = build([("M1", "张三", "一户", "在职党员"), ("M2", "李四", "一户", "在职党员"),
                     ("M3", "王五", "一户", "在职党员")], rows,
                    bonuses=[("M1", f"2024-0{d}-01", "讲党课") for d in (3, 4, 5)],
                    negatives=[("M3", "2024-04-01", "违反廉洁自律规定")],
                    appraisals=[("M1", "优秀"), ("M2", "合格"), ("M3", "合格")])
    result = points.assess(records, huaning, year=2024)
    assert total(result, "M1") == 99  # 60 + 20 + 9 + 10 → ★5 (≥ 96)
    assert total(result, "M2") == 88  # 60 + 20 + 8 → ★3 (80–89)
    assert total(result, "M3") == 57  # 60 − 1 − 10 + 8 → below 60: no plaque
    assert ranked(result, "rating") == {"M1": "★★★★★", "M2": "★★★", "M3": "不合格（不挂牌）"}
    assert "rating_low" in codes(result, "M3")


def test_fangzi_base_80_appraisal_from_ballots_and_three_boards() -> None:
    fangzi = points.load_ruleset("fangzi")
    records = build(
        [("M1", "张三", "一支部", "在职党员"), ("M2", "李四", "一支部", "在职党员"),
         ("M3", "王五", "一支部", "在职党员"), ("M4", "赵六", "一支部", "在职党员")],
        [("M3", "2024-03-01", "支部党员大会", "absent"), ("M3", "2024-04-01", "党小组会", "late")]
        + [("M4", f"2024-0{m}-01", "主题党日", "absent") for m in range(1, 6)],
        bonuses=[("M1", "2024-06-01", "县级表彰")],
        appraisals=[("M1", "96"), ("M2", "优秀"), ("M3", "合格"), ("M4", "85分")])
    result = points.assess(records, fangzi, year=2024)
    assert total(result, "M1") == pytest.approx(80 + 19.2 + 5)  # ballots 96 × 0.2
    assert total(result, "M2") == 100  # 80 + 优秀 20: the red board
    assert total(result, "M3") == 92  # 80 − 3 − 1 + 合格 16
    assert total(result, "M4") == 87  # 80 − 5 × 2 + 85 × 0.2
    assert ranked(result, "rating") == {"M1": "★★★★★ 红榜", "M2": "★★★★★ 红榜",
                                        "M3": "★★★ 黄榜", "M4": "★★ 黄榜"}
    ledger = result.ledger[(result.ledger["rule"] == "appraisal")
                           & (result.ledger["member_id"] == "M4")]
    assert ledger["status"].tolist() == ["85分"] and ledger["source"].tolist() == ["评议!A4"]


def test_hejing_star_shares_per_branch_and_categories_a_to_e() -> None:
    hejing = points.load_ruleset("hejing")
    people = [(f"M{i}", f"人{i}", "一支部", "A类") for i in range(10)]
    people += [("C1", "流动甲", "一支部", "流动党员"), ("E1", "预备乙", "二支部", "预备党员")]
    appraisals = [(f"M{i}", r) for i, r in enumerate(["优秀"] * 2 + ["合格"] * 6 + ["不合格"] * 2)]
    appraisals += [("C1", "合格"), ("E1", "合格")]
    bonuses = [(f"M{i}", f"2024-0{d}-01", "讲党课") for i in range(10) for d in range(1, 10 - i)]
    rows = [(f"M{i}", f"2024-{m:02d}-{day}", activity, "present") for i in range(10)
            for m in range(1, 13) for day, activity in (("10", "党小组会"), ("20", "主题党日"))]
    result = points.assess(build(people, rows, bonuses=bonuses, appraisals=appraisals), hejing,
                           year=2024)
    totals = [total(result, f"M{i}") for i in range(10)]
    # 24 (党小组会) + 24 (主题党日) + appraisal + vanguard min(3 × (9 − i), 20)
    assert totals == [88, 88, 83, 81, 78, 75, 72, 69, 51, 48]
    # n = 11 in 一支部: ★5 has ⌊1.1⌋ = 1 place, M0 and M1 tie for it: both move down;
    # ★4 has ⌊3.3⌋ = 3: M0, M1, M2; the other 70+ go to ★3; 60–69 ★2; below 60 ★1
    stars = ranked(result, "rating")
    assert [stars[f"M{i}"] for i in range(10)] == (
        ["★★★★"] * 3 + ["★★★"] * 4 + ["★★"] + ["★"] * 2)
    quota = ranked(result, "rating_quota")
    # M2 did not fit in ★5 (over its place) and took ★4: demoted from ★5, as M3–M6 from ★4
    assert [quota[f"M{i}"] for i in range(8)] == ["tie", "tie"] + ["demoted"] * 5 + [""]
    assert "rating_tie" in codes(result, "M0")
    assert stars["C1"] == "★" and stars["E1"] == "★"  # 15 (合格) only
    assert not result.rankings["rating_short"].any()  # ★1 has 3 of 11 ≥ ⌈1.1⌉
    categories = result.totals.set_index("member_id")["category"]
    assert categories["C1"] == "C类（流动党员）" and categories["E1"] == "E类（预备党员）"
    assert ranked(result, "probation_band")["E1"] == "取消预备资格"
