"""Dates as branches type them: Excel dates, ``3月15日``, ``2024.3.15``, ``2024/3/15``, ``3.15``.

Parsing runs once per distinct value (a year has at most a few hundred), never per cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from ..vocab.frames import factorize_exact
from ..vocab.text import normalize_name

__all__ = ["YEAR_RE", "parse_dates", "parse_one", "year_in"]

_DATE_RE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*[年./\-])?\s*(?P<m>\d{1,2})\s*[月./\-]\s*(?P<d>\d{1,2})\s*[日号]?")
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年?")


def year_in(*texts: str) -> int | None:
    """The first four-digit year (1900–2099) found in ``texts`` (full-width digits too:
    ``２０２４年``)."""
    for text in texts:
        found = YEAR_RE.search(unicodedata.normalize("NFKC", text or ""))
        if found:
            return int(found.group(1))
    return None


@functools.lru_cache(maxsize=65536)
def parse_one(value: Any, year: int | None) -> tuple[pd.Timestamp | None, str, str]:
    """(date or None, rest of the text, verdict): verdict ``ok``, ``bad`` (looks like a date
    but is not one), ``noyear`` (a day and month, and no year to put them in) or ``none``
    (not a date at all)."""
    if isinstance(value, dt.datetime | dt.date):
        return pd.Timestamp(value).normalize(), "", "ok"
    if isinstance(value, bool) or value is None or value == "":
        return None, "", "none"
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number) or number.is_integer():
            return None, "", "none"
        if math.isinf(number):
            return None, "", "bad"
        cents = round(number * 100)
        # 3.15 → "3.15"; more decimals, or one (3.1 could be 3.1 or 3.10), is not a date
        if abs(number * 100 - cents) > 1e-6 or cents % 10 == 0:
            return None, "", "bad"
        text = f"{number:.2f}"
    else:
        text = normalize_name(value)
    found = _DATE_RE.search(text)
    if not found:
        return None, text, "none"
    rest = (text[:found.start()] + text[found.end():]).strip("-_/：:（）() ")
    y = int(found.group("y")) if found.group("y") else year
    if y is None:
        return None, rest, "noyear"
    try:
        return pd.Timestamp(year=y, month=int(found.group("m")), day=int(found.group("d"))), rest, "ok"
    except ValueError:
        return None, rest, "bad"


def parse_dates(values: pd.Series, year: int | None) -> pd.DataFrame:
    """``date`` (datetime64), ``rest`` (text beside the date, e.g. an activity name) and
    ``verdict`` (``ok`` / ``bad`` / ``noyear`` / ``none``) for each value, aligned with
    ``values``."""
    codes, uniques = factorize_exact(values.to_numpy(dtype=object))
    parsed = [parse_one(v, year) for v in uniques]
    dates = pd.Series([p[0] for p in parsed], dtype="datetime64[us]")
    rest = pd.Series([p[1] for p in parsed], dtype="string")
    verdict = pd.Series([p[2] for p in parsed], dtype="string")
    return pd.DataFrame({
        "date": dates.take(codes).to_numpy(),
        "rest": rest.take(codes).to_numpy(),
        "verdict": verdict.take(codes).to_numpy(),
    }, index=values.index)
