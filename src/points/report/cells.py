"""The data rows of a sheet as XML text, built with vectorized Arrow string kernels.

The cells of a table are built a kind at a time, not a column at a time: the text columns of a
block of rows are laid end to end in one Arrow array and escaped, checked and wrapped in one
pass (so is every number column), then cut back into columns and joined into ``<row>``
elements. A sheet of 60 rows costs a few dozen kernel calls, not a few per column; a sheet
of a million rows the same work as before. No Python loop touches a cell. The rules the cells
follow are those of :mod:`.xlsx`: inline strings, the quote prefix on risky text, finite
numbers (``∞`` as text), characters XML cannot hold as ``�``, over-long text cut visibly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..vocab.frames import arrow_text, is_arrow_text
from ..vocab.text import column_letter

__all__ = [
    "CUT",
    "INFINITY",
    "MAX_CELL",
    "NUMBERS",
    "RISKY",
    "Kind",
    "display_width",
    "display_widths",
    "row_elements",
    "rows_xml",
    "text_array",
    "text_width",
]

MAX_CELL = 32_767
CUT = "…（内容过长，已截断）"
ILLEGAL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"  # XML_ILLEGAL, for Arrow's RE2
_ESCAPED = r"_(x[0-9A-Fa-f]{4}_)"
#: Text a spreadsheet program would take for a formula: it starts with ``= + - @`` (or their
#: full-width forms, which Excel and WPS also accept), a tab or a carriage return.
RISKY = r"^[=+\-@\t\r＝＋－＠]"
_RISKY_FIRST = np.zeros(256, dtype=bool)  # RISKY's first byte: the ASCII ones …
_RISKY_FIRST[[ord(c) for c in "=+-@\t\r"]] = True
_RISKY_WIDE = np.zeros(256, dtype=bool)  # … and the last byte of the full-width ones (EF BC ..)
_RISKY_WIDE[[c.encode()[2] for c in "＝＋－＠"]] = True
#: How ``inf`` and ``-inf`` are shown: as text (U+2212 for the minus, so that it is not risky).
INFINITY = ("∞", "\u2212∞")
_LARGE = 1e15  # beyond this, rounding to 9 decimals means nothing (and would overflow)
_EPOCH = pd.Timestamp("1899-12-30")
_EMPTY = pa.scalar("", pa.large_string())
#: Text columns as pandas gives them: ``string`` (missing: ``<NA>``), Arrow-backed.
NA_TEXT: pd.StringDtype[Any] = pd.StringDtype("pyarrow")

Kind = Literal["text", "points", "int", "percent", "date", "wrap"]
NUMBERS = ("points", "int", "percent")


def text_array(values: pd.Series) -> pa.Array:
    """``values`` as one Arrow ``large_string`` array (missing: null), without a Python string
    per value: text columns are Arrow already, categorical ones are decoded once."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        return text_array(values.cat.categories.to_series()).take(pa.array(codes,
                                                                           mask=codes < 0))
    return pc.cast(arrow_text(values if is_arrow_text(values) else values.astype("string")),
                   pa.large_string())


def text_series(array: pa.Array, index: pd.Index, dtype: pd.StringDtype[Any] = NA_TEXT
                ) -> pd.Series:
    """An Arrow text array as a pandas text column of ``dtype`` on ``index``, without a copy
    or a Python string per value."""
    values = dtype.__from_arrow__(array)  # type: ignore[attr-defined]  # (the hook to_pandas uses; not in the stubs)
    return pd.Series(values, index=index, copy=False)


