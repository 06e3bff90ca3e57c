"""Load rulesets from TOML files, reporting every problem at once.

Every problem names its key path, the expectation and the value::

    $.activities.主题党日.cap: expected a number ≥ 0, got '二十'
    $.activities.主题党日.caps: unknown key (did you mean 'cap'?)

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

import pandas as pd

from .flags import FLAG_CODES
from .model import (
    STATUSES,
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
from .text import normalize_name, suggestion

__all__ = ["RulesetError", "default_ruleset", "load_ruleset", "shipped_rulesets"]

DEFAULT_RULESET = "dujiangyan"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_NO_DEFAULT = object()


class RulesetError(ValueError):
    """A ruleset file is unreadable or invalid. ``problems`` lists ``(path, message)`` pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [f"{path}: {msg}" for path, msg in problems]
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(
            f"ruleset {source} has {len(problems)} {noun}:\n  " + "\n  ".join(lines)
        )

    def to_frame(self) -> pd.DataFrame:
        """The problems as a DataFrame with columns ``path`` and ``message``."""
        return pd.DataFrame(self.problems, columns=["path", "message"])


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
            self.fail(path, f"expected a table, got {value!r}")
            return {}
        return value

    def keys(self, table: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                self.fail(_key_path(path, key), "unknown key" + suggestion(key, allowed))

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
                self.fail(where, "required, missing")
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
            expect = "a number" + (" " + " and ".join(bounds) if bounds else "")
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.fail(where, f"expected {expect}, got {value!r}")
                return None
            if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
                self.fail(where, f"expected {expect}, got {value!r}")
                return None
            return float(value)

        return convert

    def integer(self, *, minimum: int = 0) -> Callable[[Any, str], Any]:
        def convert(value: Any, where: str) -> int | None:
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                self.fail(where, f"expected a whole number ≥ {minimum}, got {value!r}")
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
            self.fail(where, f"expected a share such as \"1/3\" or 0.25, got {value!r}")
            return None
        if not 0 <= frac <= 1:
            self.fail(where, f"expected a share between 0 and 1, got {value!r}")
            return None
        return frac

    def string(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"expected a non-empty text, got {value!r}")
            return None
        return value.strip()

    def identifier(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(
                where,
                f"expected an English identifier (lower-case letters, digits, _), got {value!r}",
            )
            return None
        return value

    def boolean(self, value: Any, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(where, f"expected true or false, got {value!r}")
            return None
        return value

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(where, f"expected a list of texts, got {value!r}")
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
                    f"expected one of {', '.join(map(repr, options))}, got {value!r}"
                    + (suggestion(value, options) if isinstance(value, str) else ""),
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
_MARK_STATUSES = ("present", "late", "online", "makeup", "leave", "absent")


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
        missing = [s for s in _MARK_STATUSES if s not in factors]
        if missing:
            c.fail("$.status_factors", f"required for every status, missing {', '.join(missing)}")

    # dimensions
    dimensions = []
    dim_table = c.table(doc.get("dimensions"), "$.dimensions")
    if not dim_table:
        c.fail("$.dimensions", "required: at least one dimension")
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
                c.fail(where, f"unknown dimension {value!r}" + suggestion(str(value), dim_ids))
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
                   "required: the ruleset has no 'participation' dimension to default to")
            values["dimension"] = None
        if (values["absence_points"] or values["late_points"]) and "deductions" not in dim_ids:
            c.fail(path, "absence_points and late_points need a 'deductions' dimension "
                         "([dimensions.deductions])")
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
                       f"required: the ruleset has no {default_dim!r} dimension to default to")
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
        c.fail("$.categories", "required: at least one category")
    for cat_name, spec in cat_table.items():
        path = _key_path("$.categories", cat_name)
        spec = c.table(spec, path)
        c.keys(spec, _CATEGORY_KEYS, path)
        act_points = c.table(spec.get("activity_points"), _key_path(path, "activity_points"))
        overrides = {}
        for act, pts in act_points.items():
            where = _key_path(_key_path(path, "activity_points"), act)
            if act not in activity_names:
                c.fail(where, "unknown activity" + suggestion(act, activity_names))
            value = c.number()(pts, where)
            if value is not None:
                overrides[act] = value
        skip = c.get(spec, "skip_dimensions", path, c.strings, ())
        for i, dim in enumerate(skip):
            if dim not in dim_ids:
                c.fail(_key_path(_key_path(path, "skip_dimensions"), i),
                       f"unknown dimension {dim!r}" + suggestion(dim, dim_ids))
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
               f"unknown category {default_category!r}" + suggestion(default_category, cat_table))

    # appraisal
    appraisal = None
    if "appraisal" in doc:
        path = "$.appraisal"
        spec = c.table(doc["appraisal"], path)
        c.keys(spec, ("dimension", "results", "required"), path)
        dim = c.get(spec, "dimension", path, dimension_ref("appraisal"))
        results_table = c.table(spec.get("results"), _key_path(path, "results"))
        if not results_table:
            c.fail(_key_path(path, "results"), "required: at least one result")
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
            c.fail(where, f"expected a list of bands such as {{ name = \"合格\", min = 70 }}, "
                          f"got {value!r}")
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
                       f"unknown flag code {flag!r}" + suggestion(flag, FLAG_CODES))
                flag = None
            if band_name is not None and minimum is not None:
                out.append(Band(name=band_name, min=minimum, flag=flag))
        mins = [b.min for b in out]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            c.fail(where, f"bands must be listed from the highest min to the lowest, got {mins}")
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
            c.fail(_key_path(path, "top"), f"unknown grade {top!r}" + suggestion(top, band_names))
        bottom = c.get(spec, "bottom", path, c.strings, ())
        for i, grade in enumerate(bottom):
            if band_names and grade not in band_names:
                c.fail(_key_path(_key_path(path, "bottom"), i),
                       f"unknown grade {grade!r}" + suggestion(grade, band_names))
        top_quota = c.get(spec, "top_quota", path, c.fraction, None)
        bottom_share = c.get(spec, "bottom_min_share", path, c.fraction, None)
        if bottom_share is not None and not bottom:
            c.fail(_key_path(path, "bottom"), "required when bottom_min_share is set")
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
               f"unknown negative-list item {dues!r}" + suggestion(dues, negative_names))
    flags = FlagRules(dues_item=dues, **{k: v for k, v in flag_values.items() if v is not None})

    # marks
    path = "$.marks"
    spec = c.table(doc.get("marks"), path)
    c.keys(spec, ("blank", *_MARK_STATUSES), path)
    blank = c.get(spec, "blank", path, c.choice(("absent", "ignore")), "absent")
    vocabulary: dict[str, str] = {}
    for status in _MARK_STATUSES:
        marks = c.get(spec, status, path, c.strings, ())
        for i, mark in enumerate(marks):
            key = normalize_name(mark)
            if key in vocabulary and vocabulary[key] != status:
                c.fail(_key_path(_key_path(path, status), i),
                       f"mark {mark!r} is already listed under {vocabulary[key]!r}")
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
                       f"id {thing.id!r} is already used by {ids[thing.id]!r}")
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
            c.fail(_key_path(path, "id"), f"id {thing.id!r} is already used by {ids[thing.id]!r}")
        ids[thing.id] = thing.name
        for i, alias in enumerate((thing.name, *thing.aliases)):
            key = normalize_name(alias)
            if key in names and names[key] != thing.name:
                where = path if i == 0 else _key_path(_key_path(path, "aliases"), i - 1)
                c.fail(where, f"name {alias!r} is already used by {names[key]!r}")
            names.setdefault(key, thing.name)


