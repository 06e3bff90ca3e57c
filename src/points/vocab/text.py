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

from .frames import factorize_exact

__all__ = [
    "XML_ILLEGAL",
    "cell_text",
    "column_letter",
    "did_you_mean",
    "map_names",
    "normalize_name",
    "normalize_names",
    "normalize_series",
    "normalized_distinct",
    "readable_path",
    "suggestion",
    "suggestion_zh",
]

_SPACE = re.compile(r"\s+")
#: Characters an XML 1.0 document cannot hold, even escaped: most C0 controls, U+FFFE, U+FFFF,
#: and the lone surrogates that stand for the bytes of a file name that is not UTF-8.
XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"


def column_letter(index: int) -> str:
    """The spreadsheet column name of a 0-based column index: ``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_NOT_UTF8 = re.compile(r"[^/\\]*[\udc80-\udcff][^/\\]*")


def readable_path(path: str) -> str:
    """``path`` as text that can be shown, stored and written: each part of it (folder or
    file name) that is not UTF-8 (Python keeps its bytes as lone surrogates) is read as
    GB18030, the encoding of Chinese Windows; bytes that are not GB18030 either become
    ``\ufffd``."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # (surrogates: a part to read as GB18030)
        pass
    else:
        return path
    return _NOT_UTF8.sub(lambda m: m.group().encode("utf-8", "surrogateescape")
                         .decode("gb18030", "replace"), path)


def normalize_name(text: object) -> str:
    """Return ``text`` in the form used to compare names: NFKC, no white space at all."""
    if text is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))


def cell_text(value: object) -> str:
    """:func:`normalize_name` of a cell's value; empty text for an empty cell (None, NaN)."""
    return normalize_name(value) if value is not None and value == value else ""


#: What :func:`normalize_names` joins the texts with: NFKC leaves it as it is, it is not white
#: space, and being a starter (canonical combining class 0) that composes with nothing, it
#: keeps the characters on either side of it from composing or being reordered across it.
_JOIN = "\x00"


def normalize_names(texts: list[str]) -> list[str]:
    """:func:`normalize_name` of each of ``texts``, the same text for text, in three calls for
    all of them (joined, normalised, white space removed, split again) rather than three a
    text: a workbook's thousand distinct names cost one call's overhead, not a thousand. Texts
    that hold the joining character itself (U+0000, which no .xlsx cell can hold) are done one
    by one."""
    if not texts:
        return []
    joined = _JOIN.join(texts)
    if joined.count(_JOIN) != len(texts) - 1:
        return [normalize_name(text) for text in texts]
    return _SPACE.sub("", unicodedata.normalize("NFKC", joined)).split(_JOIN)


def normalized_distinct(values: np.ndarray, convert: Callable[[Any], str] | None = None
                        ) -> np.ndarray:
    """:func:`cell_text` (or ``convert``) of each value of the object array ``values``, each
    distinct value once (:func:`~points.vocab.frames.factorize_exact`), the texts among them
    normalised together (:func:`normalize_names`): an object array."""
    convert = cell_text if convert is None else convert
    if not len(values):
        return np.array([], dtype=object)
    codes, uniques = factorize_exact(values)
    is_text = np.fromiter((isinstance(u, str) for u in uniques), bool, len(uniques))
    done = np.empty(len(uniques), dtype=object)
    texts, others = np.flatnonzero(is_text), np.flatnonzero(~is_text)
    done[texts] = normalize_names(uniques[texts].tolist())
    done[others] = [convert(u) for u in uniques[others]]
    return done[codes]


def normalize_series(values: pd.Series) -> pd.Series:
    """:func:`cell_text` of every value, computed once per distinct value."""
    return pd.Series(normalized_distinct(values.to_numpy(dtype=object)), index=values.index,
                     dtype="string")


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
