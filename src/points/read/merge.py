"""Phase 2 of reading: the file scans merged into one numbering, with cell addresses.

:class:`Merger` appends the scans in file order (sheet, person, activity and mark numbers
become global) and makes ``file!sheet!A1`` addresses for whole columns at once. The roster is
built and people are matched to it in :mod:`.roster`; the record tables are assembled in
:mod:`.tables`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..vocab.frames import intern
from ..vocab.issues import make_issues
from .arrays import column_prefixes, join_addresses
from .scan import KINDS, FileScan

__all__ = ["FILE_KEY", "SEGMENT", "Merger", "concat_parts"]

#: The column of a record table (while it is assembled) that holds each row's file key.
FILE_KEY = "file_key"
#: The step between the segments of a table's file keys (more than any number of files).
SEGMENT = 1 << 32


def concat_parts(parts: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """The column arrays of several parts, each column concatenated."""
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


class Merger:
    """The scans of every file in one numbering, and the data issues found while merging."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, str, int, int]] = []
        self.hints: list[str] = []
        self.cell_issues: list[tuple[str, str, str]] = []
        self.issues: list[pd.DataFrame] = []
        self.parts: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        self.n_people = 0
        self.activities: list[str] = []
        self.marks: list[str] = []
        self._codes: dict[str, dict[str, int]] = {"activity": {}, "mark": {}}
        self.cell_sources: list[pa.Array] = []
        #: The file (its number in merge order) of each sheet.
        self.sheet_file: list[int] = []
        self.n_files = 0

    def merge(self, scan: FileScan) -> None:
        """Append one file's scan: sheet, person, activity and mark numbers become global."""
        sheet_offset, person_offset = len(self.sheets), self.n_people
        self.sheets += scan.sheets
        self.sheet_file += [self.n_files] * len(scan.sheets)
        self.n_files += 1
        self.hints += scan.hints
        if len(scan.cell_sources):
            self.cell_sources.append(scan.cell_sources)
        self.cell_issues += scan.cell_issues
        activity = self._renumber(scan.activities, self.activities, "activity")
        mark = self._renumber(scan.marks, self.marks, "mark")
        for kind, parts in scan.parts.items():
            for part in parts:
                part = dict(part, sheet=part["sheet"] + sheet_offset)
                if "person" in part:
                    part["person"] = part["person"] + person_offset
                if kind == "attendance":
                    part["activity"] = activity[part["activity"]]
                    part["mark"] = mark[part["mark"]]
                self.parts[kind].append(part)
        self.n_people += scan.n_people

    def _renumber(self, local: list[str], names: list[str], kind: str) -> np.ndarray:
        return np.array([intern(name, self._codes[kind], names) for name in local], dtype="int32")

    def file_keys(self, sheet: np.ndarray, segment: int = 0) -> np.ndarray:
        """The file (merge-order number) of rows on ``sheet`` (local sheet numbers made
        global), as the key of :mod:`.lastrun`: ``segment`` tells apart parts of one table
        that come one after the other (matrix cells, then list rows)."""
        files = np.asarray(self.sheet_file, dtype="int64")
        return files[sheet] + segment * SEGMENT

    def issue(self, code: str, message: pd.Series, source: pd.Series,
              member: pd.Series | None = None) -> None:
        source = source.reset_index(drop=True)
        member = None if member is None else member.reset_index(drop=True)
        self.issues.append(make_issues(code, message.reset_index(drop=True), source, member))

    def addresses(self, sheet: np.ndarray, row: np.ndarray, col: np.ndarray) -> pd.Series:
        """``file!sheet!A1`` for each (sheet number, grid row, grid column).

        The distinct ``file!sheet!column`` prefixes and row numbers are made once; Arrow
        takes and joins them for every cell.
        """
        r0 = np.array([s[2] for s in self.sheets], dtype="int64")
        number = (row + r0[sheet] + 1).astype("int64")
        codes, uniques = pd.factorize(sheet.astype("int64") * 16384 + col)
        prefixes = column_prefixes(self.sheets, uniques // 16384, uniques % 16384)
        return pd.Series(pd.arrays.ArrowStringArray(join_addresses(prefixes, codes, number)))

    def cell_issue_frames(self) -> list[pd.DataFrame]:
        """The scans' cell-level issues as issue tables, one per code."""
        if not self.cell_issues:
            return []
        cells = pd.DataFrame(self.cell_issues, columns=["code", "message", "source"])
        return [make_issues(str(code), group["message"], group["source"])
                for code, group in cells.groupby("code", sort=True)]
