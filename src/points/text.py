"""Text normalisation and "did you mean …" suggestions.

Names typed by people (activity names, log items, marks, member names) are compared after
Unicode NFKC normalisation (full-width letters and brackets become their plain forms) and the
removal of all white space, so ``表彰(县级)`` and ``表彰（县级）`` are one name, and so are
``张  三`` and ``张三``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "cell_text",
    "column_letter",
    "did_you_mean",
    "map_names",
    "normalize_name",
    "normalize_series",
    "per_distinct",
    "positions",
    "sort_frame",
    "source_key",
    "suggestion",
    "suggestion_zh",
]

_SPACE = re.compile(r"\s+")


def column_letter(index: int) -> str:
    """The spreadsheet column name of a 0-based column index: ``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def normalize_name(text: object) -> str:
    """Return ``text`` in the form used to compare names: NFKC, no white space at all."""
    if text is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))


def per_distinct(values: pd.Series, convert: Callable[[Any], str | None]) -> pd.Series:
    """``convert`` applied to each distinct value once, spread back as a string Series."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=False)
    done = pd.Series([convert(v) for v in uniques], dtype="string")
    return pd.Series(done.array.take(codes), index=values.index)


def cell_text(value: object) -> str:
    """:func:`normalize_name` of a cell's value; empty text for an empty cell (None, NaN)."""
    return normalize_name(value) if value is not None and value == value else ""


def normalize_series(values: pd.Series) -> pd.Series:
    """:func:`cell_text` of every value, computed once per distinct value."""
    return per_distinct(values, cell_text)


def map_names(values: pd.Series, names: dict[str, str]) -> pd.Series:
    """Map a column of typed names through ``names`` (normalised name → canonical name).

    Each distinct value is normalised and looked up once; unknown names become missing.
    """
    codes, uniques = pd.factorize(values.astype("string").fillna(""))
    mapped = np.array([names.get(normalize_name(u)) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes] if len(codes) else [], index=values.index, dtype="string")


def did_you_mean(name: str, candidates: Iterable[str], *, n: int = 3) -> list[str]:
    """The candidates closest to ``name``, best first (empty when none is close).

    A candidate equal to ``name`` after :func:`normalize_name` always comes first.
    """
    pool = sorted({str(c) for c in candidates})
    norm = normalize_name(name)
    same = [c for c in pool if normalize_name(c) == norm]
    close = difflib.get_close_matches(str(name), pool, n=n, cutoff=0.5)
    return (same + [c for c in close if c not in same])[:n]


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` or ``""``: the suffix for an error message."""
    close = did_you_mean(name, candidates)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def suggestion_zh(name: str, candidates: Iterable[str]) -> str:
    """``"（是不是 'x'？）"`` or ``""``: :func:`suggestion` for a Chinese message."""
    close = did_you_mean(name, candidates)
    if not close:
        return ""
    return "（是不是 " + " 或 ".join(repr(c) for c in close) + "？）"


def source_key(sources: pd.Series) -> list[np.ndarray]:
    """Sort keys (most significant first) that order addresses with their trailing number
    taken naturally (``A9`` < ``A10``): the text before the trailing digits, the count of
    those digits, then the whole address. For equal prefixes, fewer digits is a smaller number.
    """
    text = sources.astype("string").fillna("")
    prefix = text.str.rstrip("0123456789")
    digits = (text.str.len() - prefix.str.len()).to_numpy(dtype="int64")
    return [pd.factorize(prefix, sort=True)[0], digits,
            text.rank(method="dense").to_numpy()]


def positions(values: pd.Series, labels: pd.Series | list[str]) -> np.ndarray:
    """The position of each value in ``labels`` (-1 when absent), looking up each distinct
    value once: much faster than ``Index.get_indexer`` on long text columns."""
    codes, uniques = pd.factorize(values)
    found = pd.Index(labels).get_indexer(uniques)
    return np.append(found, -1)[codes]


def sort_frame(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` sorted by ``keys`` (``source`` in natural address order), stably.

    Faster than ``DataFrame.sort_values`` on text columns: text keys become integer codes
    and one ``numpy.lexsort`` orders the rows.
    """
    if len(frame) < 2:
        return frame
    arrays: list[np.ndarray] = []
    for key in reversed(keys):
        column = frame[key]
        if key == "source":
            arrays.extend(reversed(source_key(column)))
        elif pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            values = column.to_numpy()
            if pd.api.types.is_float_dtype(column):
                values = np.nan_to_num(values, nan=np.inf)
            arrays.append(values)
        else:  # factorizing sorts only the distinct values
            arrays.append(pd.factorize(column.astype("string").fillna(""), sort=True)[0])
    return frame.iloc[np.lexsort(arrays)]
