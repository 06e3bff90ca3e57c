"""评星定级: stars and boards by total, with at-most and at-least shares per branch. Totals are
built with the ``flat`` test ruleset (a total is the sum of 十分 and 一分 bonus records)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import FLAT_RULES, build, examples
from points.judge.rating import rate
from points.report.ruletable import rule_table
from points.rules.model import Rating, RatingBand

FLAT_TEXT = FLAT_RULES.read_text(encoding="utf-8")
HEJING_LIKE = """
[rating]
label = "星级"
bands = [
  { name = "★5", min = 0, at_most = "1/10" },
  { name = "★4", min = 0, at_most = "3/10" },
  { name = "★3", min = 0, at_most = "3/10" },
  { name = "★2", min = 0, at_most = "1/5" },
  { name = "★1", min = 0, at_least = "1/10", flag = "rating_low" },
]
"""


def ruleset(tmp_path: Path, rating: str) -> points.Ruleset:
    path = tmp_path / "rated.toml"
    path.write_text(FLAT_TEXT + rating, encoding="utf-8")
    return points.load_ruleset(path)


def scored(rules: points.Ruleset, people: list[tuple[str, str, float]]) -> points.Assessment:
    """people: (id, branch, total)."""
    bonuses: list[tuple] = []
    for member_id, _, amount in people:
        tens, ones = divmod(int(amount), 10)
        bonuses += [(member_id, f"2024-03-{d + 1:02d}", "十分") for d in range(tens)]
        bonuses += [(member_id, f"2024-04-{d + 1:02d}", "一分") for d in range(ones)]
    members = [(m, f"姓名{m}", branch, "在职党员") for m, branch, _ in people]
    return points.assess(build(members, bonuses=bonuses), rules, year=2024)


def rated(result: points.Assessment, column: str = "rating") -> dict[str, object]:
    ranked = result.rankings.set_index("member_id")[column]
    return {k: (None if pd.isna(v) else v) for k, v in ranked.items()}


def test_star_shares_fill_from_the_top_and_ties_move_down_together(tmp_path: Path) -> None:
    rules = ruleset(tmp_path, HEJING_LIKE)
    totals = [99, 95, 95, 90, 80, 80, 80, 70, 60, 50]
    result = scored(rules, [(f"M{i}", "一支部", t) for i, t in enumerate(totals)])
    # n = 10: ★5 1 place (99), ★4 3 places (95, 95, 90), ★3 3 (80 ×3), ★2 2 (70, 60), ★1 the rest
    assert rated(result) == {"M0": "★5", "M1": "★4", "M2": "★4", "M3": "★4", "M4": "★3",
                             "M5": "★3", "M6": "★3", "M7": "★2", "M8": "★2", "M9": "★1"}
    assert set(rated(result, "rating_by_total").values()) == {"★5"}  # all ≥ 0 by total
    # a branch of 7: ★5 has ⌊0.7⌋ = 0 places, ★4 ⌊2.1⌋ = 2: A takes one, B–D tie for the
    # other and move down together; they tie again for ★3's 2 places and ★2's 1, so they end
    # in ★1, and nobody below them passes them (E, F, G have lower totals): the branch decides
    result = scored(rules, [("A", "二支部", 99), ("B", "二支部", 90), ("C", "二支部", 90),
                            ("D", "二支部", 90), ("E", "二支部", 10), ("F", "二支部", 5),
                            ("G", "二支部", 1)])
    assert rated(result) == {"A": "★4", "B": "★1", "C": "★1", "D": "★1", "E": "★1",
                             "F": "★1", "G": "★1"}
    assert rated(result, "rating_quota") == {"A": "demoted", "B": "tie", "C": "tie", "D": "tie",
                                             "E": "demoted", "F": "demoted", "G": "demoted"}
    flags = result.flags.set_index(["member_id", "code"])
    assert "暂列“★1”" in flags.loc[("B", "rating_tie"), "detail"]
    assert ("G", "rating_low") in flags.index and ("A", "rating_low") not in flags.index


def test_bands_by_total_and_an_at_least_share_flags_without_moving(tmp_path: Path) -> None:
    rules = ruleset(tmp_path, """
