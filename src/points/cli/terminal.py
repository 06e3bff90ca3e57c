"""Text for a terminal: tables aligned by display width (a wide or full-width character takes
two columns), numbers on the right, and counts in one line."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

import pandas as pd

__all__ = ["counts", "pad", "table", "width"]


def width(text: str) -> int:
    """The columns ``text`` takes in a terminal: a wide or full-width (CJK) character 2, a
    combining mark 0, any other 1 (ambiguous ones such as “ ” too, as most terminals show them)."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF"
               else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (on the left if ``right``)."""
    gap = " " * max(columns - width(text), 0)
    return gap + text if right else text + gap


def _cell(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:.1f}" if isinstance(value, float) else str(value)
    return text.replace("\n", " ")


_NUMBER = re.compile(r"[-+−]?[0-9][0-9,]*(\.[0-9]+)?")


def table(frame: pd.DataFrame) -> str:
    """``frame`` as aligned text for a terminal: columns padded by display width (see
    :func:`width`), numbers on the right, two spaces between columns, no index."""
    columns = [[str(name)] + [_cell(v) for v in frame[name]] for name in frame.columns]
    right = [any(col[1:]) and all(_NUMBER.fullmatch(v) for v in col[1:] if v)
             for col in columns]
    widths = [max(map(width, col)) for col in columns]
    return "\n".join("  ".join(pad(v, w, r) for v, w, r in zip(row, widths, right, strict=True)
                               ).rstrip() for row in zip(*columns, strict=True))


def counts(values: pd.Series, order: Sequence[str] | None = None) -> str:
    """How many of each value, in ``order`` first, then the others sorted: ``合格 3，优秀 1``
    (``无`` when there are none)."""
    found = values.value_counts()
    keys = [k for k in (order or []) if k in found.index] + sorted(
        k for k in found.index if k not in (order or []))
    return "，".join(f"{k} {found[k]}" for k in keys) or "无"
