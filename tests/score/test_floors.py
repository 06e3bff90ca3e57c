"""Floors per dimension, additions left uncapped (#16, item 8), hand-checked: 县工信局's base 20
with deductions only and nothing below 0; 市外办's uncapped additions with the total floored."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import build, examples, monthly, rules, total
from points.rules.model import Dimension

ONE = ("M1", "张三", "一支部", "在职党员")


def _with_floor(floor: float | None, scope: str = "period") -> points.Ruleset:
    rs = points.default_ruleset()
    dims = tuple(attrs.evolve(d, base=20.0, floor=floor, scope=scope) if d.id == "deductions"
                 else d for d in rs.dimensions)
    return attrs.evolve(rs, dimensions=dims)


def test_a_base_of_20_with_deductions_stops_at_0() -> None:
    """Eight unexcused 主题党日 absences (−2 each = −16) and two 支部党员大会 (−3 each):
    20 − 22 = −2 → floored at 0 (a ``dimfloor.deductions`` row of +2)."""
    absences = [("M1", f"2024-{m:02d}-10", "主题党日", "absent") for m in range(1, 9)]
    absences += [("M1", f"2024-{m:02d}-20", "支部党员大会", "absent") for m in (9, 10)]
    for scope in ("period", "year"):
        result = points.assess(build([ONE], absences), _with_floor(0.0, scope), year=2024)
        assert total(result, "M1", "deductions") == 0.0
        assert ("dimfloor.deductions", 2.0) in rules(result, "M1")
        row = result.ledger[result.ledger["rule"] == "dimfloor.deductions"].iloc[0]
        assert (row["item"], str(row["date"].date())) == ("扣分保底", "2024-12-31")
    unfloored = points.assess(build([ONE], absences), _with_floor(None), year=2024)
    assert total(unfloored, "M1", "deductions") == -2.0


def test_no_floor_row_when_the_dimension_stays_above() -> None:
    absences = [("M1", "2024-03-10", "主题党日", "absent")]
    result = points.assess(build([ONE], absences), _with_floor(0.0), year=2024)
    assert total(result, "M1", "deductions") == 18.0
    assert not result.ledger["rule"].str.startswith("dimfloor.").any()


def test_uncapped_additions_with_the_total_floored_at_0() -> None:
    """市外办: base 60, +1 per meeting attended without a cap, deductions below, total ≥ 0."""
    rs = points.default_ruleset()
    dims = (Dimension(id="base", label="基础分", base=60.0),
            Dimension(id="participation", label="加分"),
            Dimension(id="deductions", label="扣分"))
    acts = tuple(attrs.evolve(a, points=1.0, cap=None, dimension="participation")
                 for a in rs.activities)
    rs = attrs.evolve(rs, dimensions=dims, activities=acts, appraisal=None, total_cap=None,
                      floor=0.0)
    meetings = [("M1", f"2024-{m:02d}-{d:02d}", "党小组会", "present")
                for m in range(1, 13) for d in (5, 15, 25)]
    result = points.assess(build([ONE], meetings), rs, year=2024)
    assert total(result, "M1") == 60.0 + 36.0  # nothing capped


@settings(max_examples=examples(0.1), deadline=None)  # several assessments an example
@given(st.lists(st.lists(st.sampled_from(["present", "late", "absent", None]), min_size=1,
                         max_size=12), min_size=1, max_size=6),
       st.sampled_from([0.0, 5.0, 19.0]))
def test_a_floor_never_lowers_a_total_and_holds(patterns: list[list[str | None]],
                                                floor: float) -> None:
    """One member per pattern of 支部党员大会 (−3 per absence from a base of 20)."""
    records = monthly(patterns, "支部党员大会")
    plain = points.assess(records, _with_floor(None), year=2024).totals.set_index("member_id")
    floored = points.assess(records, _with_floor(floor), year=2024).totals.set_index("member_id")
    assert (floored["total"] >= plain["total"] - 1e-9).all()
    assert (floored["deductions"] >= floor - 1e-9).all()
