"""The persons a workbook's sheets name: registered sheet by sheet, made into the file's
people part at once, and the texts of its roster and people parts normalised.

A sheet registers its data rows (:meth:`People.add`: the cells of its 党员编号, 姓名 and 支部
columns, and which rows hold a record); :meth:`People.part` lays every sheet's rows end to end
with one call per column, reports the error cells of the person columns and reads them as
empty. :func:`normalise_people` normalises each distinct 党员编号, name, branch or category of
a file once, the texts among them together (:func:`~points.vocab.text.normalized_distinct`).
"""

from __future__ import annotations

import numpy as np

from ..vocab.text import cell_text, normalized_distinct
from .arrays import id_text
from .lexicon import HEADERS
from .raw import CellError
from .sheet import Sheet, address_in

__all__ = ["PERSON", "People", "normalise_people"]

#: The columns of the people part that come from the sheet's cells.
PERSON = ("member_id", "name", "branch")
#: A data issue: (code, message, address).
Issue = tuple[str, str, str]


class People:
    """The data rows each sheet of a file registered, in order; persons are numbered from 0
    in that order."""

    def __init__(self) -> None:
        self.n = 0
        #: sheet number, its fields, its rows, which hold a record, its person columns' cells
        self._sheets: list[tuple[int, dict[str, int], np.ndarray, np.ndarray,
                                 dict[str, np.ndarray]]] = []

    def add(self, sheet: Sheet, rows: np.ndarray, data: np.ndarray) -> np.ndarray:
        """Register ``rows`` of ``sheet`` (``data``: the rows that hold a record); return
        their person numbers."""
        cells = {f: sheet.grid[rows, sheet.fields[f]] for f in PERSON if f in sheet.fields}
        self._sheets.append((sheet.number, dict(sheet.fields), rows, data, cells))
        first = self.n
        self.n += len(rows)
        return np.arange(first, self.n)

    def part(self, sheets: list[tuple[str, str, int, int]]) -> tuple[dict[str, np.ndarray] | None,
                                                                     list[Issue]]:
        """The people part of every registered row (None when no sheet registered any; the
        per-sheet facts spread over its rows in one call each) and the data issues of its
        error cells (``sheets``: the file's ``(file, sheet, first row, first column)``)."""
        if not self._sheets:
            return None, []
        sizes = [len(rows) for _, _, rows, _, _ in self._sheets]
        fields = [f for _, f, _, _, _ in self._sheets]
        part = {f: self._column(f, sizes) for f in PERSON}
        part.update(
            guess=np.repeat(np.array(["branch" not in f for f in fields], dtype=bool), sizes),
            sheet=np.repeat(np.array([s[0] for s in self._sheets], dtype="int64"), sizes),
            row=np.concatenate([s[2] for s in self._sheets]),
            col=np.repeat(np.array([f.get("name", f.get("member_id", 0)) for f in fields],
                                   dtype="int64"), sizes),
            data=np.concatenate([s[3] for s in self._sheets]))
        issues = [i for field in ("member_id", "name") for i in self._errors(part, field, sheets)]
        return part, issues

    def _column(self, field: str, sizes: list[int]) -> np.ndarray:
        """The cells of ``field``'s column in every registered sheet's rows ("" where a
        sheet has no such column)."""
        out = np.full(sum(sizes), "", dtype=object)
        at = 0
        for (*_, cells), size in zip(self._sheets, sizes, strict=True):
            if field in cells:
                out[at:at + size] = cells[field]
            at += size
        return out

    def _errors(self, part: dict[str, np.ndarray], field: str,
                sheets: list[tuple[str, str, int, int]]) -> list[Issue]:
        """The error cells of a person column of ``part``, reported and read as empty."""
        cells = part[field]
        if CellError not in set(map(type, cells)):
            return []
        columns = {number: f.get(field, 0) for number, f, *_ in self._sheets}
        issues = []
        for i in [i for i, v in enumerate(cells.tolist()) if isinstance(v, CellError)]:
            number = int(part["sheet"][i])
            issues.append(("bad_cell", f"{HEADERS[field][0]}单元格是“{cells[i]}”，不是"
                           f"{HEADERS[field][0]}，此行记录未计分",
                           address_in(sheets[number], int(part["row"][i]), columns[number])))
            cells[i] = ""
        return issues


def normalise_people(parts: dict[str, list[dict[str, np.ndarray]]]) -> None:
    """One roster part and one people part per file, their texts normalised here (each
    distinct 党员编号 once, each distinct name, branch or category once)."""
    wholes = []
    for kind in ("roster", "people"):
        if parts[kind]:
            parts[kind] = [{k: np.concatenate([p[k] for p in parts[kind]])
                            for k in parts[kind][0]}] if len(parts[kind]) > 1 else parts[kind]
            wholes.append(parts[kind][0])
    for fields, convert in ((("member_id",), id_text), (("name", "branch", "category"),
                                                        cell_text)):
        columns = [(w, f) for w in wholes for f in fields if f in w]
        if not columns:
            continue
        done = normalized_distinct(np.concatenate([w[f] for w, f in columns]), convert)
        ends = np.cumsum([len(w[f]) for w, f in columns])
        for (w, f), part in zip(columns, np.split(done, ends[:-1]), strict=True):
            w[f] = part