def _parse(data: bytes, source: str) -> Ruleset:
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RulesetError(source, [("$", f"not UTF-8 text ({exc.reason})")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError(source, [("$", f"not valid TOML: {exc}")]) from None
    return _build(doc, source, sha256)


def shipped_rulesets() -> list[str]:
    """Names of the rulesets shipped inside the package (``dujiangyan`` is the default)."""
    folder = resources.files("points") / "rulesets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_ruleset(path: str | Path) -> Ruleset:
    """Load and validate a ruleset.

    ``path`` is a TOML file, or the name of a shipped ruleset (see :func:`shipped_rulesets`).
    Raises :class:`RulesetError` listing every problem found, each with its key path.
    """
    text_path = str(path)
    file = Path(path)
    if not file.suffix and not file.exists() and text_path in shipped_rulesets():
        ref = resources.files("points") / "rulesets" / f"{text_path}.toml"
        return _parse(ref.read_bytes(), text_path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        hint = suggestion(text_path, shipped_rulesets())
        raise RulesetError(text_path, [("$", "file not found" + hint)]) from None
    except OSError as exc:
        raise RulesetError(text_path, [("$", f"cannot read the file: {exc.strerror}")]) from None
    return _parse(data, text_path)


def default_ruleset() -> Ruleset:
    """The shipped default ruleset, ``dujiangyan`` (都江堰式分类积分)."""
    return load_ruleset(DEFAULT_RULESET)
