"""Build a :class:`Ruleset` from a parsed TOML document, section by section.

Unknown keys, required keys, types and bounds come from the declarations of :mod:`.schema`
and are checked by :mod:`.check`, as are the checks across keys; written here by hand is the
reading of each section. Every problem is collected and raised once, as a :class:`RulesetError`
naming each key path (``$.activities.主题党日.cap: 应为 ≥ 0 的数字，实际是 '二十'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, Literal

from ..vocab.errors import RulesetError
from ..vocab.text import normalize_name, suggestion_zh
from .check import (
    Checker,
    check_activity_points,
    check_all_factors,
    check_default_category,
    check_default_dimension,
    check_item_ids,
    check_unique,
    key_path,
    shown,
)
from .model import (
    Activity,
    Appraisal,
    Band,
    Category,
    Conversions,
    Dimension,
    FlagRules,
    Grades,
    Item,
    Marks,
    Rating,
    RatingBand,
    Ruleset,
)
from .schema import (
    ACTIVITY,
    APPRAISAL,
    BAND,
    BONUS,
    CANDIDATES,
    CATEGORY,
    CONVERSIONS,
    DIMENSION,
    FLAGS,
    GRADES,
    MARKS,
    NEGATIVE,
    PROBATION,
    RATING,
    RATING_BAND,
    TOP,
    Section,
)
from .sections import (
    check_carry,
    check_cycle_start,
    complete,
    read_bands,
    read_minimums,
    read_scores,
)

__all__ = ["build_ruleset"]

#: The top-level settings, read before the sections (``default_category`` is read after them).
_SETTINGS = tuple(k for k in TOP.without("default_category") if k.kind != "table")


def build_ruleset(doc: dict[str, Any], source: str, sha256: str) -> Ruleset:
    c = Checker()
    c.unknown(doc, TOP.names, "$")
    settings = c.read(doc, _SETTINGS, "$")
    check_all_factors(c, settings["status_factors"])
    check_cycle_start(c, settings)
    dimensions = _dimensions(c, doc)
    check_carry(c, dimensions)
    activity_table = c.table(doc.get("activities"), "$.activities")
    activities = _activities(c, activity_table)
    bonuses = _items(c, c.table(doc.get("bonuses"), "$.bonuses"), "$.bonuses", BONUS)
    negative_table = c.table(doc.get("negatives"), "$.negatives")
    negatives = _items(c, negative_table, "$.negatives", NEGATIVE)
    category_table = c.table(doc.get("categories"), "$.categories")
    categories = _categories(c, category_table, list(activity_table))
    default_category = check_default_category(c, doc, category_table)
    appraisal = _appraisal(c, doc["appraisal"]) if "appraisal" in doc else None
    grades = _grades(c, doc["grades"]) if "grades" in doc else None
    probation = _band_section(c, doc, PROBATION)
    candidate_bands = _band_section(c, doc, CANDIDATES)
    flags = _flags(c, doc, list(negative_table))
    conversions = c.read(c.open(doc.get("conversions"), CONVERSIONS, CONVERSIONS.path),
                         CONVERSIONS, CONVERSIONS.path)
    marks = _marks(c, doc)
    minimums = read_minimums(c, doc, list(activity_table), list(category_table))
    quiz, study = read_scores(c, doc, "quiz"), read_scores(c, doc, "study")
    rating = _rating(c, doc["rating"]) if "rating" in doc else None
    check_unique(c, "activities", activities)
    check_unique(c, "bonuses", bonuses)
    check_unique(c, "negatives", negatives)
    check_unique(c, "categories", categories)
    check_item_ids(c, bonuses, negatives)
    if c.problems:
        raise RulesetError(source, c.all_problems())
    assert default_category is not None and marks is not None  # else a problem was reported
    return Ruleset(
        **settings, dimensions=dimensions, activities=activities, bonuses=bonuses,
        negatives=negatives, categories=categories, default_category=default_category,
        appraisal=appraisal, grades=grades, probation=probation, candidate_bands=candidate_bands,
        flags=flags, conversions=Conversions(**conversions), marks=marks, rating=rating,
        sha256=sha256, minimums=minimums, quiz=quiz, study=study,
    )


# -- dimensions, activities, log items, categories --------------------------------------------
def _dimensions(c: Checker, doc: Mapping[str, Any]) -> list[Dimension]:
    table = c.table(doc.get("dimensions"), "$.dimensions")
    if not table:
        c.fail("$.dimensions", "必填：至少要有一个计分维度")
    out = []
    for dim_id, value in table.items():
        path = key_path("$.dimensions", dim_id)
        c.identifier(dim_id, path)
        values = c.read(c.open(value, DIMENSION, path), DIMENSION, path)
        if complete(values, DIMENSION):
            out.append(Dimension(id=dim_id, **values))
    c.dimension_ids = list(table)
    return out


def _activities(c: Checker, table: Mapping[str, Any]) -> list[Activity]:
    out = []
    for name, value in table.items():
        path = key_path("$.activities", name)
        spec = c.open(value, ACTIVITY, path)
        values = c.read(spec, ACTIVITY, path)
        if values["points"]:
            check_default_dimension(c, spec, values, ACTIVITY, path)
        if (values["absence_points"] or values["late_points"]) and "deductions" not in c.dimension_ids:
            c.fail(path, "absence_points、late_points 需要一个 'deductions' 维度"
                         "（[dimensions.deductions]）")
        if complete(values, ACTIVITY):
            out.append(Activity(name=name, **values))
    return out


def _items(c: Checker, table: Mapping[str, Any], where: str, section: Section) -> list[Item]:
    """Bonuses or the negative list; ``points`` may be left out of a ``zero_out`` item."""
    kind: Literal["bonus", "negative"] = "bonus" if section is BONUS else "negative"
    out = []
    for name, value in table.items():
        path = key_path(where, name)
        spec = c.open(value, section, path)
        zero_out = c.get(spec, section["zero_out"], path)
        keys = section.with_key(section["points"].with_default(0.0)) if zero_out else section
        values = {"zero_out": zero_out, **c.read(spec, keys.without("zero_out"), path)}
        check_default_dimension(c, spec, values, section, path)
        if complete(values, section):
            out.append(Item(name=name, kind=kind, **values))
    return out


def _categories(c: Checker, table: Mapping[str, Any], activities: list[str]) -> list[Category]:
    if not table:
        c.fail("$.categories", "必填：至少要有一个党员类别")
    out = []
    for name, value in table.items():
        path = key_path("$.categories", name)
        spec = c.open(value, CATEGORY, path)
        overrides = check_activity_points(c, spec, path, activities)
        skip = c.get(spec, CATEGORY["skip_dimensions"], path)
        for i, dim in enumerate(skip):
            if dim not in c.dimension_ids:
                c.fail(key_path(key_path(path, "skip_dimensions"), i),
                       f"未定义的维度 {shown(dim)}" + suggestion_zh(dim, c.dimension_ids))
        values = c.read(spec, CATEGORY.without("activity_points", "skip_dimensions"), path)
        if complete(values, CATEGORY):
            out.append(Category(name=name, activity_points=overrides, skip_dimensions=skip,
                                **values))
    return out


# -- appraisal, bands, grades -------------------------------------------------------------------
def _appraisal(c: Checker, value: Any) -> Appraisal | None:
    path = "$.appraisal"
    spec = c.open(value, APPRAISAL, path)
    dimension = c.get(spec, APPRAISAL["dimension"], path)
    where = key_path(path, "results")
    table = c.table(spec.get("results"), where)
    scores = c.read(spec, (APPRAISAL["score_weight"], APPRAISAL["score_max"]), path)
    if not table and "score_weight" not in spec:
        c.fail(where, "必填：至少要有一种评议结果（或用 score_weight 按分数计）")
    results = {}
    for result, points in table.items():
        number = c.number(points, key_path(where, result))
        if number is not None:
            results[result] = number
    required = c.get(spec, APPRAISAL["required"], path)
    if dimension is None or required is None or scores["score_max"] is None:
        return None
    return Appraisal(dimension=dimension, results=results, required=required, **scores)


def _bands(c: Checker, value: Any, where: str) -> tuple[Band, ...]:
    """A list of bands from the highest ``min`` down; band flags must be known flag codes."""
    out = [Band(**values) for values in read_bands(
        c, value, where, BAND, '档次列表，如 [{ name = "合格", min = 70 }]')]
    mins = [b.min for b in out]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        c.fail(where, f"档次要按 min 从高到低排列，实际是 {shown(mins)}")
    return tuple(out)


def _grades(c: Checker, value: Any) -> Grades | None:
    path = "$.grades"
    spec = c.open(value, GRADES, path)
    bands = c.get(spec, GRADES["bands"], path, read=partial(_bands, c))
    names = [b.name for b in bands or ()]
    top_key = GRADES["top"].with_default(names[0]) if names else GRADES["top"]
    top = c.get(spec, top_key, path)
    if top is not None and names and top not in names:
        c.fail(key_path(path, "top"), f"未定义的等次 {shown(top)}" + suggestion_zh(top, names))
    bottom = c.get(spec, GRADES["bottom"], path)
    for i, grade in enumerate(bottom):
        if names and grade not in names:
            c.fail(key_path(key_path(path, "bottom"), i),
                   f"未定义的等次 {shown(grade)}" + suggestion_zh(grade, names))
    shares = c.read(spec, GRADES.without("bands", "top", "bottom"), path)
    if shares["bottom_min_share"] is not None and not bottom:
        c.fail(key_path(path, "bottom"), "设了 bottom_min_share 时必填")
    if not bands or top is None:
        return None
    return Grades(bands=bands, top=top, bottom=bottom, **shares)


def _band_section(c: Checker, doc: Mapping[str, Any], section: Section) -> tuple[Band, ...]:
    """``[probation]`` or ``[candidates]``: a table with bands only."""
    name = section.path.removeprefix("$.")
    if name not in doc:
        return ()
    spec = c.open(doc[name], section, section.path)
    return c.get(spec, section["bands"], section.path, read=partial(_bands, c)) or ()


# -- flags, marks, unique names ----------------------------------------------------------------
def _flags(c: Checker, doc: Mapping[str, Any], negatives: list[str]) -> FlagRules:
    spec = c.open(doc.get("flags"), FLAGS, FLAGS.path)
    values = c.read(spec, FLAGS, FLAGS.path)
    dues = values["dues_item"]
    if dues is not None and dues not in negatives:
        c.fail(key_path(FLAGS.path, "dues_item"),
               f"负面清单中没有 {shown(dues)}" + suggestion_zh(dues, negatives))
    return FlagRules(**{k: v for k, v in values.items() if v is not None})


def _marks(c: Checker, doc: Mapping[str, Any]) -> Marks | None:
    """The blank policy and the marks of each status; a mark may stand for one status only."""
    spec = c.open(doc.get("marks"), MARKS, MARKS.path)
    blank = c.get(spec, MARKS["blank"], MARKS.path)
    vocabulary: dict[str, str] = {}
    for key in MARKS.without("blank"):
        for i, mark in enumerate(c.get(spec, key, MARKS.path)):
            norm = normalize_name(mark)
            if norm in vocabulary and vocabulary[norm] != key.name:
                c.fail(key_path(key_path(MARKS.path, key.name), i),
                       f"符号 {shown(mark)} 已列在 {shown(vocabulary[norm])} 下")
            vocabulary[norm] = key.name
    return None if blank is None else Marks(vocabulary=vocabulary, blank=blank)


# -- rating ------------------------------------------------------------------------------------
#: The headers of 汇总 and 公示 besides the dimensions: the rating's column needs another name.
_TAKEN_HEADERS = ("党员编号", "姓名", "支部", "类别", "调整", "总积分", "建议等次", "支部排名",
                  "出勤率", "请假", "提示数", "转正建议")


def _rating(c: Checker, value: Any) -> Rating | None:
    """``[rating]``: a label and bands from the highest ``min`` down (equal mins allowed: the
    shares then tell the bands apart), each with optional shares."""
    path = RATING.path
    spec = c.open(value, RATING, path)
    label = c.get(spec, RATING["label"], path)
    if label in _TAKEN_HEADERS:
        c.fail(key_path(path, "label"), f"汇总表已有 {shown(label)} 这一列，请换一个名称（如 星级）")
        label = None
    bands = c.get(spec, RATING["bands"], path, read=partial(_rating_bands, c))
    if label is None or not bands:
        return None
    return Rating(label=label, bands=bands)


def _rating_bands(c: Checker, value: Any, where: str) -> tuple[RatingBand, ...]:
    out = [RatingBand(**values) for values in read_bands(
        c, value, where, RATING_BAND, '档次列表，如 [{ name = "★★★★★", min = 90 }]')]
    if not out:
        return ()
    mins = [b.min for b in out]
    if mins != sorted(mins, reverse=True):
        c.fail(where, f"档次要按 min 从高到低排列，实际是 {shown(mins)}")
    if len(out) == len(value) and out[0].at_least is not None:
        c.fail(key_path(key_path(where, 0), "at_least"), "最高一档不能设 at_least（它之下就是全体）")
    if len(out) == len(value) and out[-1].at_most is not None:
        c.fail(key_path(key_path(where, len(out) - 1), "at_most"),
               "最低一档收下其余所有人，不能设 at_most")
    names = [b.name for b in out]
    if len(set(names)) != len(names):
        c.fail(where, f"档次名称重复：{shown(names)}")
    return tuple(out)
