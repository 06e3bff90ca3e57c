"""The ruleset as one readable Chinese table (the 积分规则 sheet and ``points rules``).

One row per rule: ``部分`` (which part of the rules), ``名称``, ``编号`` (the stable id used in the
ledger's rule ids), ``分值``, ``封顶`` and ``说明``. Everything a secretary needs to check a total
by hand is here: credits and their caps, deductions, bonus items, the negative list, categories
and how they differ, the 民主评议 points, grade bands, thresholds and the mark vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import pandas as pd

from ..rules.model import Band, Ruleset
from ..rules.schema import (
    ACTIVITY,
    APPRAISAL,
    BONUS,
    CANDIDATES,
    CATEGORY,
    DIMENSION,
    FLAGS,
    GRADES,
    MARKS,
    MINIMUM,
    NEGATIVE,
    PROBATION,
    QUIZ,
    RATING,
    STUDY,
    TOP,
)
from ..score.calendar import cycle_month
from ..score.steps.minimums import describe
from ..vocab.codes import FLAG_CODES
from ..vocab.statuses import STATUS_LABELS

__all__ = ["RULE_TABLE_COLUMNS", "rule_table"]

RULE_TABLE_COLUMNS = ["部分", "名称", "编号", "分值", "封顶", "说明"]

PERIODS = TOP["period"].choices
AGGREGATES = TOP["aggregate"].choices

Row = tuple[str, str, str, float | None, float | None, str]


def _num(value: float | None) -> float | None:
    return None if value is None else float(value)


def _factors(factors: Mapping[str, float]) -> str:
    return "，".join(f"{STATUS_LABELS[k]}×{v:g}" for k, v in factors.items())


def _aliases(aliases: Iterable[str]) -> str:
    names = list(aliases)
    return f"{ACTIVITY['aliases'].label}：{'、'.join(names)}" if names else ""


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def _if(flag: bool, text: str) -> str:
    return text if flag else ""


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def rule_table(ruleset: Ruleset) -> pd.DataFrame:
    """The ruleset as a table with the columns :data:`RULE_TABLE_COLUMNS`, in a fixed order."""
    rs = ruleset
    labels = {d.id: d.label for d in rs.dimensions}
    rows = [*_settings(rs), *_dimensions(rs), *_activities(rs, labels), *_items(rs, labels),
            *_categories(rs, labels), *_status_factors(rs), *_appraisal(rs, labels), *_grades(rs),
            *_bands(PROBATION.label, rs.probation), *_bands(CANDIDATES.label, rs.candidate_bands),
            *_flags(rs), *_marks(rs), *_rating(rs), *_minimums(rs),
            *_scores(rs, labels)]
    frame = pd.DataFrame(rows, columns=RULE_TABLE_COLUMNS)
    frame = frame.astype({"部分": "string", "名称": "string", "编号": "string", "说明": "string",
                          "分值": "float64", "封顶": "float64"})
    return frame


def _settings(rs: Ruleset) -> list[Row]:
    part = TOP.label
    return [
        (part, TOP["name"].label, rs.name, None, None, _join(rs.title, rs.description)),
        (part, TOP["period"].label, rs.period, None, None,
         f"按{PERIODS[rs.period]}计分，年度总分为{AGGREGATES[rs.aggregate]}"),
        (part, TOP["floor"].label, "floor", _num(rs.floor), None,
         "总分不低于此值" if rs.floor is not None else "不设保底"),
        (part, TOP["total_cap"].label, "total_cap", None, _num(rs.total_cap),
         "总分不高于此值" if rs.total_cap is not None else "不设封顶"),
        (part, TOP["default_category"].label, "default_category", None, None,
         f"名册未写或写错类别时按“{rs.default_category}”计分"),
    ] + ([] if rs.cycle_start == "01-01" else [
        (part, TOP["cycle_start"].label, "cycle_start", None, None,
         f"考核周期从每年 {cycle_month(rs.cycle_start)} 月 1 日起，年度指周期结束的那一年")])


def _dimensions(rs: Ruleset) -> list[Row]:
    return [(DIMENSION.label, d.label, d.id, float(d.base) if d.base else None, _num(d.cap),
             _join(f"{DIMENSION['base'].label} {d.base:g}" if d.base else "",
                   f"各期基础分为上期总分×{d.carry:g}" if d.carry is not None else "",
                   _if(d.scope == "year", DIMENSION["scope"].choices["year"]),
                   f"{DIMENSION['floor'].label} {d.floor:g}" if d.floor is not None else "",
                   f"首期基础分为上一周期总分×{d.carry_last_cycle:g}"
                   if d.carry_last_cycle is not None else ""))
            for d in rs.dimensions]


def _into(labels: Mapping[str, str], dimension: str) -> str:
    """Where a rule's points go, by the dimension's name; nothing for a dimension the ruleset
    does not have (an activity that only deducts, whose credit dimension is left at its
    default: its deductions go to the deductions)."""
    return f"计入{labels[dimension]}" if dimension in labels else ""


def _activities(rs: Ruleset, labels: Mapping[str, str]) -> list[Row]:
    return [(ACTIVITY.label, a.name, a.id, float(a.points), _num(a.cap), _join(
        _into(labels, a.dimension),
        f"缺席 {a.absence_points:g}" if a.absence_points else "",
        f"迟到/早退 {a.late_points:g}" if a.late_points else "",
        _factors(a.status_factors), _if(a.org_life, ACTIVITY["org_life"].label),
        _aliases(a.aliases)))
        for a in rs.activities]


def _items(rs: Ruleset, labels: Mapping[str, str]) -> list[Row]:
    return [(section.label, i.name, i.id, float(i.points), _num(i.cap), _join(
        _into(labels, i.dimension),
        _if(i.zero_out, section["zero_out"].label),
        _if(i.blocks_top_band, section["blocks_top_band"].label), _aliases(i.aliases)))
        for section, items in ((BONUS, rs.bonuses), (NEGATIVE, rs.negatives)) for i in items]


def _categories(rs: Ruleset, labels: Mapping[str, str]) -> list[Row]:
    return [(CATEGORY.label, c.name, c.id, None, None, _join(
        _if(c.kind == "candidate", CATEGORY["kind"].choices["candidate"]),
        _if(c.probation, CATEGORY["probation"].label), _factors(c.status_factors),
        "，".join(f"{k}每次 {v:g} 分" for k, v in c.activity_points.items()),
        _if(c.exempt_absence_deductions, CATEGORY["exempt_absence_deductions"].label),
        "不计" + "、".join(labels.get(s, s) for s in c.skip_dimensions)
        if c.skip_dimensions else "", _aliases(c.aliases)))
        for c in rs.categories]


def _status_factors(rs: Ruleset) -> list[Row]:
    return [(TOP["status_factors"].label, STATUS_LABELS[status], status, float(factor), None,
             "按活动分值的倍数计分") for status, factor in rs.status_factors.items()]


def _appraisal(rs: Ruleset, labels: Mapping[str, str]) -> list[Row]:
    if rs.appraisal is None:
        return []
    dimension = labels.get(rs.appraisal.dimension, rs.appraisal.dimension)
    rows: list[Row] = [(APPRAISAL.label, result, "", float(points), None, f"计入{dimension}")
                       for result, points in rs.appraisal.results.items()]
    weight, top = rs.appraisal.score_weight, rs.appraisal.score_max
    if weight is not None:
        rows.append((APPRAISAL.label, "评议分数", "score_weight", float(weight), top * weight,
                     f"评议结果写成 0–{top:g} 的分数时，计分 = 分数 × {weight:g}，计入{dimension}"))
    return rows


def _flag(code: str | None) -> str:
    """The review flag a band raises, as the secretary reads it (its label, not its code)."""
    if not code:
        return ""
    return f"提示：{FLAG_CODES[code].label if code in FLAG_CODES else code}"


def _bands(part: str, bands: tuple[Band, ...]) -> list[Row]:
    return [(part, b.name, "", float(b.min), None,
             _join(f"总积分 ≥ {b.min:g}" if i < len(bands) - 1 else f"总积分 < {bands[i - 1].min:g}"
                   if i else "", _flag(b.flag)))
            for i, b in enumerate(bands)]


def _grades(rs: Ruleset) -> list[Row]:
    g = rs.grades
    if g is None:
        return []
    rows = _bands(GRADES.label, g.bands)
    if g.top_quota is not None:
        rows.append((GRADES.label, f"{g.top}名额", "top_quota", None, None,
                     f"每个支部不超过党员人数的 {_fraction(g.top_quota)}（向下取整）"))
    if g.bottom_min_share is not None:
        rows.append((GRADES.label, "、".join(g.bottom) + "比例", "bottom_min_share", None, None,
                     f"每个支部至少占 {_fraction(g.bottom_min_share)}（向上取整）"))
    return rows


def _flags(rs: Ruleset) -> list[Row]:
    rows: list[Row] = []
    for key in FLAGS:
        value = getattr(rs.flags, key.name)
        if value is not None:
            shown = _fraction(value) if isinstance(value, Fraction) else str(value)
            rows.append((FLAGS.label, key.label, key.name,
                         float(value) if isinstance(value, int) else None, None, shown))
    return rows


def _marks(rs: Ruleset) -> list[Row]:
    by_status: dict[str, list[str]] = {}
    for mark, status in rs.marks.vocabulary.items():
        by_status.setdefault(status, []).append(mark)
    rows: list[Row] = [(MARKS.label, label, status, None, None, "、".join(by_status[status]))
                       for status, label in STATUS_LABELS.items() if status in by_status]
    blank = MARKS["blank"]
    rows.append((MARKS.label, blank.label, blank.name, None, None, blank.choices[rs.marks.blank]))
    return rows


def _minimums(rs: Ruleset) -> list[Row]:
    return [(MINIMUM.label, m.name, m.id, float(m.points) if m.points else None, None, _join(
        describe(m), "适用于" + "、".join(m.categories) if m.categories else "",
        "未达到的每期扣 " + f"{-m.points:g} 分" if m.points else "",
        _if(m.flag, "未达到时提示"),
        f"{MINIMUM['unrecorded'].label}{MINIMUM['unrecorded'].choices[m.unrecorded]}"))
        for m in rs.minimums]


def _scores(rs: Ruleset, labels: Mapping[str, str]) -> list[Row]:
    rows: list[Row] = []
    for section, rule in ((QUIZ, rs.quiz), (STUDY, rs.study)):
        if rule is None:
            continue
        what = "得分" if section is QUIZ else "学习积分"
        into = _into(labels, rule.dimension)
        if rule.per is not None:
            rows.append((section.label, f"每满 {rule.per:g} 分", rule.kind, float(rule.points),
                         _num(rule.cap), _join(f"{what}每满 {rule.per:g} 分加 {rule.points:g} 分",
                                               into)))
        rows += [(section.label, f"{what} ≥ {b.min:g}", rule.kind, float(b.points), _num(rule.cap),
                  into) for b in rule.bands]
        if rule.year_cap is not None:
            rows.append((section.label, section["year_cap"].label, f"yearcap.{rule.kind}", None,
                         float(rule.year_cap), "全年不超过此值"))
    return rows


def _rating(rs: Ruleset) -> list[Row]:
    """One row per band of ``[rating]``: its lower bound and its shares per branch."""
    if rs.rating is None:
        return []
    bands = rs.rating.bands
    part = f"{RATING.label}（{rs.rating.label}）"
    return [(part, b.name, "", float(b.min), None, _join(
        f"总积分 ≥ {b.min:g}" if i < len(bands) - 1 else "其余",
        f"每支部最多 {_fraction(b.at_most)}（向下取整），超出的按总分移入下一档"
        if b.at_most is not None else "",
        f"本档及以下每支部至少 {_fraction(b.at_least)}（向上取整），不足时提示" if b.at_least is not None
        else "", _flag(b.flag)))
        for i, b in enumerate(bands)]
