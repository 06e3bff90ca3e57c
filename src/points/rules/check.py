"""Reading a parsed TOML document against the declarations of :mod:`.schema`, and the checks
across keys.

A :class:`Checker` collects every problem instead of stopping at the first. Unknown keys,
required keys, types and bounds are checked from the declared :class:`~.schema.Key` alone; each
reader returns None after recording a problem (lists and tables return empty ones), so loading
goes on and reports the rest of the file too. Every number is finite and within the limit of
its kind (:data:`~.schema.LIMITS`), so nothing later meets ``inf``, ``nan`` or ``2**70``.
Values quoted in a message are cut short (:func:`shown`); :func:`toml_problem` says in Chinese
what tomllib found wrong with the file.

The checks across keys (default dimensions and category, activity overrides, unique ids and
names, complete status factors) take the :class:`Checker` and record their problems on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from functools import partial
from typing import Any

from ..vocab.statuses import EFFECTIVE, STATUSES
from ..vocab.text import normalize_name, suggestion_zh
from .model import Item
from .schema import LIMITS, TOP, Key, Section

__all__ = ["Checker", "check_activity_points", "check_all_factors", "check_default_category",
           "check_default_dimension", "check_item_ids", "check_unique", "key_path", "shown",
           "toml_problem"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PLAIN_KEY = re.compile(r"[^\s.\[\]\"']+")
#: An exponent of three or more digits in a written share: Fraction would build 10**exponent.
_BIG_EXPONENT = re.compile(r"[eE][+-]?\d{3,}")
_TOML_WHERE = re.compile(r" \((?:at line (\d+), column (\d+)|at end of document)\)$")
#: The start of each of tomllib's messages → the cause in Chinese.
_TOML_CAUSES = (
    ("Expected '=' after a key", "键的后面应有 '='（文字要加引号）"),
    ("Expected ']' at the end of a table", "表名的末尾应有 ']'"),
    ("Expected ']]' at the end of an array", "表名的末尾应有 ']]'"),
    ("Expected newline or end of document", "一行只能写一项，这一项之后应换行"),
    ("Expected ", "字符串没有结束，缺少结尾的引号"),
    ("Unterminated string", "字符串没有结束，缺少结尾的引号"),
    ("Unclosed array", "方括号 [ ] 没有闭合"),
    ("Unclosed inline table", "花括号 { } 没有闭合（花括号里的表要写在一行内）"),
    ("Invalid value", "无法识别的值（文字要加引号，如 \"合格\"）"),
    ("Invalid statement", "无法识别的语句"),
    ("Invalid initial character for a key",
     "键名有不允许的字符（中文键名要加引号，如 [activities.\"主题党日\"]）"),
    ("Invalid hex value", "转义的字符编码（\\u 或 \\U 之后）无效"),
    ("Escaped character is not", "转义的字符编码不是有效的字符"),
    ("Unescaped '\\'", "字符串中的反斜杠 \\ 要写成 \\\\，或改用单引号"),
    ("Invalid date or datetime", "日期或时间无效"),
    ("Cannot overwrite a value", "重复的键，这一项前面已经写过"),
    ("Duplicate inline table key", "花括号里的键重复"),
    ("Cannot declare", "同一个表写了两次"),
    ("Cannot redefine namespace", "这个表前面已经定义过"),
    ("Cannot mutate immutable namespace", "不能向写完的花括号表或数组中再加入键"),
    ("Illegal character '\\n'", "字符串没有结束，缺少结尾的引号（一对引号要写在同一行）"),
    ("Found invalid character", "有不允许的字符 {}"),
    ("Illegal character", "有不允许的字符 {}"),
)
#: How long a value quoted in a message may be.
_SHOWN = 80


def shown(value: Any) -> str:
    """``repr(value)`` for a message: cut short when long; a huge integer by its size only."""
    if isinstance(value, int) and value.bit_length() > 100:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"{'-' if value < 0 else ''}一个约 {digits} 位的整数"
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def toml_problem(message: str) -> str:
    """tomllib's English message in Chinese: where, then what (unknown causes in general words)."""
    where = _TOML_WHERE.search(message)
    cause = message[:where.start()] if where else message
    at = ("" if where is None else "，在文件末尾" if where.group(1) is None
          else f"，在第 {where.group(1)} 行第 {where.group(2)} 列")
    zh = next((zh for en, zh in _TOML_CAUSES if cause.startswith(en)), "不符合 TOML 的写法")
    char = re.search(r"character ('.*'|\".*\")$", cause)
    return f"TOML 格式有误{at}：" + zh.replace("{}", char.group(1) if char else "")