def risky(text: pa.Array) -> pa.Array:
    """Whether each text is risky (see :data:`RISKY`; missing: not), as a boolean array: the
    first bytes of each value looked up in NumPy (the UTF-8 of ``＝ ＋ － ＠`` is EF BC and
    9D, 8B, 8D or A0), ten times faster than Arrow's slice and lookup."""
    text = pc.cast(text, pa.large_string()) if text.type != pa.large_string() else text
    n = len(text)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64, count=n + 1,
                            offset=text.offset * 8)
    buffer = text.buffers()[2]
    data = np.frombuffer(buffer if buffer is not None else b"", dtype=np.uint8)
    if not len(data):
        return pa.array(np.zeros(n, dtype=bool))
    start, length = offsets[:-1], np.diff(offsets)
    first = data[np.minimum(start, len(data) - 1)]  # (an empty text's is the next one's)
    out = _RISKY_FIRST[first] & (length > 0)
    wide = np.flatnonzero(first == 0xEF)
    wide = wide[length[wide] >= 3]
    out[wide] = (data[start[wide] + 1] == 0xBC) & _RISKY_WIDE[data[start[wide] + 2]]
    if text.null_count:
        out &= pc.is_valid(text).to_numpy(zero_copy_only=False)
    return pa.array(out)


def _widths(text: pa.Array) -> pa.Array:
    """Each text's width in Excel column units times two: (UTF-8 bytes + characters), which
    is 2 for an ASCII character and 4 for a 3-byte CJK character."""
    return pc.add(pc.binary_length(text), pc.utf8_length(text))


def display_width(values: pd.Series) -> int:
    """The widest text of ``values`` in Excel column units: a Chinese character counts two."""
    return display_widths([values])[0]


def display_widths(columns: Sequence[pd.Series]) -> list[int]:
    """:func:`display_width` of each of ``columns`` (of the same length), in one pass."""
    if not columns or len(columns[0]) == 0:
        return [0] * len(columns)
    parts = [text_array(_distinct_numbers(c)) for c in columns]
    text = pc.fill_null(pa.concat_arrays(parts), "")
    starts = np.cumsum([0, *(len(p) for p in parts[:-1])])
    widest = np.maximum.reduceat(_widths(text).to_numpy(), starts)
    return [int(w + 1) // 2 for w in widest.tolist()]


def _distinct_numbers(values: pd.Series) -> pd.Series:
    """A NumPy number column's distinct values (by bit pattern, so ``-0.0`` stays apart from
    ``0.0``): the widest text is among them, and pandas makes a Python string per number it
    turns into text. Any other column as it is."""
    numeric = isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuf"
    array = values.to_numpy() if numeric else None
    if array is None or len(array) < 2:
        return values
    bits = np.unique(array.view(f"u{array.dtype.itemsize}"))
    return pd.Series(bits.view(array.dtype))


def text_width(text: str) -> int:
    """:func:`display_width` of one text."""
    return (len(text.encode()) + len(text) + 1) // 2


def join(*parts: Any) -> pa.Array:
    """Element-wise concatenation of large-string arrays and literal texts."""
    parts = tuple(pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts)
    return pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string()))


def joined(texts: pa.Array) -> memoryview:
    """The UTF-8 of a ``large_string`` array's values end to end (they lie back to back in
    one buffer: no copy)."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64, count=len(texts) + 1,
                            offset=texts.offset * 8)
    data = texts.buffers()[2]
    return memoryview(b"") if data is None else memoryview(data)[offsets[0]:offsets[-1]]


def _spread(texts: list[str], n: int) -> pa.Array:
    """``texts[0]`` n times, then ``texts[1]`` n times, …: one per cell of a block."""
    codes = np.repeat(np.arange(len(texts), dtype="int32"), n)
    return pc.cast(pa.DictionaryArray.from_arrays(codes, pa.array(texts, pa.large_string())),
                   pa.large_string())


def _bytes_of(text: pa.Array) -> np.ndarray:
    """The UTF-8 of a ``large_string`` array's values end to end, as bytes (no copy)."""
    return np.frombuffer(joined(text), dtype=np.uint8)


def _table(chars: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


#: The bytes of characters XML cannot hold (those below U+0020 but tab, newline and carriage
#: return), and of those that need an escape.
_CONTROL = _table("".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])))
_SPECIAL = _table("&<>\r")


