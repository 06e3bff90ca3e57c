"""Load rulesets from TOML files, reporting every problem at once.

Every problem names its key path, the expectation and the value::

    $.activities.主题党日.cap: 应为 ≥ 0 的数字，实际是 '二十'
    $.activities.主题党日.caps: 无法识别的键（是不是 'cap'？）

Messages are in Chinese: the people who edit ruleset files read Chinese.

The shipped rulesets live in ``points/rulesets/*.toml`` and are loaded by this same code.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from ..vocab.codes import FLAG_CODES
from ..vocab.errors import RulesetError
from ..vocab.statuses import EFFECTIVE, STATUSES
from ..vocab.text import normalize_name, suggestion_zh
from .model import (
    Activity,
    Appraisal,
    Band,
    Category,
    Dimension,
    FlagRules,
    Grades,
    Item,
    Marks,
    Ruleset,
)

__all__ = ["RulesetError", "default_ruleset", "load_ruleset", "shipped_rulesets"]

DEFAULT_RULESET = "dujiangyan"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_NO_DEFAULT = object()


def _key_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if re.fullmatch(r"[^\s.\[\]\"']+", key):
        return f"{path}.{key}"
    return f'{path}["{key}"]'


class _Checker:
    """Walks a parsed TOML document and collects problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def table(self, value: Any, path: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, f"应为一个表（[…] 或 {{ … }}），实际是 {value!r}")
            return {}
        return value

    def keys(self, table: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                self.fail(_key_path(path, key), "无法识别的键" + suggestion_zh(key, allowed))

    def get(
        self,
        table: Mapping[str, Any],
        key: str,
        path: str,
        convert: Callable[[Any, str], Any],
        default: Any = _NO_DEFAULT,
    ) -> Any:
        where = _key_path(path, key)
        if key not in table:
            if default is _NO_DEFAULT:
                self.fail(where, "必填，缺少此项")
                return None
            return default
        return convert(table[key], where)

    # -- converters: each returns None after recording a problem --------------------------
    def number(self, *, minimum: float | None = None, maximum: float | None = None,
               optional: bool = False) -> Callable[[Any, str], Any]:
        def convert(value: Any, where: str) -> float | None:
            if optional and value in ("", "none", "无"):
                return None
            bounds = []
            if minimum is not None:
                bounds.append(f"≥ {minimum:g}")
            if maximum is not None:
                bounds.append(f"≤ {maximum:g}")
            expect = (" " + " 且 ".join(bounds) + " 的数字") if bounds else "数字"
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.fail(where, f"应为{expect}，实际是 {value!r}")
                return None
            if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
                self.fail(where, f"应为{expect}，实际是 {value!r}")
                return None
            return float(value)

        return convert

    def integer(self, *, minimum: int = 0) -> Callable[[Any, str], Any]:
        def convert(value: Any, where: str) -> int | None:
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                self.fail(where, f"应为 ≥ {minimum} 的整数，实际是 {value!r}")
                return None
            return value

        return convert

    def fraction(self, value: Any, where: str) -> Fraction | None:
        try:
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, str):
                frac = Fraction(value.replace(" ", ""))
            elif isinstance(value, int | float):
                frac = Fraction(value).limit_denominator(1000)
            else:
                raise ValueError
        except (ValueError, ZeroDivisionError):
            self.fail(where, f"应为比例，如 \"1/3\" 或 0.25，实际是 {value!r}")
            return None
        if not 0 <= frac <= 1:
            self.fail(where, f"应为 0 到 1 之间的比例，实际是 {value!r}")
            return None
        return frac

    def string(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"应为非空的文字，实际是 {value!r}")
            return None
        return value.strip()

    def identifier(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(
                where,
                f"应为英文编号（小写字母、数字、下划线，字母开头），实际是 {value!r}",
            )
            return None
        return value

    def boolean(self, value: Any, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(where, f"应为 true 或 false，实际是 {value!r}")
            return None
        return value

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(where, f"应为文字列表，如 [\"甲\", \"乙\"]，实际是 {value!r}")
            return ()
        out = []
        for i, item in enumerate(value):
            text = self.string(item, _key_path(where, i))
            if text is not None:
                out.append(text)
        return tuple(out)

    def choice(self, options: tuple[str, ...]) -> Callable[[Any, str], Any]:
        def convert(value: Any, where: str) -> str | None:
            if value not in options:
                self.fail(
                    where,
                    f"应为 {'、'.join(map(repr, options))} 之一，实际是 {value!r}"
                    + (suggestion_zh(value, options) if isinstance(value, str) else ""),
                )
                return None
            return str(value)

        return convert

    def status_factors(self, value: Any, where: str) -> dict[str, float]:
        table = self.table(value, where)
        self.keys(table, STATUSES, where)
        out = {}
        for status in STATUSES:
            if status in table:
                factor = self.number(minimum=0)(table[status], _key_path(where, status))
                if factor is not None:
                    out[status] = factor
        return out


# ---------------------------------------------------------------------------------------
_TOP_KEYS = (
    "name", "title", "description", "period", "aggregate", "floor", "total_cap",
    "default_category", "status_factors", "dimensions", "activities", "bonuses", "negatives",
    "categories", "appraisal", "grades", "probation", "candidates", "flags", "marks",
)
_DIMENSION_KEYS = ("label", "cap", "base", "carry", "scope")
_ACTIVITY_KEYS = (
    "id", "points", "dimension", "cap", "absence_points", "late_points", "status_factors",
    "org_life", "aliases",
)
_ITEM_KEYS = ("id", "points", "dimension", "cap", "zero_out", "blocks_top_band", "aliases")
_CATEGORY_KEYS = (
    "id", "kind", "probation", "status_factors", "activity_points",
    "exempt_absence_deductions", "skip_dimensions", "aliases",
)
_BAND_KEYS = ("name", "min", "flag")
_FLAG_KEYS = (
    "six_month_run", "escalation_level1", "escalation_level2", "unexcused_absences",
    "frequent_leave_share", "frequent_leave_min", "dues_item",
)


def _build(doc: dict[str, Any], source: str, sha256: str) -> Ruleset:
    c = _Checker()
    root = "$"
    c.keys(doc, _TOP_KEYS, root)
    name = c.get(doc, "name", root, c.string)
    title = c.get(doc, "title", root, c.string)
    description = c.get(doc, "description", root, c.string, "")
    period = c.get(doc, "period", root, c.choice(("year", "quarter", "month")), "year")
    aggregate = c.get(doc, "aggregate", root, c.choice(("sum", "mean", "last")), "sum")
    floor = c.get(doc, "floor", root, c.number(optional=True), 0.0)
    total_cap = c.get(doc, "total_cap", root, c.number(minimum=0, optional=True), None)
    factors = c.get(doc, "status_factors", root, c.status_factors)
    if factors is not None:
        missing = [s for s in EFFECTIVE if s not in factors]
        if missing:
            c.fail("$.status_factors", f"每种出勤状态都要有系数，缺少 {'、'.join(missing)}")

    # dimensions
    dimensions = []
    dim_table = c.table(doc.get("dimensions"), "$.dimensions")
    if not dim_table:
        c.fail("$.dimensions", "必填：至少要有一个计分维度")
    for dim_id, spec in dim_table.items():
        path = _key_path("$.dimensions", dim_id)
        c.identifier(dim_id, path)
        spec = c.table(spec, path)
        c.keys(spec, _DIMENSION_KEYS, path)
        label = c.get(spec, "label", path, c.string)
        cap = c.get(spec, "cap", path, c.number(minimum=0, optional=True), None)
        base = c.get(spec, "base", path, c.number(), 0.0)
        carry = c.get(spec, "carry", path, c.number(minimum=0, maximum=1), None)
        scope = c.get(spec, "scope", path, c.choice(("period", "year")), "period")
        if label is not None and None not in (base, scope):
            dimensions.append(
                Dimension(id=dim_id, label=label, cap=cap, base=base, carry=carry, scope=scope)
            )
    dim_ids = list(dim_table)

    def dimension_ref(default: str) -> Callable[[Any, str], Any]:
        def convert(value: Any, where: str) -> str | None:
            if value not in dim_ids:
                c.fail(where, f"未定义的维度 {value!r}" + suggestion_zh(str(value), dim_ids))
                return None
            return str(value)

        return convert

    # activities
    activities = []
    act_table = c.table(doc.get("activities"), "$.activities")
    for act_name, spec in act_table.items():
        path = _key_path("$.activities", act_name)
        spec = c.table(spec, path)
        c.keys(spec, _ACTIVITY_KEYS, path)
        values = {
            "id": c.get(spec, "id", path, c.identifier),
            "points": c.get(spec, "points", path, c.number()),
            "dimension": c.get(spec, "dimension", path, dimension_ref("participation"),
                               "participation"),
            "cap": c.get(spec, "cap", path, c.number(minimum=0, optional=True), None),
            "absence_points": c.get(spec, "absence_points", path, c.number(maximum=0), 0.0),
            "late_points": c.get(spec, "late_points", path, c.number(maximum=0), 0.0),
            "status_factors": c.get(spec, "status_factors", path, c.status_factors, {}),
            "org_life": c.get(spec, "org_life", path, c.boolean, False),
            "aliases": c.get(spec, "aliases", path, c.strings, ()),
        }
        if "dimension" not in spec and "participation" not in dim_ids and values["points"]:
            c.fail(_key_path(path, "dimension"),
                   "必填：规则中没有默认的 'participation' 维度，请写明 dimension")
            values["dimension"] = None
        if (values["absence_points"] or values["late_points"]) and "deductions" not in dim_ids:
            c.fail(path, "absence_points、late_points 需要一个 'deductions' 维度"
                         "（[dimensions.deductions]）")
        if all(v is not None for k, v in values.items() if k != "cap"):
            activities.append(Activity(name=act_name, **values))

    # log items
    def items(section: str, kind: str, default_dim: str) -> list[Item]:
        out = []
        table = c.table(doc.get(section), f"$.{section}")
        for item_name, spec in table.items():
            path = _key_path(f"$.{section}", item_name)
            spec = c.table(spec, path)
            c.keys(spec, _ITEM_KEYS, path)
            zero_out = c.get(spec, "zero_out", path, c.boolean, False)
            sign = {"minimum": 0} if kind == "bonus" else {"maximum": 0}
            values = {
                "id": c.get(spec, "id", path, c.identifier),
                "points": c.get(spec, "points", path, c.number(**sign),  # type: ignore[arg-type]
                                0.0 if zero_out else _NO_DEFAULT),
                "dimension": c.get(spec, "dimension", path, dimension_ref(default_dim),
                                   default_dim),
                "cap": c.get(spec, "cap", path, c.number(minimum=0, optional=True), None),
                "zero_out": zero_out,
                "blocks_top_band": c.get(spec, "blocks_top_band", path, c.boolean, False),
                "aliases": c.get(spec, "aliases", path, c.strings, ()),
            }
            if "dimension" not in spec and default_dim not in dim_ids:
                c.fail(_key_path(path, "dimension"),
                       f"必填：规则中没有默认的 {default_dim!r} 维度，请写明 dimension")
                values["dimension"] = None
            if all(v is not None for k, v in values.items() if k != "cap"):
                out.append(Item(name=item_name, kind=kind, **values))  # type: ignore[arg-type]
        return out

    bonuses = items("bonuses", "bonus", "vanguard")
    negatives = items("negatives", "negative", "deductions")

    # categories
    categories = []
    activity_names = list(act_table)
    cat_table = c.table(doc.get("categories"), "$.categories")
    if not cat_table:
        c.fail("$.categories", "必填：至少要有一个党员类别")
    for cat_name, spec in cat_table.items():
        path = _key_path("$.categories", cat_name)
        spec = c.table(spec, path)
        c.keys(spec, _CATEGORY_KEYS, path)
        act_points = c.table(spec.get("activity_points"), _key_path(path, "activity_points"))
        overrides = {}
        for act, pts in act_points.items():
            where = _key_path(_key_path(path, "activity_points"), act)
            if act not in activity_names:
                c.fail(where, "未定义的活动" + suggestion_zh(act, activity_names))
            value = c.number()(pts, where)
            if value is not None:
                overrides[act] = value
        skip = c.get(spec, "skip_dimensions", path, c.strings, ())
        for i, dim in enumerate(skip):
            if dim not in dim_ids:
                c.fail(_key_path(_key_path(path, "skip_dimensions"), i),
                       f"未定义的维度 {dim!r}" + suggestion_zh(dim, dim_ids))
        values = {
            "id": c.get(spec, "id", path, c.identifier),
            "kind": c.get(spec, "kind", path, c.choice(("member", "candidate")), "member"),
            "probation": c.get(spec, "probation", path, c.boolean, False),
            "status_factors": c.get(spec, "status_factors", path, c.status_factors, {}),
            "exempt_absence_deductions": c.get(spec, "exempt_absence_deductions", path,
                                               c.boolean, False),
            "aliases": c.get(spec, "aliases", path, c.strings, ()),
        }
        if all(v is not None for v in values.values()):
            categories.append(Category(name=cat_name, activity_points=overrides,
                                       skip_dimensions=skip, **values))
    default_category = c.get(doc, "default_category", root, c.string)
    if default_category is not None and cat_table and default_category not in cat_table:
        c.fail("$.default_category",
               f"未定义的类别 {default_category!r}" + suggestion_zh(default_category, cat_table))

    # appraisal
    appraisal = None
    if "appraisal" in doc:
        path = "$.appraisal"
        spec = c.table(doc["appraisal"], path)
        c.keys(spec, ("dimension", "results", "required"), path)
        dim = c.get(spec, "dimension", path, dimension_ref("appraisal"))
        results_table = c.table(spec.get("results"), _key_path(path, "results"))
        if not results_table:
            c.fail(_key_path(path, "results"), "必填：至少要有一种评议结果")
        results = {}
        for result, pts in results_table.items():
            value = c.number()(pts, _key_path(_key_path(path, "results"), result))
            if value is not None:
                results[result] = value
        required = c.get(spec, "required", path, c.boolean, True)
        if dim is not None and required is not None:
            appraisal = Appraisal(dimension=dim, results=results, required=required)

    def bands(value: Any, where: str) -> tuple[Band, ...]:
        if not isinstance(value, list) or not value:
            c.fail(where, f"应为档次列表，如 [{{ name = \"合格\", min = 70 }}]，"
                          f"实际是 {value!r}")
            return ()
        out = []
        for i, spec in enumerate(value):
            bpath = _key_path(where, i)
            spec = c.table(spec, bpath)
            c.keys(spec, _BAND_KEYS, bpath)
            band_name = c.get(spec, "name", bpath, c.string)
            minimum = c.get(spec, "min", bpath, c.number())
            flag = c.get(spec, "flag", bpath, c.identifier, None)
            if flag is not None and flag not in FLAG_CODES:
                c.fail(_key_path(bpath, "flag"),
                       f"未知的提示代码 {flag!r}" + suggestion_zh(flag, FLAG_CODES))
                flag = None
            if band_name is not None and minimum is not None:
                out.append(Band(name=band_name, min=minimum, flag=flag))
        mins = [b.min for b in out]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            c.fail(where, f"档次要按 min 从高到低排列，实际是 {mins}")
        return tuple(out)

    grades = None
    if "grades" in doc:
        path = "$.grades"
        spec = c.table(doc["grades"], path)
        c.keys(spec, ("bands", "top", "top_quota", "bottom", "bottom_min_share"), path)
        grade_bands = c.get(spec, "bands", path, bands)
        band_names = [b.name for b in grade_bands or ()]
        top = c.get(spec, "top", path, c.string, band_names[0] if band_names else None)
        if top is not None and band_names and top not in band_names:
            c.fail(_key_path(path, "top"), f"未定义的等次 {top!r}" + suggestion_zh(top, band_names))
        bottom = c.get(spec, "bottom", path, c.strings, ())
        for i, grade in enumerate(bottom):
            if band_names and grade not in band_names:
                c.fail(_key_path(_key_path(path, "bottom"), i),
                       f"未定义的等次 {grade!r}" + suggestion_zh(grade, band_names))
        top_quota = c.get(spec, "top_quota", path, c.fraction, None)
        bottom_share = c.get(spec, "bottom_min_share", path, c.fraction, None)
        if bottom_share is not None and not bottom:
            c.fail(_key_path(path, "bottom"), "设了 bottom_min_share 时必填")
        if grade_bands and top is not None:
            grades = Grades(bands=grade_bands, top=top, top_quota=top_quota, bottom=bottom,
                            bottom_min_share=bottom_share)

    probation: tuple[Band, ...] = ()
    if "probation" in doc:
        spec = c.table(doc["probation"], "$.probation")
        c.keys(spec, ("bands",), "$.probation")
        probation = c.get(spec, "bands", "$.probation", bands) or ()
    candidate_bands: tuple[Band, ...] = ()
    if "candidates" in doc:
        spec = c.table(doc["candidates"], "$.candidates")
        c.keys(spec, ("bands",), "$.candidates")
        candidate_bands = c.get(spec, "bands", "$.candidates", bands) or ()

    # flags
    path = "$.flags"
    spec = c.table(doc.get("flags"), path)
    c.keys(spec, _FLAG_KEYS, path)
    defaults = FlagRules()
    flag_values = {
        key: c.get(spec, key, path, c.integer(minimum=1), getattr(defaults, key))
        for key in ("six_month_run", "escalation_level1", "escalation_level2",
                    "unexcused_absences", "frequent_leave_min")
    }
    flag_values["frequent_leave_share"] = c.get(spec, "frequent_leave_share", path, c.fraction,
                                                defaults.frequent_leave_share)
    dues = c.get(spec, "dues_item", path, c.string, None)
    negative_names = [i for i in c.table(doc.get("negatives"), "$.negatives")]
    if dues is not None and dues not in negative_names:
        c.fail(_key_path(path, "dues_item"),
               f"负面清单中没有 {dues!r}" + suggestion_zh(dues, negative_names))
    flags = FlagRules(dues_item=dues, **{k: v for k, v in flag_values.items() if v is not None})

    # marks
    path = "$.marks"
    spec = c.table(doc.get("marks"), path)
    c.keys(spec, ("blank", *EFFECTIVE), path)
    blank = c.get(spec, "blank", path, c.choice(("absent", "ignore")), "absent")
    vocabulary: dict[str, str] = {}
    for status in EFFECTIVE:
        marks = c.get(spec, status, path, c.strings, ())
        for i, mark in enumerate(marks):
            key = normalize_name(mark)
            if key in vocabulary and vocabulary[key] != status:
                c.fail(_key_path(_key_path(path, status), i),
                       f"符号 {mark!r} 已列在 {vocabulary[key]!r} 下")
            vocabulary[key] = status

    _check_unique(c, "activities", activities)
    _check_unique(c, "bonuses", bonuses)
    _check_unique(c, "negatives", negatives)
    _check_unique(c, "categories", categories)
    ids: dict[str, str] = {}
    for section, things in (("bonuses", bonuses), ("negatives", negatives)):
        for thing in things:
            if thing.id in ids:
                c.fail(_key_path(_key_path(f"$.{section}", thing.name), "id"),
                       f"编号 {thing.id!r} 已被 {ids[thing.id]!r} 使用")
            ids[thing.id] = thing.name

    if c.problems:
        raise RulesetError(source, c.problems)
    return Ruleset(
        name=name, title=title, description=description, period=period, aggregate=aggregate,
        floor=floor, total_cap=total_cap, status_factors=factors, dimensions=dimensions,
        activities=activities, bonuses=bonuses, negatives=negatives, categories=categories,
        default_category=default_category, appraisal=appraisal, grades=grades,
        probation=probation, candidate_bands=candidate_bands, flags=flags,
        marks=Marks(vocabulary=vocabulary, blank=blank), sha256=sha256,
    )


def _check_unique(c: _Checker, section: str, things: list[Any]) -> None:
    """Ids must be unique in a section; names and aliases must not collide after normalising."""
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for thing in things:
        path = _key_path(f"$.{section}", thing.name)
        if thing.id in ids:
            c.fail(_key_path(path, "id"), f"编号 {thing.id!r} 已被 {ids[thing.id]!r} 使用")
        ids[thing.id] = thing.name
        for i, alias in enumerate((thing.name, *thing.aliases)):
            key = normalize_name(alias)
            if key in names and names[key] != thing.name:
                where = path if i == 0 else _key_path(_key_path(path, "aliases"), i - 1)
                c.fail(where, f"名称 {alias!r} 已被 {names[key]!r} 使用")
            names.setdefault(key, thing.name)


def _parse(data: bytes, source: str) -> Ruleset:
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        problem = f"不是 UTF-8 编码的文字（{exc.reason}），请用 UTF-8 保存"
        raise RulesetError(source, [("$", problem)]) from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        at = f"第 {where.group(1)} 行第 {where.group(2)} 列" if where else "文件末尾"
        raise RulesetError(source, [("$", f"TOML 格式有误，在{at}（{exc}）")]) from None
    return _build(doc, source, sha256)


def shipped_rulesets() -> list[str]:
    """Names of the rulesets shipped inside the package (``dujiangyan`` is the default)."""
    folder = resources.files("points.rules") / "shipped"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_ruleset(path: str | Path) -> Ruleset:
    """Load and validate a ruleset.

    ``path`` is a TOML file, or the name of a shipped ruleset (see :func:`shipped_rulesets`).
    Raises :class:`RulesetError` listing every problem found, each with its key path.
    """
    text_path = str(path)
    file = Path(path)
    if not file.suffix and not file.exists() and text_path in shipped_rulesets():
        ref = resources.files("points.rules") / "shipped" / f"{text_path}.toml"
        return _parse(ref.read_bytes(), text_path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        hint = suggestion_zh(text_path, shipped_rulesets())
        raise RulesetError(text_path, [("$", "找不到此文件，也不是内置规则名" + hint)]) from None
    except OSError as exc:
        raise RulesetError(text_path, [("$", f"无法读取文件：{exc.strerror}")]) from None
    return _parse(data, text_path)


def default_ruleset() -> Ruleset:
    """The shipped default ruleset, ``dujiangyan`` (都江堰式分类积分)."""
    return load_ruleset(DEFAULT_RULESET)