def key_path(path: str, key: str | int) -> str:
    """``$.a`` + ``b`` → ``$.a.b``; an index → ``$.a[0]``; a key with dots or spaces is quoted,
    a very long one cut short."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if len(key) > _SHOWN:
        key = key[:_SHOWN - 1] + "…"
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f'{path}["{key}"]'


class Checker:
    """Walks a parsed TOML document and collects ``(key path, message)`` problems."""

    #: The most problems listed; a file with more is rarely a ruleset, and the rest are counted.
    MAX_PROBLEMS = 100

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        #: How many problems were found beyond :attr:`MAX_PROBLEMS`.
        self.unlisted = 0
        #: The ruleset's dimension ids, once read: the values a ``dimension`` key may take.
        self.dimension_ids: list[str] = []

    @property
    def full(self) -> bool:
        return len(self.problems) >= self.MAX_PROBLEMS

    def fail(self, path: str, message: str) -> None:
        if self.full:
            self.unlisted += 1
        else:
            self.problems.append((path, message))

    def all_problems(self) -> list[tuple[str, str]]:
        """The problems listed, and a last one saying how many more there are."""
        more = [("$", f"另有 {self.unlisted} 处错误未列出")] if self.unlisted else []
        return self.problems + more

    # -- tables and keys ---------------------------------------------------------------------
    def table(self, value: Any, path: str) -> dict[str, Any]:
        """``value`` as a table; nothing counts as an empty one."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, f"应为一个表（[…] 或 {{ … }}），实际是 {shown(value)}")
            return {}
        return value

    def unknown(self, table: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
        """Report every key of ``table`` that is not allowed, with the closest allowed ones."""
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                hint = "" if self.full else suggestion_zh(key, allowed)
                self.fail(key_path(path, key), "无法识别的键" + hint)

    def open(self, value: Any, section: Section, path: str) -> dict[str, Any]:
        """``value`` as a table of ``section``, its unknown keys reported."""
        table = self.table(value, path)
        self.unknown(table, section.names, path)
        return table

    def read(self, table: Mapping[str, Any], keys: Iterable[Key], path: str) -> dict[str, Any]:
        """The values of ``keys`` in ``table`` (defaults for absent keys), by key name."""
        return {key.name: self.get(table, key, path) for key in keys}

    def get(self, table: Mapping[str, Any], key: Key, path: str,
            read: Callable[[Any, str], Any] | None = None) -> Any:
        """The value of ``key`` in ``table``: its default when absent, None after a problem.

        ``read(value, where)`` reads the value of a key of a kind read by the loader (bands).
        """
        where = key_path(path, key.name)
        if key.name not in table:
            if key.required:
                self.fail(where, "必填，缺少此项")
            return key.default
        return (read or partial(self.value, key))(table[key.name], where)

    def value(self, key: Key, value: Any, where: str) -> Any:
        """Check and convert ``value`` by the kind of ``key``."""
        match key.kind:
            case "text":
                return self.text(value, where)
            case "id":
                return self.identifier(value, where)
            case "number":
                return self.number(value, where, minimum=key.minimum, maximum=key.maximum,
                                   optional=key.optional)
            case "integer":
                maximum = LIMITS["integer"] if key.maximum is None else int(key.maximum)
                return self.integer(value, where, minimum=int(key.minimum or 0), maximum=maximum)
            case "share":
                return self.share(value, where)
            case "bool":
                return self.boolean(value, where)
            case "texts":
                return self.texts(value, where)
            case "choice":
                return self.choice(value, where, tuple(key.choices))
            case "factors":
                return self.factors(value, where)
            case "dimension":
                return self.dimension(value, where)
        raise TypeError(f"{where}: a {key.kind!r} key is read by the loader, not by Checker.value")

    # -- values: each returns None after recording a problem ---------------------------------
    def number(self, value: Any, where: str, *, minimum: float | None = None,
               maximum: float | None = None, optional: bool = False,
               limit: float = LIMITS["number"]) -> float | None:
        """A finite number within the bounds and within ±``limit``; -0.0 becomes 0.0."""
        if optional and isinstance(value, str) and value in ("", "none", "无"):
            return None
        bounds = []
        if minimum is not None:
            bounds.append(f"≥ {minimum:g}")
        if maximum is not None:
            bounds.append(f"≤ {maximum:g}")
        expect = (" " + " 且 ".join(bounds) + " 的数字") if bounds else "数字"
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or (minimum is not None and value < minimum)
                or (maximum is not None and value > maximum)):
            self.fail(where, f"应为{expect}，实际是 {shown(value)}")
            return None
        low = -limit if minimum is None else max(minimum, -limit)
        high = limit if maximum is None else min(maximum, limit)
        if not low <= value <= high:  # also inf and nan
            self.fail(where, f"应为 {low:g} 到 {high:g} 之间的数字，实际是 {shown(value)}")
            return None
        return float(value) + 0.0

    def integer(self, value: Any, where: str, *, minimum: int,
                maximum: int = LIMITS["integer"]) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(where, f"应为 ≥ {minimum} 的整数，实际是 {shown(value)}")
            return None
        if value > maximum:
            self.fail(where, f"应为 {minimum} 到 {maximum} 之间的整数，实际是 {shown(value)}")
            return None
        return value

    def share(self, value: Any, where: str) -> Fraction | None:
        """``"1/3"`` or ``0.25``; a written exponent (``"1e-2"``) is kept small."""
        try:
            if isinstance(value, str):
                text = value.replace(" ", "")
                if len(text) > 40 or _BIG_EXPONENT.search(text):
                    raise ValueError(text)
                frac = Fraction(text)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                frac = Fraction(value).limit_denominator(1000)
            else:
                raise ValueError(value)
        except (ValueError, ZeroDivisionError, OverflowError):
            self.fail(where, f"应为比例，如 \"1/3\" 或 0.25，实际是 {shown(value)}")
            return None
        if not 0 <= frac <= 1:
            self.fail(where, f"应为 0 到 1 之间的比例，实际是 {shown(value)}")
            return None
        return frac

    def text(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"应为非空的文字，实际是 {shown(value)}")
            return None
        return value.strip()

    def identifier(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(where, f"应为英文编号（小写字母、数字、下划线，字母开头），实际是 {shown(value)}")
            return None
        return value

    def boolean(self, value: Any, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(where, f"应为 true 或 false，实际是 {shown(value)}")
            return None
        return value

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(where, f"应为文字列表，如 [\"甲\", \"乙\"]，实际是 {shown(value)}")
            return ()
        out = (self.text(item, key_path(where, i)) for i, item in enumerate(value))
        return tuple(text for text in out if text is not None)

    def choice(self, value: Any, where: str, options: tuple[str, ...]) -> str | None:
        if value not in options:
            hint = suggestion_zh(value, options) if isinstance(value, str) else ""
            self.fail(where, f"应为 {'、'.join(map(repr, options))} 之一，实际是 {shown(value)}" + hint)
            return None
        return str(value)

    def factors(self, value: Any, where: str) -> dict[str, float]:
        """A table status → factor ≥ 0 (the statuses it leaves out are not in the result)."""
        table = self.table(value, where)
        self.unknown(table, STATUSES, where)
        out = {}
        for status in STATUSES:
            if status in table:
                factor = self.number(table[status], key_path(where, status), minimum=0,
                                     limit=LIMITS["factors"])
                if factor is not None:
                    out[status] = factor
        return out

    def dimension(self, value: Any, where: str) -> str | None:
        if value not in self.dimension_ids:
            ids = self.dimension_ids
            hint = suggestion_zh(value, ids) if isinstance(value, str) else ""
            self.fail(where, f"未定义的维度 {shown(value)}" + hint)
            return None
        return str(value)


# -- checks across keys ------------------------------------------------------------------
def check_default_dimension(c: Checker, spec: Mapping[str, Any], values: dict[str, Any],
                            section: Section, path: str) -> None:
    """A thing without ``dimension`` goes to the section's default one, which must exist."""
    default = section["dimension"].default
    if "dimension" not in spec and default not in c.dimension_ids:
        c.fail(key_path(path, "dimension"),
               f"必填：规则中没有默认的 {shown(default)} 维度，请写明 dimension")
        values["dimension"] = None


def check_default_category(c: Checker, doc: Mapping[str, Any], categories: Mapping[str, Any]
                           ) -> str | None:
    """``default_category``, which must name a category of the ruleset."""
    category = c.get(doc, TOP["default_category"], "$")
    if category is not None and categories and category not in categories:
        c.fail("$.default_category",
               f"未定义的类别 {shown(category)}" + suggestion_zh(category, categories))
    return category


def check_activity_points(c: Checker, spec: Mapping[str, Any], path: str,
                            activities: list[str]) -> dict[str, float]:
    """A category's ``activity_points``: each a number, for an activity of the ruleset."""
    where = key_path(path, "activity_points")
    out = {}
    for activity, points in c.table(spec.get("activity_points"), where).items():
        entry = key_path(where, activity)
        if activity not in activities:
            c.fail(entry, "未定义的活动" + suggestion_zh(activity, activities))
        value = c.number(points, entry)
        if value is not None:
            out[activity] = value
    return out


def check_all_factors(c: Checker, factors: Mapping[str, float] | None) -> None:
    """The ruleset's own status factors name every effective status."""
    if factors is not None:
        missing = [s for s in EFFECTIVE if s not in factors]
        if missing:
            c.fail("$.status_factors", f"每种出勤状态都要有系数，缺少 {'、'.join(missing)}")


def check_unique(c: Checker, section: str, things: list[Any]) -> None:
    """Ids must be unique in a section; names and aliases must not collide after normalising."""
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for thing in things:
        path = key_path(f"$.{section}", thing.name)
        if thing.id in ids:
            c.fail(key_path(path, "id"), f"编号 {shown(thing.id)} 已被 {shown(ids[thing.id])} 使用")
        ids[thing.id] = thing.name
        for i, alias in enumerate((thing.name, *thing.aliases)):
            norm = normalize_name(alias)
            if norm in names and names[norm] != thing.name:
                where = path if i == 0 else key_path(key_path(path, "aliases"), i - 1)
                c.fail(where, f"名称 {shown(alias)} 已被 {shown(names[norm])} 使用")
            names.setdefault(norm, thing.name)


def check_item_ids(c: Checker, bonuses: list[Item], negatives: list[Item]) -> None:
    """Bonus and negative ids share the ledger's rule names, so they must differ too."""
    ids: dict[str, str] = {}
    for section, things in (("bonuses", bonuses), ("negatives", negatives)):
        for thing in things:
            if thing.id in ids:
                c.fail(key_path(key_path(f"$.{section}", thing.name), "id"),
                       f"编号 {shown(thing.id)} 已被 {shown(ids[thing.id])} 使用")
            ids[thing.id] = thing.name