[rating]
label = "上榜"
bands = [
  { name = "红榜", min = 90 },
  { name = "黄榜", min = 60 },
  { name = "白榜", min = 0, at_least = "1/4", flag = "rating_low" },
]
""")
    result = scored(rules, [("A", "一支部", 95), ("B", "一支部", 70), ("C", "一支部", 65),
                            ("D", "一支部", 65), ("E", "一支部", 62), ("F", "二支部", 30)])
    assert rated(result) == {"A": "红榜", "B": "黄榜", "C": "黄榜", "D": "黄榜", "E": "黄榜",
                             "F": "白榜"}
    # 一支部: ⌈5/4⌉ = 2 should be 白榜, none is: the two lowest above are flagged, not moved;
    # C and D tie at 65 for the second place, so both are flagged (the branch decides)
    assert rated(result, "rating_short") == {"A": False, "B": False, "C": True, "D": True,
                                             "E": True, "F": False}
    flag = result.flags[result.flags["code"] == "rating_short"]
    assert flag["member_id"].tolist() == ["C", "D", "E"]
    assert result.flags[result.flags["code"] == "rating_low"]["member_id"].tolist() == ["F"]


def test_the_rating_is_a_column_of_the_summary_and_rows_of_the_rule_table(tmp_path: Path) -> None:
    rules = ruleset(tmp_path, HEJING_LIKE)
    result = scored(rules, [("A", "一支部", 50), ("B", "一支部", 40)])
    table = rule_table(rules)
    rows = table[table["部分"] == "评星定级（星级）"]
    assert rows["名称"].tolist() == ["★5", "★4", "★3", "★2", "★1"]
    assert "每支部最多 1/10（向下取整）" in rows["说明"].iloc[0]
    assert "至少 1/10（向上取整）" in rows["说明"].iloc[4]
    out = tmp_path / "复核.xlsx"
    result.to_excel(out)
    sheet = openpyxl.load_workbook(out, read_only=True)["汇总"]
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    stars = header.index("星级")
    assert header[stars - 1] == "建议等次"
    values = {r[0]: r[stars] for r in sheet.iter_rows(min_row=2, max_row=3, values_only=True)}
    assert values == {"A": "★1", "B": "★1"}  # a branch of 2 has no place above ★1 (⌊2 × 3/10⌋ = 0)
    posted = tmp_path / "公示.xlsx"
    result.to_excel(posted, public=True)
    sheet = openpyxl.load_workbook(posted, read_only=True)["公示"]
    rows = list(sheet.iter_rows(min_row=1, max_row=3, values_only=True))
    assert rows[0][:5] == ("姓名", "支部", "总积分", "建议等次", "星级")
    assert {r[0]: r[4] for r in rows[1:]} == {"姓名A": "★1", "姓名B": "★1"}


def test_rating_errors_are_located(tmp_path: Path) -> None:
    with pytest.raises(points.RulesetError) as error:
        ruleset(tmp_path, """
[rating]
bands = [
  { name = "★2", min = 60, at_most = "3/2" },
  { name = "★1", min = 70, flag = "no_such_flag" },
]
""")
    text = str(error.value)
    assert "$.rating.bands[0].at_most" in text and "$.rating.bands[1].flag" in text
    assert "从高到低" in text
    with pytest.raises(points.RulesetError) as error:
        ruleset(tmp_path, """
[rating]
bands = [
  { name = "★2", min = 60, at_least = "1/2" },
  { name = "★1", min = 0, at_most = "1/2" },
]
""")
    assert [p for p, _ in error.value.problems] == ["$.rating.bands[0].at_least",
                                                     "$.rating.bands[1].at_most"]
    with pytest.raises(points.RulesetError, match=r"\$\.rating\.label: 汇总表已有 '总积分'"):
        ruleset(tmp_path, '[rating]\nlabel = "总积分"\nbands = [{ name = "★", min = 0 }]\n')


def test_the_grade_quota_is_the_one_band_case_of_the_cascade() -> None:
    """A one-band at-most rating works as the 优秀 quota of [grades] (docs/flags.md): 2 places
    in a branch of 6, the 92s tie for the second; 1 place in a branch of 3, the 95s tie."""
    totals = pd.DataFrame({"total": [95.0, 92, 92, 91, 90, 60, 95, 95, 80],
                           "branch": ["一"] * 6 + ["二"] * 3})
    member = np.ones(len(totals), dtype=bool)
    rating = Rating(bands=(RatingBand(name="优秀", min=90, at_most=Fraction(1, 3)),
                           RatingBand(name="合格", min=0)))
    out = rate(totals, member, rating)
    assert out["rating"].tolist() == ["优秀"] + ["合格"] * 8
    assert out["rating_quota"].tolist() == ["", "tie", "tie", "demoted", "demoted", "",
                                            "tie", "tie", ""]


@settings(max_examples=examples(1.5))
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 100)), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 100),
                          st.one_of(st.none(), st.fractions(0, 1, max_denominator=10))),
                min_size=2, max_size=5))
def test_at_most_shares_are_never_exceeded_and_order_never_matters(
        people: list[tuple[int, int]], spec: list[tuple[int, Fraction | None]]) -> None:
    frame = pd.DataFrame({"branch": [f"B{b}" for b, _ in people],
                          "total": [float(t) for _, t in people]})
    mins = sorted((m for m, _ in spec), reverse=True)
    bands = tuple(RatingBand(name=f"档{k}", min=float(m), at_most=share)
                  for k, (m, (_, share)) in enumerate(zip(mins, spec, strict=True)))
    rating = Rating(bands=bands)
    member = np.ones(len(frame), dtype=bool)
    out = rate(frame, member, rating)
    n = frame.groupby("branch")["total"].transform("size")
    for band in bands[:-1]:
        if band.at_most is not None:
            count = (out["rating"] == band.name).groupby(frame["branch"]).transform("sum")
            assert (count <= n * band.at_most.numerator // band.at_most.denominator).all()
    order = {b.name: i for i, b in enumerate(bands)}
    place = out["rating"].map(order)
    assert (place >= out["rating_by_total"].map(order)).all()  # shares only move down
    # a higher total never gets a lower band within a branch
    for _, group in frame.assign(place=place).groupby("branch"):
        ranked = group.sort_values("total")
        assert ranked["place"].is_monotonic_decreasing
    shuffled = frame.sample(frac=1, random_state=len(people))
    again = rate(shuffled.reset_index(drop=True), member, rating)
    assert again["rating"].tolist() == out["rating"].reindex(shuffled.index).tolist()
    # an at-least share only flags: the same bands with one on the last band move nobody
    floor = Rating(bands=(*bands[:-1], RatingBand(name=bands[-1].name, min=bands[-1].min,
                                                  at_least=Fraction(1, 2))))
    flagged = rate(frame, member, floor)
    assert flagged["rating"].tolist() == out["rating"].tolist()
    assert not (flagged["rating_short"] & (flagged["rating"] == bands[-1].name)).any()
