"""Load rulesets from TOML files, reporting every problem at once.

Every problem names its key path, the expectation and the value::

    $.activities.主题党日.cap: 应为 ≥ 0 的数字，实际是 '二十'
    $.activities.主题党日.caps: 无法识别的键（是不是 'cap'？）

Messages are in Chinese: the people who edit ruleset files read Chinese.

Unknown keys, required keys, types and bounds come from the declarations of :mod:`.schema`
and are checked by :mod:`.check`, as are the checks across keys; written here by hand is the
reading of each section. Only a regular file of at most :data:`MAX_BYTES` is read; a TOML
syntax error keeps its line and column. The shipped rulesets (``shipped/*.toml``) load by this
same code.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ..vocab.codes import FLAG_CODES
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
    toml_problem,
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
    TOP,
    Section,
)

__all__ = ["RulesetError", "default_ruleset", "load_ruleset", "shipped_rulesets"]

DEFAULT_RULESET = "dujiangyan"
#: The largest ruleset file read, in bytes (a ruleset is a few thousand).
MAX_BYTES = 1 << 20
_TOO_BIG = f"文件过大（{{:,}} 字节），规则文件通常只有几千字节，上限为 {MAX_BYTES:,} 字节"
#: A dotted key or table name of 32 parts or more: not a ruleset's, and tomllib takes time
#: growing with the square of the parts, even before it finds that no '=' or ']' follows.
_PART = r"""(?:[\w-]+|"[^"\n]*"|'[^'\n]*')"""
_DOTTED = re.compile(rf"(?:^|[\[{{,])[ \t]*{_PART}(?:[ \t]*\.[ \t]*{_PART}){{31}}", re.M)
#: An operating system's reason for not reading a file (errno → Chinese).
_OS_PROBLEMS = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.EIO: "读取时出错",
                errno.ENOTDIR: "路径中的某一段不是文件夹", errno.ENAMETOOLONG: "文件名太长",
                errno.ELOOP: "符号链接层数过多", errno.EISDIR: "这是一个文件夹，不是规则文件"}
#: The top-level settings, read before the sections (``default_category`` is read after them).
_SETTINGS = tuple(k for k in TOP.without("default_category") if k.kind != "table")


def _build(doc: dict[str, Any], source: str, sha256: str) -> Ruleset:
    c = Checker()
    c.unknown(doc, TOP.names, "$")
    settings = c.read(doc, _SETTINGS, "$")
    check_all_factors(c, settings["status_factors"])
    dimensions = _dimensions(c, doc)
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
        flags=flags, conversions=Conversions(**conversions), marks=marks, sha256=sha256,
    )


def _complete(values: Mapping[str, Any], section: Section) -> bool:
    """True when every value that must be set is (None marks a key with a problem)."""
    return all(values[k.name] is not None for k in section
               if k.name in values and (k.required or k.default is not None))


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
        if _complete(values, DIMENSION):
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
        if _complete(values, ACTIVITY):
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
        if _complete(values, section):
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
        if _complete(values, CATEGORY):
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
    if not table:
        c.fail(where, "必填：至少要有一种评议结果")
    results = {}
    for result, points in table.items():
        number = c.number(points, key_path(where, result))
        if number is not None:
            results[result] = number
    required = c.get(spec, APPRAISAL["required"], path)
    if dimension is None or required is None:
        return None
    return Appraisal(dimension=dimension, results=results, required=required)


def _bands(c: Checker, value: Any, where: str) -> tuple[Band, ...]:
    """A list of bands from the highest ``min`` down; band flags must be known flag codes."""
    if not isinstance(value, list) or not value:
        c.fail(where, f"应为档次列表，如 [{{ name = \"合格\", min = 70 }}]，实际是 {shown(value)}")
        return ()
    out = []
    for i, spec in enumerate(value):
        path = key_path(where, i)
        values = c.read(c.open(spec, BAND, path), BAND, path)
        flag = values["flag"]
        if flag is not None and flag not in FLAG_CODES:
            c.fail(key_path(path, "flag"), f"未知的提示代码 {shown(flag)}" + suggestion_zh(flag, FLAG_CODES))
            values["flag"] = None
        if _complete(values, BAND):
            out.append(Band(**values))
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


# -- the file and its TOML ----------------------------------------------------------------------
def _parse(data: bytes, source: str) -> Ruleset:
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        return _build(_document(data, source), source, sha256)
    except RecursionError:
        raise _file_error(source, "嵌套层数过多（方括号或花括号套了太多层），不是规则文件") from None


def _document(data: bytes, source: str) -> dict[str, Any]:
    """The TOML document in ``data``; a RulesetError in Chinese, with line and column, if none."""
    if len(data) > MAX_BYTES:
        raise _file_error(source, _TOO_BIG.format(len(data)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise _file_error(source, f"不是 UTF-8 编码的文字（第 {line} 行有无法解读的字节），"
                                  "请用 UTF-8 编码保存") from None
    if dotted := _DOTTED.search(text):
        line = text.count("\n", 0, dotted.end()) + 1
        raise _file_error(source, f"第 {line} 行的键名或表名由太多段（用 . 连接）组成，不是规则文件")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _file_error(source, toml_problem(str(exc))) from None
    except ValueError:  # an integer of more than 4300 digits
        digits = re.search(r"[0-9_]{4300}", text)
        at = f"第 {text.count(chr(10), 0, digits.start()) + 1} 行" if digits else ""
        raise _file_error(source, f"{at}有位数过多的整数，不是规则文件") from None


def _read(file: Path, source: str) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES`: a directory, device or FIFO is
    refused before it is opened (and checked again once open), so reading never blocks."""
    try:
        mode, size = _kind(os.stat(file))
        if mode is None and size <= MAX_BYTES:
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
            with os.fdopen(os.open(file, flags), "rb") as stream:
                mode, size = _kind(os.fstat(stream.fileno()))
                data = stream.read(MAX_BYTES + 1) if mode is None else b""
    except FileNotFoundError:
        hint = suggestion_zh(source, shipped_rulesets())
        raise _file_error(source, "找不到此文件，也不是内置规则名" + hint) from None
    except OSError as exc:
        problem = _OS_PROBLEMS.get(exc.errno or 0, f"系统错误 {exc.errno}")
        raise _file_error(source, "无法读取文件：" + problem) from None
    except ValueError:  # a NUL character in the name
        raise _file_error(source, "文件名中有无效的字符") from None
    if mode is not None or size > MAX_BYTES:
        raise _file_error(source, mode or _TOO_BIG.format(size))
    return data


def _kind(status: os.stat_result) -> tuple[str | None, int]:
    """Why a file cannot be a ruleset (None for a regular file), and its size."""
    if stat.S_ISDIR(status.st_mode):
        return "这是一个文件夹，不是规则文件", 0
    if not stat.S_ISREG(status.st_mode):
        return "不是普通文件（是设备、管道或套接字），不能作为规则文件", 0
    return None, status.st_size


def _file_error(source: str, problem: str) -> RulesetError:
    return RulesetError(source, [("$", problem)])


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
    return _parse(_read(file, text_path), text_path)


def default_ruleset() -> Ruleset:
    """The shipped default ruleset, ``dujiangyan`` (都江堰式分类积分)."""
    return load_ruleset(DEFAULT_RULESET)
