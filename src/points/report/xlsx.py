"""Writing .xlsx files: XlsxWriter for the structure, vectorized XML for the rows.

XlsxWriter writes each sheet's header, formats, column widths, filters, frozen panes, print
set-up, conditional formats and charts. The data rows of a table are then built as XML text
a kind of cell at a time with vectorized string operations (no Python loop per cell, see
:mod:`.cells`) and spliced into the sheet when the file is saved. The cells are *inline
strings*, numbers and date serials:

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
- every sheet prints with the title block of :mod:`.page` in its page header and footer; a
  column may link each cell to the source cell it names (:mod:`.links`); cells XlsxWriter
  writes below a table (a sign-off line, a second table) follow its rows;
- the file is written to a temporary file beside the target and renamed into place, and its
  bytes depend only on its content (fixed timestamps). Within :func:`all_or_nothing`, the
  renames wait until the end of the block: either every file of the block is written or none
  is changed.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .._version import __version__
from ..vocab.codes import OUTPUT_PROPERTY
from ..vocab.errors import OutputError
from ..vocab.text import XML_ILLEGAL, column_letter
from .behind import Behind
from .blocks import Blocks, cached_rows
from .cells import CUT, INFINITY, MAX_CELL, NUMBERS, RISKY, Kind, display_widths, rows_xml, text_width
from .deflate import deflated
from .files import all_or_nothing, atomic_write, safe_filename, write_file
from .links import rels_part, sheet_links, with_hyperlinks
from .page import PAGES, Code, page_text

__all__ = ["CUT", "INFINITY", "MAX_CELL", "MAX_ROWS", "RISKY", "Book", "Column", "Kind",
           "all_or_nothing", "atomic_write", "literal_text", "rows_xml", "safe_filename",
           "write_file"]

#: Rows an Excel sheet holds, the header row included.
MAX_ROWS = 1_048_576


class Column(NamedTuple):
    """A column of a table: its Chinese header, what it holds, and its widest width."""

    header: str
    kind: Kind = "text"
    max_width: float = 40


class Book:
    """One workbook being built. Add tables with :meth:`table`; :meth:`save` writes it."""

    def __init__(self, *, title: str, footer: str, created: dt.datetime, header: str = "",
                 footer_right: str = "") -> None:
        """``header``: the title printed in bold at the top of every page, with the sheet
        name (none when empty); ``footer`` and ``footer_right``: the footer's left and right
        (the sheet name when empty); the page numbers in the middle."""
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self._buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self.workbook.set_properties({"title": title, "created": created})
        self.workbook.set_custom_property(OUTPUT_PROPERTY, __version__)
        self._title = header
        self.footer = page_text([footer], [Code(PAGES)], [footer_right] if footer_right
                                else [Code("&A")])
        self._rows: dict[int, tuple[pd.DataFrame, list[Kind], list[float]]] = {}
        self._links: dict[int, tuple[int, pd.Series, pd.Series]] = {}
        self._shared: set[int] = set()
        self._below: dict[int, list[tuple[int, pd.DataFrame, list[Kind]]]] = {}
        #: Where the rows' XML is kept for the next run (see :mod:`.blocks`; None: nowhere).
        self.blocks: Blocks | None = None
        wb = self.workbook
        border = {"border": 1, "valign": "top"}
        head = {"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "align": "center",
                "valign": "vcenter", "border": 1}
        self.formats = {
            "header": wb.add_format(head),
            "header_quoted": wb.add_format({**head, "quote_prefix": True}),
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "text": wb.add_format(border),
            "text_quoted": wb.add_format({**border, "quote_prefix": True}),
            "wrap": wb.add_format({**border, "text_wrap": True}),
            "wrap_quoted": wb.add_format({**border, "text_wrap": True, "quote_prefix": True}),
            "points": wb.add_format({**border, "num_format": "0.0"}),
            "int": wb.add_format({**border, "num_format": "0"}),
            "percent": wb.add_format({**border, "num_format": "0.0%"}),
            "date": wb.add_format({**border, "num_format": "yyyy-mm-dd"}),
        }

    def sheet(self, name: str) -> Worksheet:
        """A new sheet with the print set-up: A4 landscape, fit to width, the title block in
        the page header and footer."""
        ws = self.workbook.add_worksheet(name)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(top=0.9, bottom=0.75)
        if self._title:
            ws.set_header(self.header(), margin=0.35)
        ws.set_footer(self.footer, margin=0.3)
        return ws

    def header(self, note: str = "", *, below: bool = False) -> str:
        """The page header: the title and the sheet name in bold, and ``note`` on the right
        (``below``: on a second line under the title, for a narrow portrait page)."""
        title = [Code("&B&14 "), self._title, Code(" · &A")] if self._title else [Code("&A")]
        if note and below:
            return page_text(center=[*title, Code("&B\n&11 "), note])
        return page_text(center=title, right=[note] if note else [])

    def write_text(self, ws: Worksheet, row: int, col: int, text: str,
                   style: str = "text") -> None:
        """One text cell written by XlsxWriter (a note, a header) in the format ``style``,
        never as a formula: risky text gets the quote-prefixed ``<style>_quoted``."""
        text, quoted = literal_text(text)
        ws.write_string(row, col, text, self.formats[f"{style}_quoted" if quoted else style])

    def table(self, name: str, frame: pd.DataFrame, columns: Sequence[Column], *,
              freeze_columns: int = 0, filter_columns: int | None = None,
              repeat: bool = True, shared: bool = False) -> Worksheet:
        """A sheet holding ``frame`` (one column per entry of ``columns``) as a filterable table
        with a frozen header row (repeated on every printed page unless not ``repeat``) and
        widths that fit the text (long headers wrap). The filter covers the first
        ``filter_columns`` columns (all by default). ``shared``: ``frame`` is the same object
        in many workbooks of a run (and never changes): its widths and rows are made once."""
        if len(frame) + 1 > MAX_ROWS:
            raise OutputError(name, f"有 {len(frame):,} 行，超出 Excel 每张表 {MAX_ROWS - 1:,} 行的上限；"
                                    "请按支部分别写出（--per-branch），或把积分明细另存（--ledger parquet）")
        ws = self.sheet(name)
        if repeat:
            ws.repeat_rows(0)
        ws.freeze_panes(1, freeze_columns)
        ws.autofilter(0, 0, max(len(frame), 1), (filter_columns or len(columns)) - 1)
        widths, lines = [], 2
        for index, (column, widest) in enumerate(zip(columns, _widest(frame, columns, shared),
                                                     strict=True)):
            self.write_text(ws, 0, index, column.header, "header")
            header = text_width(column.header)
            width = max(min(header, 8), widest) + 2  # long headers wrap
            widths.append(float(min(max(width, 6), column.max_width)))
            lines = max(lines, math.ceil(header / max(widths[-1] - 1, 1)))
            ws.set_column(index, index, widths[-1])
        ws.set_row(0, 15 * min(lines, 6))
        self._rows[ws.index] = (frame, [c.kind for c in columns], widths)
        if shared:
            self._shared.add(ws.index)
        return ws

    def widths(self, ws: Worksheet) -> list[float]:
        """The column widths of the table of ``ws``."""
        return list(self._rows[ws.index][2])

    def link(self, ws: Worksheet, column: int, target: pd.Series, location: pd.Series) -> None:
        """Link each cell of ``column`` in the table of ``ws`` to ``target`` (a file, relative
        to the workbook) at ``location`` (``'sheet'!A1``); no link where ``target`` is missing
        (see :mod:`.links`)."""
        self._links[ws.index] = (column, target, location)

    def rows_below(self, ws: Worksheet, top: int, frame: pd.DataFrame,
                   kinds: Sequence[Kind]) -> None:
        """The rows of ``frame`` (no header) from row ``top`` on, below the table of ``ws``
        and between the cells XlsxWriter writes there, built as the table's rows are (a
        kind of cell at a time, in the table's formats and column widths): for a long table
        below, where :meth:`cells` would cost a Python call per cell."""
        self._below.setdefault(ws.index, []).append((top, frame, list(kinds)))

    def cells(self, ws: Worksheet, top: int, frame: pd.DataFrame,
              columns: Sequence[Column]) -> None:
        """A small table (a few dozen rows) written cell by cell from row ``top`` on, below
        the sheet's main table: its header row, then its rows (text, points, counts, rates;
        a missing number is an empty cell)."""
        for index, column in enumerate(columns):
            self.write_text(ws, top, index, column.header, "header")
        for row, values in enumerate(frame.itertuples(index=False), start=top + 1):
            for index, (column, value) in enumerate(zip(columns, values, strict=True)):
                if column.kind in NUMBERS and pd.isna(value):
                    ws.write_blank(row, index, None, self.formats[column.kind])
                elif column.kind in NUMBERS:
                    ws.write_number(row, index, float(value), self.formats[column.kind])
                else:
                    self.write_text(ws, row, index, "" if pd.isna(value) else str(value))

    def _styles(self) -> dict[str, int]:
        out = {}
        for key, fmt in self.formats.items():
            out[key] = fmt._get_xf_index()  # the style index every cell of that kind carries
        return out

    def save(self, path: str | Path) -> None:
        """Write the workbook to ``path`` atomically."""
        styles = self._styles()
        sheets = self.workbook.worksheets()
        self.workbook.close()
        source = zipfile.ZipFile(io.BytesIO(self._buffer.getvalue()))
        links = sheet_links(source, self._links)

        def write(handle: Any) -> None:
            with Behind.writing(handle) as behind:
                for info in source.infolist():
                    data, name = source.read(info.filename), info.filename
                    sheet = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", name)
                    rels = re.fullmatch(r"xl/worksheets/_rels/sheet(\d+)\.xml\.rels", name)
                    if sheet and int(sheet.group(1)) - 1 in self._rows:
                        index = int(sheet.group(1)) - 1
                        self._write_sheet(behind, name, data, sheets[index], styles,
                                          links.get(index, (b"", b""))[0])
                    elif rels and int(rels.group(1)) - 1 in links:
                        behind.entry(name, rels_part(links[int(rels.group(1)) - 1][1], data))
                    else:
                        behind.entry(name, data)
                for index, (_, more) in links.items():  # sheets with no relationships yet
                    name = f"xl/worksheets/_rels/sheet{index + 1}.xml.rels"
                    if more and name not in source.namelist():
                        behind.entry(name, rels_part(more))

        atomic_write(path, write)

    def _write_sheet(self, behind: Behind, name: str, data: bytes, ws: Worksheet,
                     styles: dict[str, int], links: bytes) -> None:
        """The sheet's XML with the rows of its table and its hyperlinks spliced in, as the
        zip entry ``name``; each part compressed in the second thread while the next parts
        (and the next sheets) are built (see :class:`Behind`)."""
        frame, kinds, widths = self._rows[ws.index]
        below = sorted(self._below.get(ws.index, []), key=lambda b: b[0])
        rows = max(len(frame) + 1, (ws.dim_rowmax or 0) + 1,
                   *(top + len(extra) for top, extra, _ in below))
        cols = max(len(kinds), (ws.dim_colmax or 0) + 1)
        head, tail = _split(data, f"{column_letter(cols - 1)}{rows}")
        behind.open(name)
        behind.write(head)
        if ws.index in self._shared:  # compressed once for every workbook of the run
            behind.write(_remembered(
                frame, ("rows", tuple(kinds), tuple(styles.items()), tuple(widths)),
                lambda: deflated(b"".join(rows_xml(frame, kinds, styles, widths)))))
        else:  # blocks of rows, each a piece of the stream, kept or not (see :mod:`.blocks`)
            for piece, keep in cached_rows(frame, kinds, styles, widths, self.blocks):
                behind.write(piece, keep)
        for top, extra, extra_kinds in below:  # between XlsxWriter's rows below the table
            at = _row_after(tail, top)
            behind.write(tail[:at])
            behind.write(b"".join(rows_xml(extra, extra_kinds, styles, widths, top + 1)))
            tail = tail[at:]
        behind.write(with_hyperlinks(tail, links))
        behind.close()


#: What :func:`_remembered` keeps: (frame, what) → (the frame, the value); a few entries.
_MEMO: dict[tuple[int, Any], tuple[pd.DataFrame, Any]] = {}


def _remembered(frame: pd.DataFrame, what: Any, make: Any) -> Any:
    """``make()``, remembered for this very ``frame`` object (kept alive by the memo, so
    that its id stays its own) and ``what``: for the tables many workbooks share."""
    key = (id(frame), what)
    if key not in _MEMO:
        if len(_MEMO) >= 16:
            _MEMO.clear()
        _MEMO[key] = (frame, make())
    return _MEMO[key][1]


def _widest(frame: pd.DataFrame, columns: Sequence[Column], shared: bool) -> list[int]:
    """The display width of each column's widest value (a date as ``yyyy-mm-dd``)."""
    def make() -> list[int]:
        return display_widths([frame.iloc[:, i].dt.strftime("%Y-%m-%d") if c.kind == "date"
                               else frame.iloc[:, i] for i, c in enumerate(columns)])

    return list(_remembered(frame, ("widths", tuple(columns)), make)) if shared else make()


