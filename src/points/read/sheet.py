"""One sheet as a grid: its header row, title, merged header cells, data rows and kind.

A sheet's kind is recognised by its header row (found below any title rows): roster,
attendance matrix, attendance list, log, appraisal results, exam scores or study points.
Per-sheet work is on whole columns and blocks; Python loops run over header cells only.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

import numpy as np

from ..vocab.text import column_letter, normalize_name
from .dates import parse_one, year_in
from .lexicon import field_of
from .raw import RawSheet

__all__ = ["LETTERS", "REQUIRED", "Sheet", "address_in", "sheet_kind"]

LETTERS = np.array([column_letter(i) for i in range(16384)], dtype=object)
_NOTE_PREFIXES = ("注", "说明", "备注", "填表", "制表")
_NOTES = re.compile("|".join(_NOTE_PREFIXES))
#: Text of any length (a fixed-width ``str`` array is as wide as its longest cell: one cell of
#: 200 MB in a column would ask for gigabytes).
_TEXT = np.dtypes.StringDType()
_TOTAL_ROWS = ("合计", "小计", "总计", "平均", "出勤率")
_TOTALS = re.compile("|".join(_TOTAL_ROWS))
#: The fields each kind of sheet cannot do without.
REQUIRED = {"roster": ("name",), "list": ("date", "activity", "status"),
            "log": ("date", "item"), "appraisal": ("result",),
            "quiz": ("date", "exam", "score"), "study": ("month", "study_points")}


@functools.lru_cache(maxsize=65536)
def norm(value: Any) -> str:
    """:func:`normalize_name`, cached: headers and marks repeat across sheets."""
    return normalize_name(value)


def _grid(cells: list[list[Any]]) -> np.ndarray:
    """The cells as a 2-D object array (rows padded with "" when their lengths differ)."""
    lengths = list(map(len, cells))
    width = max(lengths, default=0)
    if min(lengths, default=0) == width:  # one pass over the cells, no nesting to discover
        return np.fromiter(itertools.chain.from_iterable(cells), dtype=object,
                           count=len(cells) * width).reshape(len(cells), width)
    grid = np.full((len(cells), width), "", dtype=object)
    for i, row in enumerate(cells):  # ragged rows only
        grid[i, :len(row)] = row
    return grid


def address_in(sheet: tuple[str, str, int, int], row: int, col: int) -> str:
    """The address ``file!sheet!A1`` of the cell at ``row``, ``col`` of a sheet given as
    ``(file, sheet name, first row, first column)`` (as a scan lists its sheets)."""
    file, name, r0, c0 = sheet
    return f"{file}!{name}!{LETTERS[col + c0]}{row + r0 + 1}"


class Sheet:
    """A sheet as a rectangular object grid with its header facts."""

    def __init__(self, raw: RawSheet, number: int, year: int | None) -> None:
        self.raw = raw
        self.number = number
        self.grid = _grid(raw.cells)
        self.r0, self.c0 = raw.origin
        self.header = -1
        self.fields: dict[str, int] = {}
        self.title = ""
        self.year = year
        self.dates: dict[str, Any] | None = None

    def address(self, row: int, col: int) -> str:
        return address_in((self.raw.file, self.raw.name, self.r0, self.c0), row, col)

    @functools.cached_property
    def filled(self) -> np.ndarray:
        """Which cells of the grid hold something (made again after :meth:`fill_merged`)."""
        return self.grid != ""

    def text(self, row: int, col: int) -> str:
        value = self.grid[row, col]
        return "" if value == "" or value is None else norm(value)

    def fill_merged(self, last_row: int) -> None:
        for (r1, c1), (r2, c2) in self.raw.merged:
            r1, r2, c1, c2 = r1 - self.r0, r2 - self.r0, c1 - self.c0, c2 - self.c0
            if r1 < 0 or c1 < 0 or r1 > last_row:
                continue
            self.grid[r1:min(r2, last_row) + 1, c1:c2 + 1] = self.grid[r1, c1]
        self.__dict__.pop("filled", None)

    def find_header(self) -> None:
        """The first row (of the first 20) naming a person column and one more known column
        or a date; the rows above it are the title."""
        for r in range(min(20, self.grid.shape[0])):
            fields: dict[str, int] = {}
            for c in range(self.grid.shape[1]):
                field = field_of(self.text(r, c))
                if field is not None and field not in fields:
                    fields[field] = c
            if "name" not in fields and "member_id" not in fields:
                continue
            dated = any(parse_one(v, 2000)[2] == "ok" for v in self.grid[r] if v != "")
            if len(fields) >= 2 or dated:
                self.header, self.fields = r, fields
                self.title = " ".join(str(v) for v in self.grid[:r].ravel() if v != "")
                self.year = year_in(self.title, self.raw.name, self.raw.file) or self.year
                return

    def data_rows(self, start: int) -> np.ndarray:
        """Rows from ``start`` that hold data: not blank, not a notes row, not a totals row."""
        block = self.grid[start:]
        if block.size == 0:
            return np.array([], dtype="int64")
        filled = self.filled[start:]
        # the first filled of the first three cells ("" when none is)
        first = block[np.arange(len(block)), np.argmax(filled[:, :3], axis=1)]
        keep = filled.any(axis=1)
        if _NOTES.search("\x00".join(map(str, first))):  # no note word in them: no notes row
            head = np.strings.lstrip(first.astype(_TEXT))
            for prefix in _NOTE_PREFIXES:
                keep &= ~np.strings.startswith(head, prefix)
        return np.flatnonzero(keep & ~self._totals(block)) + start

    def _totals(self, block: np.ndarray) -> np.ndarray:
        """Totals rows (合计, 小计 …), told by their shape: a totals word where the person
        goes, no 党员编号, and nothing but numbers in the other cells. A person really named
        合计 has marks or texts in their row (or a 党员编号) and stays a person."""
        totals = np.zeros(len(block), dtype=bool)
        field = "name" if "name" in self.fields else "member_id" if "member_id" in self.fields else ""
        if not field:
            return totals
        column = block[:, self.fields[field]]
        if not _TOTALS.search("\x00".join(map(str, column))):  # no totals word: no totals row
            return totals
        person = np.strings.strip(column.astype(_TEXT))
        for word in _TOTAL_ROWS:
            totals |= person == word
        if not totals.any():
            return totals
        if field == "name" and "member_id" in self.fields:
            totals &= block[:, self.fields["member_id"]] == ""
        skip = {self.fields[f] for f in ("name", "member_id", "seq") if f in self.fields}
        for r in np.flatnonzero(totals).tolist():  # the few rows named like a total
            others = [v for c, v in enumerate(block[r].tolist()) if c not in skip and v != ""]
            totals[r] = all(isinstance(v, int | float) and not isinstance(v, bool) for v in others)
        return totals

    def column(self, field: str, rows: np.ndarray) -> np.ndarray:
        """The cells of ``field``'s column in ``rows`` ("" where the sheet has no such column)."""
        if field not in self.fields:
            return np.full(len(rows), "", dtype=object)
        return self.grid[rows, self.fields[field]]


def sheet_kind(sheet: Sheet, dated: bool) -> str:
    """``quiz``, ``study``, ``list``, ``appraisal``, ``log``, ``matrix``, ``roster`` or
    ``unknown``."""
    fields = sheet.fields
    if "study_points" in fields:
        return "study"
    if "exam" in fields and "score" in fields:
        return "quiz"
    if "status" in fields or ("date" in fields and "activity" in fields):
        return "list"
    if "result" in fields:
        return "appraisal"
    if "item" in fields:
        return "log"
    if dated:
        return "matrix"
    if {"branch", "category", "joined", "left", "admitted", "confirmed"} & set(fields):
        return "roster"
    return "unknown"