def _followed(data: np.ndarray, first: int, then: Callable[[np.ndarray], np.ndarray]) -> bool:
    """Whether a byte ``first`` is followed by a byte for which ``then`` holds."""
    at = np.flatnonzero(data[:-1] == first)
    return bool(then(data[at + 1]).any())


def _illegal(data: np.ndarray) -> bool:
    """Whether the UTF-8 ``data`` holds a character XML cannot hold (see :data:`ILLEGAL_RE2`;
    U+FFFE and U+FFFF are EF BF BE and EF BF BF)."""
    if (data < 0x20).any() and _CONTROL[data[data < 0x20]].any():  # (tab, newline, CR: fine)
        return True
    at = np.flatnonzero(data[:-2] == 0xEF)
    return bool(((data[at + 1] == 0xBF) & (data[at + 2] >= 0xBE)).any())


def _text_cells(text: pa.Array, ref: pa.Array, style: pa.Array, quoted: pa.Array) -> pa.Array:
    present = pc.fill_null(pc.not_equal(text, ""), False)
    text = pc.fill_null(text, "")
    if _illegal(_bytes_of(text)):  # (each kernel below runs only when the text needs it:
        text = pc.replace_substring_regex(text, ILLEGAL_RE2, "\ufffd")  # a cheap look at the
    long = pc.greater(pc.utf8_length(text), MAX_CELL)                 # bytes comes first)
    if pc.any(long).as_py():
        cut = join(pc.utf8_slice_codeunits(text, 0, MAX_CELL - len(CUT)), CUT)
        text = pc.if_else(long, cut, text)
    quote = risky(text)
    data = _bytes_of(text)
    if _SPECIAL[data].any():
        for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
            text = pc.replace_substring(text, old, new)
    if _followed(data, ord("_"), lambda after: after == ord("x")):
        text = pc.replace_substring_regex(text, _ESCAPED, r"_x005F_\1")
    cells = join('<c r="', ref, '" s="', pc.if_else(quote, quoted, style),
                  '" t="inlineStr"><is><t xml:space="preserve">', text, "</t></is></c>")
    return _instead(cells, pc.invert(present), lambda r, s: join('<c r="', r, '" s="', s, '"/>'),
                    ref, style)


def _instead(cells: pa.Array, where: pa.Array, make: Callable[..., pa.Array],
             *columns: pa.Array) -> pa.Array:
    """``cells`` with those ``where`` true made again by ``make`` from their rows of
    ``columns`` (the others' are never built)."""
    if not pc.any(where).as_py():
        return cells
    return pc.replace_with_mask(cells, where, make(*(pc.filter(c, where) for c in columns)))


def _numbers(values: pd.Series, kind: Kind) -> np.ndarray:
    """A number or date column as float64 (a date as its Excel serial; missing: nan)."""
    if kind == "date":
        dates = pd.to_datetime(values, errors="coerce")
        values = (dates - _EPOCH) / pd.Timedelta(days=1)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan,
                                                           copy=True)


def _number_cells(numbers: np.ndarray, ref: pa.Array, style: pa.Array) -> pa.Array:
    small = np.abs(numbers) < _LARGE
    numbers[small] = np.round(numbers[small], 9)
    finite = np.isfinite(numbers)
    shown = pc.cast(pa.array(np.where(finite, numbers, 0.0), pa.float64()), pa.large_string())
    cells = join('<c r="', ref, '" s="', style, '"><v>', shown, "</v></c>")
    cells = _instead(cells, pa.array(np.isnan(numbers)),
                     lambda r, s: join('<c r="', r, '" s="', s, '"/>'), ref, style)
    infinite = np.isinf(numbers)
    if not infinite.any():  # never <v>inf</v>: no spreadsheet program opens that
        return cells
    sign = pa.array(np.where(numbers > 0, INFINITY[0], INFINITY[1]), pa.large_string())
    return _instead(cells, pa.array(infinite),
                    lambda r, s, t: join('<c r="', r, '" s="', s, '" t="inlineStr"><is><t>', t,
                                         "</t></is></c>"), ref, style, sign)


