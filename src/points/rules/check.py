"""Reading a parsed TOML document against the declarations of :mod:`.schema`.

A :class:`Checker` collects every problem instead of stopping at the first. Unknown keys,
required keys, types and bounds are checked from the declared :class:`~.schema.Key` alone; each
reader returns None after recording a problem (lists and tables return empty ones), so loading
goes on and reports the rest of the file too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from functools import partial
from typing import Any

from ..vocab.statuses import STATUSES
from ..vocab.text import suggestion_zh
from .schema import Key, Section

__all__ = ["Checker", "key_path"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PLAIN_KEY = re.compile(r"[^\s.\[\]\"']+")


def key_path(path: str, key: str | int) -> str:
    """``$.a`` + ``b`` → ``$.a.b``; an index → ``$.a[0]``; a key with dots or spaces is quoted."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f'{path}["{key}"]'


class Checker:
    """Walks a parsed TOML document and collects ``(key path, message)`` problems."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        #: The ruleset's dimension ids, once read: the values a ``dimension`` key may take.
        self.dimension_ids: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    # -- tables and keys ---------------------------------------------------------------------
    def table(self, value: Any, path: str) -> dict[str, Any]:
        """``value`` as a table; nothing counts as an empty one."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, f"应为一个表（[…] 或 {{ … }}），实际是 {value!r}")
            return {}
        return value

    def unknown(self, table: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
        """Report every key of ``table`` that is not allowed, with the closest allowed ones."""
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                self.fail(key_path(path, key), "无法识别的键" + suggestion_zh(key, allowed))

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
                return self.integer(value, where, minimum=int(key.minimum or 0))
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
               maximum: float | None = None, optional: bool = False) -> float | None:
        if optional and value in ("", "none", "无"):
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
            self.fail(where, f"应为{expect}，实际是 {value!r}")
            return None
        return float(value)

    def integer(self, value: Any, where: str, *, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(where, f"应为 ≥ {minimum} 的整数，实际是 {value!r}")
            return None
        return value

    def share(self, value: Any, where: str) -> Fraction | None:
        try:
            if isinstance(value, str):
                frac = Fraction(value.replace(" ", ""))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                frac = Fraction(value).limit_denominator(1000)
            else:
                raise ValueError
        except (ValueError, ZeroDivisionError, OverflowError):
            self.fail(where, f"应为比例，如 \"1/3\" 或 0.25，实际是 {value!r}")
            return None
        if not 0 <= frac <= 1:
            self.fail(where, f"应为 0 到 1 之间的比例，实际是 {value!r}")
            return None
        return frac

    def text(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"应为非空的文字，实际是 {value!r}")
            return None
        return value.strip()

    def identifier(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(where, f"应为英文编号（小写字母、数字、下划线，字母开头），实际是 {value!r}")
            return None
        return value

    def boolean(self, value: Any, where: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(where, f"应为 true 或 false，实际是 {value!r}")
            return None
        return value

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(where, f"应为文字列表，如 [\"甲\", \"乙\"]，实际是 {value!r}")
            return ()
        out = (self.text(item, key_path(where, i)) for i, item in enumerate(value))
        return tuple(text for text in out if text is not None)

    def choice(self, value: Any, where: str, options: tuple[str, ...]) -> str | None:
        if value not in options:
            hint = suggestion_zh(value, options) if isinstance(value, str) else ""
            self.fail(where, f"应为 {'、'.join(map(repr, options))} 之一，实际是 {value!r}" + hint)
            return None
        return str(value)

    def factors(self, value: Any, where: str) -> dict[str, float]:
        """A table status → factor ≥ 0 (the statuses it leaves out are not in the result)."""
        table = self.table(value, where)
        self.unknown(table, STATUSES, where)
        out = {}
        for status in STATUSES:
            if status in table:
                factor = self.number(table[status], key_path(where, status), minimum=0)
                if factor is not None:
                    out[status] = factor
        return out

    def dimension(self, value: Any, where: str) -> str | None:
        if value not in self.dimension_ids:
            ids = self.dimension_ids
            self.fail(where, f"未定义的维度 {value!r}" + suggestion_zh(str(value), ids))
            return None
        return str(value)
