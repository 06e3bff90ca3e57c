"""N late arrivals or N leaves = one unexcused absence (#16, item 3), hand-checked."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import build, monthly, total

ONE = ("M1", "张三", "一支部", "在职党员")


def _rules(late: int | None = 2, leave: int | None = 3) -> points.Ruleset:
    rules = points.default_ruleset()
    return attrs.evolve(rules, conversions=attrs.evolve(
        rules.conversions, late_per_absence=late, leave_per_absence=leave))


def test_two_lates_make_one_absence_and_the_remainder_stays() -> None:
    lates = [("M1", f"2024-{m:02d}-10", "主题党日", "late") for m in (1, 2, 3)]
    result = points.assess(build([ONE], lates), _rules(), year=2024)
    rows = result.ledger[result.ledger["rule"] == "convert.late"]
    assert rows[["points", "source"]].values.tolist() == [[-2.0, "签到!A2"]]  # the 2nd late
    assert rows["item"].tolist() == ["迟到早退满 2 次折合缺席（主题党日）"]
    # 3 × credit 2 − 3 × late 1 − 1 × absence 2 = 1
    assert total(result, "M1", "deductions") == -5.0


def test_three_leaves_make_one_absence_counted_by_the_flag() -> None:
    leaves = [("M1", f"2024-{m:02d}-10", "支部党员大会", "leave") for m in (3, 6, 9)]
    absences = [("M1", f"2024-{m:02d}-12", "党小组会", "absent") for m in (4, 5)]
    result = points.assess(build([ONE], leaves + absences), _rules(), year=2024)
    assert result.ledger.loc[result.ledger["rule"] == "convert.leave", "points"].tolist() == [-3.0]
    flag = result.flags.set_index("code").loc["unexcused_absences"]
    assert flag["detail"] == "统计期内无故缺席 3 次"
    assert "请假满 3 次折合缺席" in flag["evidence"]


def test_no_conversion_unless_the_ruleset_says_so() -> None:
    lates = [("M1", f"2024-{m:02d}-10", "主题党日", "late") for m in range(1, 7)]
    result = points.assess(build([ONE], lates), year=2024)
    assert not result.ledger["rule"].str.startswith("convert.").any()


@settings(max_examples=4, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["present", "late", "leave", "absent"]), min_size=1,
                         max_size=12), min_size=1, max_size=12),
       st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=4))
def test_a_conversion_never_raises_a_total(patterns: list[list[str]], late: int,
                                           leave: int) -> None:
    """One member per attendance pattern, all assessed at once under both rule sets."""
    records = monthly(patterns, "主题党日")
    plain = points.assess(records, year=2024).totals.set_index("member_id")["total"]
    converted = points.assess(records, _rules(late, leave), year=2024).totals.set_index(
        "member_id")["total"]
    assert (converted <= plain + 1e-9).all()
