"""Carry-forward from the previous cycle (#16, item 8), hand-checked: 县工信局's next year's
base = 20% of last year's total, scored from last year's records given with this year's."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import points
from conftest import build, rules, total
from points.rules.model import Dimension

MEMBERS = [("M1", "张三", "一支部", "在职党员"), ("M2", "李四", "一支部", "在职党员")]


def _carrying(**changes: object) -> points.Ruleset:
    rs = points.default_ruleset()
    base = Dimension(id="base", label="基础分", base=20.0, carry_last_cycle=0.2)
    return attrs.evolve(rs, dimensions=(*rs.dimensions, base), **changes)


def _records() -> points.Records:
    last_year = [("M1", f"2023-{m:02d}-10", "主题党日", "present") for m in range(1, 13)]
    this_year = [(who, "2024-03-10", "主题党日", "present") for who in ("M1", "M2")]
    return build(MEMBERS, last_year + this_year, appraisals=[("M1", "合格"), ("M2", "合格")])


def test_the_base_is_a_fifth_of_last_years_total() -> None:
    """2023 for 张三: base 20 + 12 × 2 (主题党日, cap 24) = 44, its 民主评议 not counted (the
    results carry no date: they are 2024's); 2024 base = 0.2 × 44 = 8.8. 李四 has no 2023
    records: base 20."""
    result = points.assess(_records(), _carrying(), year=2024)
    row = result.ledger[result.ledger["rule"] == "carry.base"]
    assert row[["member_id", "item", "points"]].values.tolist() == [
        ["M1", "基础分（上一周期总分 44 × 0.2）", 8.8]]
    assert total(result, "M1", "base") == 8.8
    assert ("base.base", 20.0) in rules(result, "M2")
    assert total(result, "M1") == 8.8 + 2 + 15  # base, one 主题党日, 合格
    assert total(result, "M2") == 20 + 2 + 15


def test_without_last_years_records_everyone_keeps_the_base() -> None:
    records = build(MEMBERS, [(who, "2024-03-10", "主题党日", "present") for who in ("M1", "M2")])
    result = points.assess(records, _carrying(), year=2024)
    assert not result.ledger["rule"].str.startswith("carry.").any()
    assert result.totals.set_index("member_id")["base"].tolist() == [20.0, 20.0]


def test_carry_last_cycle_is_read_and_checked(tmp_path: Path) -> None:
    default = (Path(points.__file__).parent / "rules" / "shipped" / "dujiangyan.toml").read_text(
        encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text(default + '[dimensions.base]\nlabel = "基础分"\nbase = 20\n'
                    'carry_last_cycle = 0.2\n', encoding="utf-8")
    assert points.load_ruleset(good).dimensions[-1].carry_last_cycle == 0.2
    bad = tmp_path / "bad.toml"
    bad.write_text(default + '[dimensions.base]\nlabel = "基础分"\nscope = "year"\n'
                   'carry_last_cycle = 1.5\n', encoding="utf-8")
    with pytest.raises(points.RulesetError) as info:
        points.load_ruleset(bad)
    assert [p for p, _ in info.value.problems] == ["$.dimensions.base.carry_last_cycle"]
