"""compare_assessments: the same people under two rulesets — who changes grade, band, rating or rank."""

from __future__ import annotations

import functools
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import FLAT_RULES, build, examples
from points.rules.model import Rating, RatingBand

FLAT = points.load_ruleset(FLAT_RULES)
PEOPLE = [("A", "一支部", "在职党员", 95), ("B", "一支部", "在职党员", 85),
          ("C", "一支部", "在职党员", 72), ("D", "一支部", "预备党员", 88),
          ("E", "二支部", "发展对象", 75), ("F", "二支部", "在职党员", 65)]


def records(people: list[tuple[str, str, str, int]]) -> points.Records:
    bonuses = [(m, f"{pd.Timestamp('2024-01-01') + pd.Timedelta(days=i):%Y-%m-%d}", "一分")
               for m, _, _, amount in people for i in range(amount)]  # one a day: not repeats
    return build([(m, f"姓名{m}", b, c) for m, b, c, _ in people], bonuses=bonuses)


def with_top_line(rules: points.Ruleset, line: float) -> points.Ruleset:
    """The same rules with the 优秀 line moved (a what-if a county might try)."""
    assert rules.grades is not None
    top, *rest = rules.grades.bands
    grades = attrs.evolve(rules.grades, bands=(attrs.evolve(top, min=line), *rest))
    return attrs.evolve(rules, grades=grades)


@functools.cache
def people_under(line: float | None = None) -> points.Assessment:
    """PEOPLE under FLAT, or with the 优秀 line moved to ``line``: each assessed once (the
    tests only look at them)."""
    return points.assess(records(PEOPLE), FLAT if line is None else with_top_line(FLAT, line),
                         year=2024)


def test_the_same_assessment_changes_nobody() -> None:
    a = people_under()
    diff = points.compare_assessments(a, a)
    assert list(diff["member_id"]) == ["A", "B", "C", "D", "E", "F"]  # branch, then 党员编号
    assert not diff[["grade_changed", "band_changed", "rank_changed"]].any().any()
    assert (diff["total_change"] == 0).all() and (diff["rank_change"] == 0).all()


def test_a_lower_top_line_is_held_by_the_quota() -> None:
    diff = points.compare_assessments(people_under(), people_under(80)).set_index("member_id")
    # 一支部 has 4 members: ⌊4/3⌋ = 1 优秀; A keeps it, B (85) now reaches the line but is over
    # the quota, so stays 合格: nobody changes grade there.
    assert diff.loc["B", "grade_before"] == diff.loc["B", "grade_after"] == "合格"
    assert not diff[["grade_changed", "rank_changed"]].any().any()
    assert diff["total_change"].eq(0).all()


def test_changes_in_points_move_ranks_and_bands() -> None:
    a = people_under()
    changed = [(m, b, c, 60 if m == "A" else (80 if m == "D" else t)) for m, b, c, t in PEOPLE]
    b = points.assess(records(changed), FLAT, year=2024)
    diff = points.compare_assessments(a, b).set_index("member_id")
    assert diff.loc["A", ["total_before", "total_after", "total_change"]].tolist() == [95, 60, -35]
    assert (diff.loc["A", "grade_before"], diff.loc["A", "grade_after"]) == ("优秀", "基本合格")
    assert diff.loc["A", "rank_change"] == -3 and diff.loc["B", "rank_change"] == 2  # 3rd → 1st
    assert diff.loc["D", "band_changed"] and diff.loc["D", "band_before"] != diff.loc["D", "band_after"]
    assert not diff.loc["E", "grade_changed"] and pd.isna(diff.loc["E", "grade_after"])


def test_people_on_one_side_only_count_as_changed() -> None:
    a = people_under()
    b = points.assess(records([*PEOPLE[:-1], ("G", "二支部", "在职党员", 70)]), FLAT, year=2024)
    diff = points.compare_assessments(a, b).set_index("member_id")
    assert pd.isna(diff.loc["F", "total_after"]) and diff.loc["F", "grade_changed"]
    assert pd.isna(diff.loc["G", "total_before"]) and diff.loc["G", "rank_changed"]
    assert diff.loc["G", "name"] == "姓名G"


@settings(max_examples=examples(0.15))  # two assessments an example
@given(st.permutations(PEOPLE))
def test_row_order_never_changes_the_comparison(order: list[tuple[str, str, str, int]]) -> None:
    shuffled = points.compare_assessments(
        points.assess(records(order), FLAT, year=2024),
        points.assess(records(order), with_top_line(FLAT, 80), year=2024))
    pd.testing.assert_frame_equal(
        points.compare_assessments(people_under(), people_under(80)), shuffled)


def with_rating(rules: points.Ruleset, top: float) -> points.Ruleset:
    """The same rules with a two-band ``[rating]`` named 红黄榜 (红榜 from ``top``)."""
    bands = (RatingBand(name="红榜", min=top), RatingBand(name="黄榜", min=0))
    return attrs.evolve(rules, rating=Rating(label="红黄榜", bands=bands))


def test_ratings_are_compared_and_named_by_their_label(tmp_path: Path) -> None:
    plain = people_under()
    rated, stricter = (points.assess(records(PEOPLE), with_rating(FLAT, top), year=2024)
                       for top in (80, 90))
    diff = points.compare_assessments(plain, rated).set_index("member_id")
    assert diff.loc["A", "rating_after"] == "红榜" and pd.isna(diff.loc["A", "rating_before"])
    assert diff.loc["A", "rating_changed"] and not diff.loc["A", "grade_changed"]
    assert pd.isna(diff.loc["E", "rating_after"]) and not diff.loc["E", "rating_changed"]  # 发展对象
    diff = points.compare_assessments(rated, stricter)
    moved = diff[diff["rating_changed"]]
    assert list(moved["member_id"]) == ["B", "D"]  # 85 and 88: 红榜 → 黄榜; 95 stays
    assert (moved["rating_before"] + moved["rating_after"] == "红榜黄榜").all()
    assert not diff[["grade_changed", "band_changed", "rank_changed"]].any().any()
    out = points.write_comparison(diff, tmp_path / "对比.xlsx", before=rated, after=stricter)
    rows = list(openpyxl.load_workbook(out, read_only=True)["规则对比"].iter_rows(values_only=True))
    at = {header: k for k, header in enumerate(rows[0])}
    b = next(row for row in rows if row[0] == "B")
    assert (b[at["原红黄榜"]], b[at["新红黄榜"]], b[at["变化项"]]) == ("红榜", "黄榜", "红黄榜")
    assert "原星级" not in at
    plain_out = points.write_comparison(points.compare_assessments(plain, plain),
                                        tmp_path / "无.xlsx", before=plain, after=plain)
    header = next(openpyxl.load_workbook(plain_out, read_only=True)["规则对比"].iter_rows(
        values_only=True))
    assert not any("红黄榜" in str(h) or "星级" in str(h) for h in header)