def _row_heights(part: pd.DataFrame, kinds: Sequence[Kind], widths: Sequence[float]
                 ) -> pa.Array | pa.Scalar:
    """`` ht="…" customHeight="1"`` for rows whose wrapped text needs more than one line."""
    lines = pa.array(np.ones(len(part), dtype="int64"))
    for index, kind in enumerate(kinds):
        if kind != "wrap":
            continue
        text = pc.fill_null(text_array(part.iloc[:, index]), "")
        width = pc.divide(_widths(text), 2)
        usable = max(widths[index] - 1, 1) * 1.15  # the estimate counts a little wide
        wrapped = pc.ceil(pc.divide(pc.cast(width, pa.float64()), usable))
        breaks = pc.add(pc.count_substring(text, "\n"), 1)
        lines = pc.max_element_wise(lines, pc.cast(wrapped, pa.int64()), breaks)
    if pc.max(lines).as_py() == 1:  # (no row needs more: no attribute to build)
        return _EMPTY
    height = pc.min_element_wise(pc.multiply(lines, 15), 409)
    attribute = join(' ht="', pc.cast(height, pa.large_string()), '" customHeight="1"')
    return pc.if_else(pc.greater(lines, 1), attribute, _EMPTY)


def _block_cells(part: pd.DataFrame, kinds: Sequence[Kind], styles: dict[str, int],
                 numbers: pa.Array) -> list[pa.Array]:
    """The cells of each column of ``part`` (rows ``numbers``), built a kind at a time."""
    n = len(part)
    cells: list[pa.Array] = [pa.array([], pa.large_string())] * len(kinds)
    texts = [i for i, k in enumerate(kinds) if k not in NUMBERS and k != "date"]
    others = [i for i, k in enumerate(kinds) if k in NUMBERS or k == "date"]
    for columns, text in ((texts, True), (others, False)):
        if not columns:
            continue
        ref = join(_spread([column_letter(i) for i in columns], n),
                    pa.concat_arrays([numbers] * len(columns)))
        style = _spread([str(styles[kinds[i]]) for i in columns], n)
        if text:
            quoted = _spread([str(styles[f"{kinds[i]}_quoted"]) for i in columns], n)
            values = pa.concat_arrays([text_array(part.iloc[:, i]) for i in columns])
            out = _text_cells(values, ref, style, quoted)
        else:
            out = _number_cells(np.concatenate([_numbers(part.iloc[:, i], kinds[i])
                                                for i in columns]), ref, style)
        for k, i in enumerate(columns):
            cells[i] = out.slice(k * n, n)
    return cells


def rows_xml(frame: pd.DataFrame, kinds: Sequence[Kind], styles: dict[str, int],
             widths: Sequence[float], first_row: int = 2, block: int = 100_000
             ) -> Iterator[memoryview]:
    """The ``<row>`` elements of ``frame`` (already in sheet order) from ``first_row`` on, as
    UTF-8 chunks of ``block`` rows; rows with wrapped text get the height it needs for the
    column ``widths``. ``styles``: the style index of each kind (and ``<kind>_quoted`` of
    each text kind)."""
    for start in range(0, len(frame), block):
        yield joined(row_elements(frame.iloc[start:start + block], kinds, styles, widths,
                                  first_row + start))


def row_elements(part: pd.DataFrame, kinds: Sequence[Kind], styles: dict[str, int],
                 widths: Sequence[float], first: int) -> pa.Array:
    """The ``<row>`` element of each row of ``part`` (the first is row ``first``), one value
    a row (see :func:`rows_xml`): a row's XML depends on its own cells and number only."""
    part = part.reset_index(drop=True)
    numbers = pc.cast(pa.array(np.arange(first, first + len(part))), pa.large_string())
    cells = _block_cells(part, kinds, styles, numbers)
    heights = _row_heights(part, kinds, widths)
    return join('<row r="', numbers, '"', heights, ">", *cells, "</row>")