def literal_text(text: str) -> tuple[str, bool]:
    """``text`` as one cell can hold it (characters XML cannot hold become ``�``, cut to
    Excel's limit) and whether it is risky (see :data:`RISKY`: it needs the quote prefix)."""
    text = re.sub(XML_ILLEGAL, "\ufffd", text)[:MAX_CELL]
    return text, re.match(RISKY, text) is not None


_ROW = re.compile(rb'<row r="(\d+)"')


def _row_after(xml: bytes, top: int) -> int:
    """Where in sheet XML ``xml`` (rows, then ``</sheetData>``) the first row below row
    ``top`` (0-based) begins, or ``</sheetData>`` when none does."""
    for row in _ROW.finditer(xml):
        if int(row.group(1)) > top:
            return row.start()
    return xml.index(b"</sheetData>")


def _split(sheet: bytes, end: str) -> tuple[bytes, bytes]:
    """The sheet's XML before and after where the data rows go (after the header row, before
    any row XlsxWriter wrote below the table), with its dimension ``A1:<end>``."""
    sheet = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:' + end.encode() + b'"/>',
                   sheet, count=1)
    at = sheet.index(b"</sheetData>")
    for row in _ROW.finditer(sheet, sheet.index(b"<sheetData")):
        if int(row.group(1)) > 1:
            at = row.start()
            break
    return sheet[:at], sheet[at:]
