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
from ..vocab.statuses import STATUS_LABELS

__all__ = ["RULE_TABLE_COLUMNS", "rule_table"]

RULE_TABLE_COLUMNS = ["部分", "名称", "编号", "分值", "封顶", "说明"]

PERIODS = {"year": "年", "quarter": "季度", "month": "月"}
AGGREGATES = {"sum": "各期相加", "mean": "各期平均", "last": "取最后一期"}
FLAG_RULES = {
    "six_month_run": "连续缺席组织生活（或未交党费）满几个月提示自行脱党审查",
    "escalation_level1": "连续缺席几个月起为一级（批评教育）",
    "escalation_level2": "连续缺席几个月起为二级（限期改正）",
    "unexcused_absences": "全年无故缺席几次起提示通报批评",
    "frequent_leave_share": "请假超过应参加次数的比例",
    "frequent_leave_min": "且请假至少几次",
    "dues_item": "按月记录、连续计算的党费事项",
}

Row = tuple[str, str, str, float | None, float | None, str]


def _num(value: float | None) -> float | None:
    return None if value is None else float(value)


def _factors(factors: Mapping[str, float]) -> str:
    return "，".join(f"{STATUS_LABELS[k]}×{v:g}" for k, v in factors.items())


def _aliases(aliases: Iterable[str]) -> str:
    names = list(aliases)
    return f"别名：{'、'.join(names)}" if names else ""


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def _bands(part: str, bands: tuple[Band, ...]) -> list[Row]:
    return [(part, b.name, "", float(b.min), None,
             _join(f"总积分 ≥ {b.min:g}" if i < len(bands) - 1 else f"总积分 < {bands[i - 1].min:g}"
                   if i else "", f"提示：{b.flag}" if b.flag else ""))
            for i, b in enumerate(bands)]


def rule_table(ruleset: Ruleset) -> pd.DataFrame:
    """The ruleset as a table with the columns :data:`RULE_TABLE_COLUMNS`, in a fixed order."""
    rs = ruleset
    labels = {d.id: d.label for d in rs.dimensions}
    rows: list[Row] = [
        ("基本设置", "规则名称", rs.name, None, None, _join(rs.title, rs.description)),
        ("基本设置", "计分周期", rs.period, None, None,
         f"按{PERIODS[rs.period]}计分，年度总分为{AGGREGATES[rs.aggregate]}"),
        ("基本设置", "总分保底", "floor", _num(rs.floor), None,
         "总分不低于此值" if rs.floor is not None else "不设保底"),
        ("基本设置", "总分封顶", "total_cap", None, _num(rs.total_cap),
         "总分不高于此值" if rs.total_cap is not None else "不设封顶"),
        ("基本设置", "默认党员类别", "default_category", None, None,
         f"名册未写或写错类别时按“{rs.default_category}”计分"),
    ]
    for d in rs.dimensions:
        rows.append(("计分维度", d.label, d.id, float(d.base) if d.base else None, _num(d.cap),
                     _join(f"基础分 {d.base:g}" if d.base else "",
                           f"各期基础分为上期总分×{d.carry:g}" if d.carry is not None else "",
                           "全年计一次" if d.scope == "year" else "")))
    for a in rs.activities:
        rows.append(("组织生活与活动", a.name, a.id, float(a.points), _num(a.cap), _join(
            f"计入{labels.get(a.dimension, a.dimension)}",
            f"缺席 {a.absence_points:g}" if a.absence_points else "",
            f"迟到/早退 {a.late_points:g}" if a.late_points else "",
            _factors(a.status_factors), "属组织生活" if a.org_life else "",
            _aliases(a.aliases))))
    for part, items in (("加分项目", rs.bonuses), ("负面清单", rs.negatives)):
        for i in items:
            rows.append((part, i.name, i.id, float(i.points), _num(i.cap), _join(
                f"计入{labels.get(i.dimension, i.dimension)}",
                "当年总分为 0" if i.zero_out else "",
                "发展对象不得列为最高档" if i.blocks_top_band else "", _aliases(i.aliases))))
    for c in rs.categories:
        rows.append(("党员类别", c.name, c.id, None, None, _join(
            "发展对象/入党积极分子" if c.kind == "candidate" else "",
            "预备党员" if c.probation else "", _factors(c.status_factors),
            "，".join(f"{k}每次 {v:g} 分" for k, v in c.activity_points.items()),
            "缺席、迟到不扣分" if c.exempt_absence_deductions else "",
            "不计" + "、".join(labels.get(s, s) for s in c.skip_dimensions)
            if c.skip_dimensions else "", _aliases(c.aliases))))
    for status, factor in rs.status_factors.items():
        rows.append(("出勤计分系数", STATUS_LABELS[status], status, float(factor), None,
                     "按活动分值的倍数计分"))
    if rs.appraisal is not None:
        for result, points in rs.appraisal.results.items():
            rows.append(("民主评议", result, "", float(points), None,
                         f"计入{labels.get(rs.appraisal.dimension, rs.appraisal.dimension)}"))
    if rs.grades is not None:
        g = rs.grades
        rows += _bands("建议等次", g.bands)
        if g.top_quota is not None:
            rows.append(("建议等次", f"{g.top}名额", "top_quota", None, None,
                         f"每个支部不超过党员人数的 {_fraction(g.top_quota)}（向下取整）"))
        if g.bottom_min_share is not None:
            rows.append(("建议等次", "、".join(g.bottom) + "比例", "bottom_min_share", None, None,
                         f"每个支部至少占 {_fraction(g.bottom_min_share)}（向上取整）"))
    rows += _bands("预备党员", rs.probation)
    rows += _bands("发展对象择优", rs.candidate_bands)
    for key, text in FLAG_RULES.items():
        value = getattr(rs.flags, key)
        if value is None:
            continue
        shown = _fraction(value) if isinstance(value, Fraction) else str(value)
        rows.append(("复核提示", text, key, float(value) if isinstance(value, int) else None, None,
                     shown))
    by_status: dict[str, list[str]] = {}
    for mark, status in rs.marks.vocabulary.items():
        by_status.setdefault(status, []).append(mark)
    for status in STATUS_LABELS:
        if status in by_status:
            rows.append(("签到标记", STATUS_LABELS[status], status, None, None,
                         "、".join(by_status[status])))
    rows.append(("签到标记", "空白单元格", "blank", None, None,
                 "按缺席计" if rs.marks.blank == "absent" else "不计"))
    frame = pd.DataFrame(rows, columns=RULE_TABLE_COLUMNS)
    frame = frame.astype({"部分": "string", "名称": "string", "编号": "string", "说明": "string",
                          "分值": "float64", "封顶": "float64"})
    return frame


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"
