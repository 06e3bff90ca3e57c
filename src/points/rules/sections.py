"""Reading the sections added for the rules localities write (#16): ``[minimums.<名称>]``,
``[quiz]`` and ``[study]``.

Kept apart from :mod:`.build` so that each kind of rule reads in one place; :func:`.build.
build_ruleset` calls these after the sections they refer to (activities, categories,
dimensions) are read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..vocab.codes import FLAG_CODES
from ..vocab.text import suggestion_zh
from .check import Checker, check_default_dimension, key_path, shown
from .model import Dimension, Minimum, ScoreBand, ScoreRule
from .schema import MINIMUM, QUIZ, SCORE_BAND, STUDY, Section

__all__ = ["check_carry", "check_cycle_start", "read_minimums", "read_scores"]


def read_minimums(c: Checker, doc: Mapping[str, Any], activities: list[str],
                  categories: list[str]) -> list[Minimum]:
    """``[minimums.<名称>]``: each names an activity and categories of the ruleset; one that
    deducts needs the ``deductions`` dimension."""
    out: list[Minimum] = []
    ids: dict[str, str] = {}
    table = c.table(doc.get("minimums"), "$.minimums")
    for name, value in table.items():
        path = key_path("$.minimums", name)
        values = c.read(c.open(value, MINIMUM, path), MINIMUM, path)
        if values["id"] in ids:
            c.fail(key_path(path, "id"), f"编号 {shown(values['id'])} 已被 {shown(ids[values['id']])} 使用")
        ids.setdefault(values["id"], name)
        activity = values["activity"]
        if activity is not None and activities and activity not in activities:
            c.fail(key_path(path, "activity"),
                   f"未定义的活动 {shown(activity)}" + suggestion_zh(activity, activities))
        for i, category in enumerate(values["categories"] or ()):
            if categories and category not in categories:
                c.fail(key_path(key_path(path, "categories"), i),
                       f"未定义的类别 {shown(category)}" + suggestion_zh(category, categories))
        if values["points"] and "deductions" not in c.dimension_ids:
            c.fail(key_path(path, "points"), "扣分需要一个 'deductions' 维度（[dimensions.deductions]）")
        if all(values[k.name] is not None for k in MINIMUM if k.name != "activity"):
            out.append(Minimum(name=name, **values))
    return out


def complete(values: Mapping[str, Any], section: Section) -> bool:
    """True when every value that must be set is (None marks a key with a problem)."""
    return all(values[k.name] is not None for k in section
               if k.name in values and (k.required or k.default is not None))


def read_bands(c: Checker, value: Any, where: str, section: Section, example: str
               ) -> list[dict[str, Any]]:
    """The complete entries of a list of band tables, each read by ``section`` (a ``flag`` must
    be a known flag code); a problem, and none, when ``value`` is not a non-empty list
    (``example``: ``档次列表，如 [{ name = "合格", min = 70 }]``)."""
    if not isinstance(value, list) or not value:
        c.fail(where, f"应为{example}，实际是 {shown(value)}")
        return []
    out = []
    for i, spec in enumerate(value):
        path = key_path(where, i)
        values = c.read(c.open(spec, section, path), section, path)
        flag = values.get("flag")
        if flag is not None and flag not in FLAG_CODES:
            c.fail(key_path(path, "flag"), f"未知的提示代码 {shown(flag)}" + suggestion_zh(flag, FLAG_CODES))
            values["flag"] = None
        if complete(values, section):
            out.append(values)
    return out


def _score_bands(c: Checker, value: Any, where: str) -> tuple[ScoreBand, ...]:
    out = [ScoreBand(**values) for values in read_bands(
        c, value, where, SCORE_BAND, "分数段列表，如 [{ min = 90, points = 1.5 }]")]
    mins = [b.min for b in out]
    if len(set(mins)) != len(mins):
        c.fail(where, f"分数段的 min 不能重复，实际是 {shown(mins)}")
    return tuple(sorted(out, key=lambda b: -b.min))


def read_scores(c: Checker, doc: Mapping[str, Any], name: str) -> ScoreRule | None:
    """``[quiz]`` or ``[study]`` (``name``): by bands or by ``per``, one of the two."""
    if name not in doc:
        return None
    section = QUIZ if name == "quiz" else STUDY
    spec = c.open(doc[name], section, section.path)
    bands = c.get(spec, section["bands"], section.path,
                  read=lambda value, where: _score_bands(c, value, where)) or ()
    values = c.read(spec, section.without("bands"), section.path)
    check_default_dimension(c, spec, values, section, section.path)
    if ("bands" in spec) == ("per" in spec):
        c.fail(section.path, "bands 和 per 要写一个（按分数段加分，或每满 per 分加 points 分）")
        return None
    if values["per"] == 0:
        c.fail(key_path(section.path, "per"), "应大于 0")
        return None
    if any(v is None for k, v in values.items() if k not in ("per", "cap", "year_cap")):
        return None
    return ScoreRule(kind="quiz" if name == "quiz" else "study", bands=bands, **values)


def check_cycle_start(c: Checker, settings: dict[str, Any]) -> None:
    """``cycle_start``: the first of a month, ``MM-01`` (``"7-1"`` is read as ``"07-01"``)."""
    value = settings.get("cycle_start")
    if value is None:
        return
    found = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value)
    if found and 1 <= int(found.group(1)) <= 12 and int(found.group(2)) == 1:
        settings["cycle_start"] = f"{int(found.group(1)):02d}-01"
        return
    c.fail("$.cycle_start", f"应为某月 1 日，写成 \"07-01\"（7 月至次年 6 月），实际是 {shown(value)}")
    settings["cycle_start"] = None


def check_carry(c: Checker, dimensions: list[Dimension]) -> None:
    """``carry_last_cycle`` sets the base of the first period: a dimension scored per period."""
    for dim in dimensions:
        if dim.carry_last_cycle is not None and dim.scope != "period":
            c.fail(key_path(key_path("$.dimensions", dim.id), "carry_last_cycle"),
                   "只用于按期计分的维度（scope = \"period\"）")
