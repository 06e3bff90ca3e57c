"""Probation bands of the default rules follow its own scale (#16, item 9)."""

from __future__ import annotations

import points
from conftest import build

MEETINGS = ([("支部党员大会", m) for m in (3, 6, 9, 12)] + [("党小组会", m) for m in range(1, 13)]
            + [("主题党日", m) for m in range(1, 13)] + [("党课", m) for m in (4, 10)]
            + [("组织生活会", 12)] + [("集中学习", m) for m in range(2, 8)])


def _probationer(joined: str | None = None, appraisal: str = "合格") -> points.Assessment:
    member = ("P1", "周七", "一支部", "预备党员", joined)
    first = int(joined[5:7]) if joined else 1
    attendance = [("P1", f"2024-{m:02d}-{5 + i % 20:02d}", act, "present")
                  for i, (act, m) in enumerate(MEETINGS) if m >= first]
    return points.assess(build([member], attendance, appraisals=[("P1", appraisal)]), year=2024)


def test_full_attendance_and_qualified_is_confirmed_on_time() -> None:
    result = _probationer()
    row = result.rankings.iloc[0]
    assert row["total"] == 75  # 日常表现 60 (capped) + 民主评议 合格 15
    assert row["probation_band"] == "按期转正"
    assert not result.flags["code"].str.startswith("probation").any()


def test_the_bands_are_seventy_and_sixty() -> None:
    bands = points.default_ruleset().probation
    assert [(b.name, b.min, b.flag) for b in bands] == [
        ("按期转正", 70, None), ("延长预备期", 60, "probation_extend"),
        ("取消预备资格", 0, "probation_revoke")]
