"""Writing .xlsx files: XlsxWriter for the structure, vectorized XML for the rows.

XlsxWriter writes each sheet's header, formats, column widths, filters, frozen panes, print
set-up, conditional formats and charts. The data rows of a table are then built as XML text
column by column with vectorized string operations (no Python loop per cell) and spliced into
the sheet when the file is saved. The cells are *inline strings*, numbers and date serials:

- text is never stored as a formula; text that Excel would turn into a formula when edited
  (starting with ``= + - @``, their full-width forms ``＝ ＋ － ＠``, a tab or a carriage
  return) also carries the quote prefix, in the data rows, the header row and notes alike;
- numbers are always finite: ``inf`` and ``-inf`` (which no spreadsheet program can open) are
  shown as the text ``∞`` and ``−∞``, and a missing number is an empty cell;
- characters XML cannot hold become ``�``; text longer than Excel's 32,767 characters is cut
  with a visible note, never silently;
- every workbook carries the custom document property
  :data:`points.vocab.codes.OUTPUT_PROPERTY` (its value: the version that wrote it), so that
  the reader skips it when a later run is given the folder it was written to;
- the file is written to a temporary file beside the target and renamed into place, and its
  bytes depend only on its content (fixed timestamps). Within :func:`all_or_nothing`, the
  renames wait until the end of the block: either every file of the block is written or none
  is changed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .._version import __version__
from ..vocab.codes import OUTPUT_PROPERTY
from ..vocab.errors import OutputError
from ..vocab.text import column_letter
from .files import all_or_nothing, atomic_write, safe_filename, write_file

__all__ = ["INFINITY", "MAX_ROWS", "RISKY", "Book", "Column", "all_or_nothing", "atomic_write",
           "literal_text", "safe_filename", "write_file"]

#: Rows an Excel sheet holds, the header row included.
MAX_ROWS = 1_048_576
MAX_CELL = 32_767
CUT = "…（内容过长，已截断）"
_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"  # characters XML 1.0 cannot hold
_ILLEGAL_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"  # the same, for Arrow's RE2
_ESCAPED = r"_(x[0-9A-Fa-f]{4}_)"
#: Text a spreadsheet program would take for a formula: it starts with ``= + - @`` (or their
#: full-width forms, which Excel and WPS also accept), a tab or a carriage return.
RISKY = r"^[=+\-@\t\r＝＋－＠]"
#: How ``inf`` and ``-inf`` are shown: as text (U+2212 for the minus, so that it is not risky).
INFINITY = ("∞", "\u2212∞")
_LARGE = 1e15  # beyond this, rounding to 9 decimals means nothing (and would overflow)
_EPOCH = pd.Timestamp("1899-12-30")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_EMPTY = pa.scalar("", pa.large_string())

Kind = Literal["text", "points", "int", "date", "wrap"]


class Column(NamedTuple):
    """A column of a table: its Chinese header, what it holds, and its widest width."""

    header: str
    kind: Kind = "text"
    max_width: float = 40


def _arrow_text(values: pd.Series) -> pa.Array:
    array = pa.array(values.astype("string"))
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return pc.cast(array, pa.large_string())


def display_width(values: pd.Series) -> int:
    """The widest text of ``values`` in Excel column units: a Chinese character counts two.

    (UTF-8 bytes + characters) / 2 is 1 for ASCII and 2 for the 3-byte CJK characters."""
    text = pc.fill_null(_arrow_text(values), "")
    width = pc.max(pc.add(pc.binary_length(text), pc.utf8_length(text))).as_py()
    return 0 if width is None else (width + 1) // 2


def _join(*parts: Any) -> pa.Array:
    """Element-wise concatenation of large-string arrays and literal texts."""
    parts = tuple(pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts)
    return pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string()))


def _text_cells(values: pd.Series, ref: pa.Array, style: int, quoted: int) -> pa.Array:
    text = _arrow_text(values)
    present = pc.fill_null(pc.not_equal(text, ""), False)
    text = pc.replace_substring_regex(pc.fill_null(text, ""), _ILLEGAL_RE2, "\ufffd")
    long = pc.greater(pc.utf8_length(text), MAX_CELL)
    if pc.any(long).as_py():
        cut = _join(pc.utf8_slice_codeunits(text, 0, MAX_CELL - len(CUT)), CUT)
        text = pc.if_else(long, cut, text)
    risky = pc.match_substring_regex(text, RISKY)
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        text = pc.replace_substring(text, old, new)
    text = pc.replace_substring_regex(text, _ESCAPED, r"_x005F_\1")
    styles = pc.if_else(risky, pa.scalar(str(quoted), pa.large_string()),
                        pa.scalar(str(style), pa.large_string()))
    cells = _join('<c r="', ref, '" s="', styles, '" t="inlineStr"><is><t xml:space="preserve">',
                  text, "</t></is></c>")
    return pc.if_else(present, cells, _join('<c r="', ref, f'" s="{style}"/>'))


def _number_cells(values: pd.Series, ref: pa.Array, style: int) -> pa.Array:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan,
                                                                    copy=True)
    small = np.abs(numbers) < _LARGE
    numbers[small] = np.round(numbers[small], 9)
    finite = np.isfinite(numbers)
    shown = pc.cast(pa.array(np.where(finite, numbers, 0.0), pa.float64()), pa.large_string())
    cells = pc.if_else(pa.array(finite),
                       _join('<c r="', ref, f'" s="{style}"><v>', shown, "</v></c>"),
                       _join('<c r="', ref, f'" s="{style}"/>'))
    infinite = np.isinf(numbers)
    if infinite.any():  # never <v>inf</v>: no spreadsheet program opens that
        sign = pa.array(np.where(numbers > 0, INFINITY[0], INFINITY[1]), pa.large_string())
        text = _join('<c r="', ref, f'" s="{style}" t="inlineStr"><is><t>', sign, "</t></is></c>")
        cells = pc.if_else(pa.array(infinite), text, cells)
    return cells


def _date_cells(values: pd.Series, ref: pa.Array, style: int) -> pa.Array:
    dates = pd.to_datetime(values, errors="coerce")
    return _number_cells((dates - _EPOCH) / pd.Timedelta(days=1), ref, style)


def _row_heights(part: pd.DataFrame, kinds: Sequence[Kind], widths: Sequence[float]) -> pa.Array:
    """`` ht="…" customHeight="1"`` for rows whose wrapped text needs more than one line."""
    lines = pa.array(np.ones(len(part), dtype="int64"))
    for index, kind in enumerate(kinds):
        if kind != "wrap":
            continue
        text = pc.fill_null(_arrow_text(part.iloc[:, index]), "")
        width = pc.divide(pc.add(pc.binary_length(text), pc.utf8_length(text)), 2)
        usable = max(widths[index] - 1, 1) * 1.15  # the estimate counts a little wide
        wrapped = pc.ceil(pc.divide(pc.cast(width, pa.float64()), usable))
        breaks = pc.add(pc.count_substring(text, "\n"), 1)
        lines = pc.max_element_wise(lines, pc.cast(wrapped, pa.int64()), breaks)
    height = pc.min_element_wise(pc.multiply(lines, 15), 409)
    attribute = _join(' ht="', pc.cast(height, pa.large_string()), '" customHeight="1"')
    return pc.if_else(pc.greater(lines, 1), attribute, _EMPTY)


def rows_xml(frame: pd.DataFrame, kinds: Sequence[Kind], styles: dict[str, int],
             widths: Sequence[float], first_row: int = 2, block: int = 100_000
             ) -> Iterator[memoryview]:
    """The ``<row>`` elements of ``frame`` (already in sheet order) from ``first_row`` on, as
    UTF-8 chunks of ``block`` rows; rows with wrapped text get the height it needs for the
    column ``widths``."""
    for start in range(0, len(frame), block):
        part = frame.iloc[start:start + block].reset_index(drop=True)
        first = first_row + start
        numbers = pc.cast(pa.array(np.arange(first, first + len(part))), pa.large_string())
        cells = []
        for index, kind in enumerate(kinds):
            ref = _join(column_letter(index), numbers)
            values = part.iloc[:, index]
            if kind in ("points", "int"):
                cells.append(_number_cells(values, ref, styles[kind]))
            elif kind == "date":
                cells.append(_date_cells(values, ref, styles[kind]))
            else:
                cells.append(_text_cells(values, ref, styles[kind], styles[kind + "_quoted"]))
        heights = _row_heights(part, kinds, widths)
        rows = _join('<row r="', numbers, '"', heights, ">", *cells, "</row>")
        # The values of a string array lie back to back in one buffer: the joined rows.
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64, count=len(rows) + 1,
                                offset=rows.offset * 8)
        yield memoryview(rows.buffers()[2])[offsets[0]:offsets[-1]]


class Book:
    """One workbook being built. Add tables with :meth:`table`; :meth:`save` writes it."""

    def __init__(self, *, title: str, footer: str, created: dt.datetime) -> None:
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self._buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self.workbook.set_properties({"title": title, "created": created})
        self.workbook.set_custom_property(OUTPUT_PROPERTY, __version__)
        self._footer = footer.replace("&", "&&")
        self._rows: dict[int, tuple[pd.DataFrame, list[Kind], list[float]]] = {}
        wb = self.workbook
        border = {"border": 1, "valign": "top"}
        header = {"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "align": "center",
                  "valign": "vcenter", "border": 1}
        self.formats = {
            "header": wb.add_format(header),
            "header_quoted": wb.add_format({**header, "quote_prefix": True}),
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "text": wb.add_format(border),
            "text_quoted": wb.add_format({**border, "quote_prefix": True}),
            "wrap": wb.add_format({**border, "text_wrap": True}),
            "wrap_quoted": wb.add_format({**border, "text_wrap": True, "quote_prefix": True}),
            "points": wb.add_format({**border, "num_format": "0.0"}),
            "int": wb.add_format({**border, "num_format": "0"}),
            "date": wb.add_format({**border, "num_format": "yyyy-mm-dd"}),
        }

    def sheet(self, name: str) -> Worksheet:
        """A new sheet with the print set-up: A4 landscape, fit to width, footer."""
        ws = self.workbook.add_worksheet(name)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_footer(f"&L{self._footer}&C第 &P 页，共 &N 页&R&A")
        return ws

    def write_text(self, ws: Worksheet, row: int, col: int, text: str,
                   style: str = "text") -> None:
        """One text cell written by XlsxWriter (a note, a header) in the format ``style``,
        never as a formula: risky text gets the quote-prefixed ``<style>_quoted``."""
        text, quoted = literal_text(text)
        ws.write_string(row, col, text, self.formats[f"{style}_quoted" if quoted else style])

    def table(self, name: str, frame: pd.DataFrame, columns: Sequence[Column], *,
              freeze_columns: int = 0, filter_columns: int | None = None) -> Worksheet:
        """A sheet holding ``frame`` (one column per entry of ``columns``) as a filterable table
        with a frozen, repeated header row and widths that fit the text. The filter covers the
        first ``filter_columns`` columns (all by default)."""
        if len(frame) + 1 > MAX_ROWS:
            raise OutputError(name, f"有 {len(frame):,} 行，超出 Excel 每张表 {MAX_ROWS - 1:,} 行的上限；"
                                    "请按支部分别写出（--per-branch），或把积分明细另存（--ledger parquet）")
        ws = self.sheet(name)
        ws.repeat_rows(0)
        ws.freeze_panes(1, freeze_columns)
        ws.autofilter(0, 0, max(len(frame), 1), (filter_columns or len(columns)) - 1)
        ws.set_row(0, 30)
        widths = []
        for index, column in enumerate(columns):
            self.write_text(ws, 0, index, column.header, "header")
            values = frame.iloc[:, index]
            shown = values.dt.strftime("%Y-%m-%d") if column.kind == "date" else values
            width = max(display_width(pd.Series([column.header])), display_width(shown)) + 2
            widths.append(float(min(max(width, 6), column.max_width)))
            ws.set_column(index, index, widths[-1])
        self._rows[ws.index] = (frame, [c.kind for c in columns], widths)
        return ws

    def _styles(self) -> dict[str, int]:
        out = {}
        for key, fmt in self.formats.items():
            out[key] = fmt._get_xf_index()  # the style index every cell of that kind carries
        return out

    def save(self, path: str | Path) -> None:
        """Write the workbook to ``path`` atomically."""
        styles = self._styles()
        self.workbook.close()
        source = zipfile.ZipFile(io.BytesIO(self._buffer.getvalue()))

        def write(handle: Any) -> None:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as out:
                for info in source.infolist():
                    data = source.read(info.filename)
                    entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
                    if not match or int(match.group(1)) - 1 not in self._rows:
                        out.writestr(entry, data)
                        continue
                    frame, kinds, widths = self._rows[int(match.group(1)) - 1]
                    head, tail = _split(data, len(frame), len(kinds))
                    with out.open(entry, "w", force_zip64=True) as stream:
                        stream.write(head)
                        for chunk in rows_xml(frame, kinds, styles, widths):
                            stream.write(chunk)
                        stream.write(tail)

        atomic_write(path, write)


def literal_text(text: str) -> tuple[str, bool]:
    """``text`` as one cell can hold it (characters XML cannot hold become ``�``, cut to
    Excel's limit) and whether it is risky (see :data:`RISKY`: it needs the quote prefix)."""
    text = re.sub(_ILLEGAL, "\ufffd", text)[:MAX_CELL]
    return text, re.match(RISKY, text) is not None


def _split(sheet: bytes, n: int, width: int) -> tuple[bytes, bytes]:
    """The sheet's XML before and after where the data rows go, with its dimension set."""
    end = f"{column_letter(width - 1)}{n + 1}".encode()
    sheet = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:' + end + b'"/>', sheet,
                   count=1)
    at = sheet.index(b"</sheetData>")
    return sheet[:at], sheet[at:]
