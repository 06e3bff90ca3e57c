"""A member whose category changes during the year is scored under each category for its part
of the year; bands and grades follow the category at the end (#16, item 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pandas as pd

import points
import workbooks as wb
from points.rules.model import Minimum


def _rules() -> points.Ruleset:
    """The default rules with 预备党员 credited 3 (not 2) per 主题党日, to tell them apart."""
    rules = points.default_ruleset()
    categories = tuple(attrs.evolve(c, activity_points={"主题党日": 3.0}) if c.probation else c
                       for c in rules.categories)
    return attrs.evolve(rules, categories=categories)


def _records(tmp_path: Path) -> points.Records:
    wb.write(tmp_path / "名册.xlsx", {"名册": [
        ["党员编号", "姓名", "所在支部", "党员类别", "接收预备党员日期", "转正日期"],
        ["A1", "张三", "一支部", "在职党员", None, dt.date(2024, 6, 15)],
        ["A2", "李四", "一支部", "预备党员", dt.date(2024, 4, 1), None]]})
    dates = [dt.date(2024, m, 10) for m in range(1, 13)]
    wb.write(tmp_path / "主题党日.xlsx", {"主题党日": [
        ["姓名", *dates], ["张三", *["√"] * 12], ["李四", *["√"] * 12]]})
    return points.read_workbooks(tmp_path)


def test_the_roster_columns_are_read(tmp_path: Path) -> None:
    roster = _records(tmp_path).roster.set_index("member_id")
    assert roster.loc["A1", "confirmed"] == pd.Timestamp("2024-06-15")
    assert roster.loc["A2", "admitted"] == pd.Timestamp("2024-04-01")


def test_each_part_of_the_year_under_its_category(tmp_path: Path) -> None:
    result = points.assess(_records(tmp_path), _rules(), year=2024)
    credits = result.ledger[result.ledger["rule"] == "credit.theme_day"]
    by_member = credits.groupby("member_id")["points"].apply(list)
    assert by_member["A1"] == [3.0] * 6 + [2.0] * 6  # 预备党员 to June, confirmed on the 15th
    assert by_member["A2"] == [2.0] * 3 + [3.0] * 9  # 发展对象 credits 2, 预备党员 from April
    ranked = result.rankings.set_index("member_id")
    assert pd.isna(ranked.loc["A1", "probation_band"])  # confirmed: no probation band now
    assert ranked.loc["A2", "kind"] == "member"  # graded as the 预备党员 they are at the end


def test_a_minimum_for_one_category_follows_the_category_of_each_period(tmp_path: Path) -> None:
    """A minimum for 预备党员 judges 张三 (confirmed on 15 June) for January–May only, and 李四
    (admitted on 1 April) from April: the category at each month's end, not the roster's."""
    twice = Minimum(name="预备党员每月两次", id="probation_twice", categories=("预备党员",),
                    count=2, points=-1.0)
    result = points.assess(_records(tmp_path), attrs.evolve(_rules(), minimums=(twice,)),
                           year=2024)
    rows = result.ledger[result.ledger["rule"] == "minimum.probation_twice"]
    months = rows.groupby("member_id")["date"].apply(lambda d: [x.month for x in d])
    assert months["A1"] == [1, 2, 3, 4, 5]  # 15 June: still 预备党员 at the end of May only
    assert months["A2"] == list(range(4, 13))  # 发展对象 until April
