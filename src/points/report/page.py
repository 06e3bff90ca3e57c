"""The printed page: the title block every sheet carries in its page header and footer.

Excel's header and footer are one string of at most 255 characters with ``&`` codes in it
(``&L``/``&C``/``&R`` sections, ``&P`` page, ``&N`` pages, ``&A`` sheet name, ``&B`` bold,
``&14`` a font size). Text from the user (organisation, ruleset title) must survive it:

- ``&`` is escaped as ``&&``; control characters (a line break would start a new line)
  become spaces;
- a font-size code is always followed by a space, so that text starting with digits is not
  read as part of the size (``&14`` + ``2024年`` would be size 142024);
- an escaped ``&&`` before ``G`` or ``[`` gets a zero-width space after it: XlsxWriter counts
  ``&G`` and ``&[Picture]`` as image placeholders and would drop the whole header;
- the longest texts are cut (with ``…``) to a common length until the whole fits in 255
  characters.

The title block: organisation and title (with the period) in bold in the centre of the header,
with the sheet name; the ruleset on the left of the footer, ``第 N 页 共 M 页`` in the middle and
the run date on the right.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence

import pandas as pd
import pyarrow.compute as pc

from ..judge.assessment import AssessmentTables
from .cells import text_array, text_series

__all__ = ["LIMIT", "PAGES", "Code", "default_org", "escape", "page_text", "run_date"]

#: Characters Excel allows in a header or footer (UTF-16 code units).
LIMIT = 255
#: ``第 N 页 共 M 页``.
PAGES = "第 &P 页 共 &N 页"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_TOWN = re.compile(r"^[\u4e00-\u9fff]{2,12}?(?:街道|镇|乡)")  # 河西镇党员名册 → 河西镇
_TOWN_END = re.compile(r"^.{2,}(?:街道|镇|乡)")  # the last town word of a shared prefix


class Code(str):
    """A piece of header text that is an Excel code, written as it is (never escaped)."""


def escape(text: str) -> str:
    """``text`` as literal header text: ``&`` as ``&&``, control characters as spaces."""
    text = _CONTROL.sub(" ", text).replace("&", "&&")
    return re.sub(r"&&(?=[G\[])", "&&\u200b", text)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, cap: int) -> str:
    """``text`` cut (with ``…``) so that, escaped, it takes at most ``cap`` characters."""
    if _units(escape(text)) <= cap:
        return text
    size = 0
    while size < len(text) and _units(escape(text[:size + 1])) + 1 <= cap:
        size += 1
    return text[:size] + "…"


def page_text(left: Sequence[str] = (), center: Sequence[str] = (),
              right: Sequence[str] = ()) -> str:
    """A header or footer string from its three sections, each a sequence of plain texts
    (escaped) and :class:`Code` pieces (kept); the longest plain texts are cut to a common
    length (with ``…``) when the whole would not fit in :data:`LIMIT` characters."""
    sections = [("&L", list(left)), ("&C", list(center)), ("&R", list(right))]

    def joined(cap: int) -> str:
        return "".join(code + "".join(p if isinstance(p, Code) else escape(_cut(p, cap))
                                      for p in pieces) for code, pieces in sections if pieces)

    cap = LIMIT
    if _units(joined(cap)) > LIMIT:  # the largest cap that fits
        low, high = 1, LIMIT
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if _units(joined(middle)) <= LIMIT else (low, middle - 1)
        cap = low
    return joined(cap)


def run_date(a: AssessmentTables, date: dt.date | None = None) -> dt.date:
    """The date printed on the paper: ``date`` when given, else the as-of date or the end of
    the period (like the workbook's creation date, so that the bytes depend on the content)."""
    if date is not None:
        return date
    day = a.calendar.cutoff
    return dt.date(day.year, day.month, day.day)


def _common_prefix(names: list[str]) -> str:
    first, last = min(names), max(names)  # the prefix they share, all the others share
    size = next((i for i, (x, y) in enumerate(zip(first, last, strict=False)) if x != y),
                len(first))
    return first[:size]


def default_org(a: AssessmentTables) -> str:
    """The organisation named on the paper when none is given: the branch when there is one;
    else the town (``…镇``, ``…乡``, ``…街道``) the branch names share; else the town the
    roster's file name starts with (``河西镇党员名册.xlsx`` → ``河西镇``); else ``""``."""
    branches = sorted(str(b) for b in a.members["branch"].dropna().unique())
    if len(branches) == 1:
        return branches[0]
    shared = _TOWN_END.match(_common_prefix(branches)) if branches else None
    if shared:
        return shared.group(0)
    sources = text_array(a.members["source"].dropna())  # the file: before the first "!"
    files = text_series(pc.replace_substring_regex(sources, "(?s)!.*", "", max_replacements=1),
                        pd.RangeIndex(len(sources))).value_counts()
    for name in files.index:
        town = _TOWN.match(os.path.splitext(str(name))[0])
        if town:
            return town.group(0)
    return ""
