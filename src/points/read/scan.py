"""Phase 1 of reading: one workbook's sheets → compact column arrays (:class:`FileScan`).

Everything that needs only the file itself happens here — sheet kinds, headers, dates,
activity names, marks as written, cell-level data issues — so that files can be scanned in
worker processes and only small arrays travel back. Nothing here depends on a ruleset: marks
and activity names are kept as written (normalised) and resolved when records are scored.
Matching people to the roster needs every file and happens in :mod:`.merge`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..vocab.errors import WorkbookError, os_problem
from ..vocab.frames import factorize_exact, intern, per_distinct
from ..vocab.text import cell_text, normalize_name, suggestion_zh
from .arrays import no_gc, rectangle_sources
from .dates import parse_one
from .lexicon import HEADERS, find_activity, is_activity_word, is_mark_word, is_skipped
from .people import People, normalise_people
from .raw import CellError, RawSheet
from .sheet import REQUIRED, Sheet, sheet_kind
from .workbook import read_sheets

__all__ = ["ERROR_MARK", "FileScan", "mark_text", "scan_file"]

KINDS = ("roster", "people", "attendance", "list", "log", "appraisal", "quiz", "study")
#: The roster's date columns.
DATED = ("joined", "left", "admitted", "confirmed")


class FileScan:
    """What one workbook holds, ready to merge: picklable, no per-cell Python objects for
    matrix cells.

    ``sheets``: ``(file, sheet name, first row, first column)`` per sheet used (local sheet
    numbers index it); ``hints``: the normalised title, sheet name and file name of each
    sheet (where a branch name may be written); ``parts``: column arrays per table kind
    (``roster``, ``people``, ``attendance``, ``list``, ``log``, ``appraisal``) with local
    sheet and person numbers (one ``attendance`` part: the matrix sheets' rectangles end
    to end, ``sheet``, ``n_rows`` and ``n_cols`` per rectangle); ``activities`` and
    ``marks``: the texts that the matrix parts' ``activity`` and ``mark`` codes index;
    ``cell_issues``: ``(code, message, address)``.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.sha256 = ""
        self.sheets: list[tuple[str, str, int, int]] = []
        self.hints: list[str] = []
        self.parts: dict[str, list[dict[str, np.ndarray]]] = {k: [] for k in KINDS}
        self.activities: list[str] = []
        self.marks: list[str] = []
        self.cell_issues: list[tuple[str, str, str]] = []
        self.n_people = 0
        #: ``file!sheet!A1`` of every matrix cell, parts in order, each part row by row.
        self.cell_sources: pa.Array = pa.array([], pa.string())


def scan_file(path: str, year: int | None, data: bytes | None = None,
              sha256: str | None = None) -> FileScan:
    """Read one workbook (whose bytes are ``data``, hashing to ``sha256``, when the caller
    has read them) and scan its sheets (the unit of work of a worker process)."""
    with no_gc():
        try:
            data = Path(path).read_bytes() if data is None else data
        except OSError as error:
            raise WorkbookError(path, f"无法读取：{os_problem(error)}") from None
        scan = _Scanner(FileScan(path), year).run(read_sheets(path, data))
        scan.sha256 = sha256 or hashlib.sha256(data).hexdigest()
        # the sheets' cells are already freed when the collector resumes
    return scan


#: The mark of a cell that holds an error value or a formula without its result: reported by
#: the scan, and its record left out (never read as an empty cell, which counts as absent).
ERROR_MARK = "\x00error"


def mark_text(value: Any) -> str:
    """A mark as kept in the records: normalised text, :data:`ERROR_MARK` for an error cell."""
    return ERROR_MARK if isinstance(value, CellError) else cell_text(value)


def _is_error(values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are :class:`CellError` (each distinct value looked at once)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([isinstance(u, CellError) for u in uniques], dtype=bool)[codes] \
        if len(values) else np.zeros(0, dtype=bool)


class _Scanner:
    """Fills a :class:`FileScan` sheet by sheet."""

    def __init__(self, scan: FileScan, year: int | None) -> None:
        self.scan = scan
        self.year = year
        self.activity_code: dict[str, int] = {}
        self.mark_code: dict[str, int] = {}
        self.people = People()

    def run(self, raws: list[RawSheet]) -> FileScan:
        for raw in raws:
            where = f"{raw.file}!{raw.name}!A1"
            if raw.skipped:
                self._issue("skipped_sheet", raw.skipped, where)
            elif any(v != "" for row in raw.cells for v in row):  # Sheet2, Sheet3: not data
                if raw.hidden:
                    self._issue("hidden_sheet", "此工作表是隐藏的，已照常读取；如不应计分，请删除它",
                                where)
                self._sheet(raw)
        parts = self.scan.parts["attendance"]
        if parts:
            self.scan.cell_sources = rectangle_sources(parts, self.scan.sheets)
            # one part per file: a few arrays to pickle, store and merge, not seven per sheet
            whole = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
            whole["mark"] = self._mark_codes(whole["mark"])
            self.scan.parts["attendance"] = [whole]
        part, issues = self.people.part(self.scan.sheets)
        if part is not None:
            self.scan.parts["people"] = [part]
        self.scan.cell_issues += issues
        self.scan.n_people = self.people.n
        normalise_people(self.scan.parts)
        return self.scan

    def _sheet(self, raw: RawSheet) -> None:
        sheet = Sheet(raw, len(self.scan.sheets), self.year)
        self.scan.sheets.append((raw.file, raw.name, sheet.r0, sheet.c0))
        sheet.find_header()
        self.scan.hints.append(normalize_name(sheet.title + raw.name + raw.file))
        kind = "unknown"
        if sheet.header >= 0:
            sheet.fill_merged(sheet.header + 2)
            sheet.dates = self._date_columns(sheet)
            kind = sheet_kind(sheet, sheet.dates is not None)
        if kind == "unknown":
            self._issue("unknown_sheet", "无法识别此工作表（找不到“姓名/党员编号”等表头），未读取",
                        sheet.address(0, 0))
            return
        missing = [f for f in REQUIRED.get(kind, ()) if f not in sheet.fields]
        if missing:
            self._missing(sheet, missing)
        else:
            getattr(self, f"_{kind}")(sheet)

    def _missing(self, sheet: Sheet, missing: list[str]) -> None:
        present = [t for t in (sheet.text(sheet.header, c) for c in range(sheet.grid.shape[1]))
                   if t]
        text = "；".join(f"缺少“{HEADERS[f][0]}”列{suggestion_zh(HEADERS[f][0], present)}"
                        for f in missing)
        self._issue("missing_column", text + "，此工作表未读取", sheet.address(sheet.header, 0))

    def _issue(self, code: str, message: str, address: str) -> None:
        self.scan.cell_issues.append((code, message, address))

    # -- roster and people -----------------------------------------------------------------
    def _roster(self, sheet: Sheet) -> None:
        rows = sheet.data_rows(sheet.header + 1)
        bad = _is_error(sheet.column("name", rows))
        for at in np.flatnonzero(bad).tolist():  # a name cell with an error: the row is not read
            self._issue("bad_cell", f"名册此行的姓名单元格是“{sheet.grid[rows[at], sheet.fields['name']]}”，"
                        "不是姓名，此行未读取；请填上党员的姓名",
                        sheet.address(int(rows[at]), sheet.fields["name"]))
        rows = rows[~bad]
        part = {f: sheet.column(f, rows)
                for f in ("member_id", "name", "branch", "category", *DATED)}
        part.update(sheet=np.full(len(rows), sheet.number), row=rows,
                    col=np.full(len(rows), sheet.fields["name"]),
                    **{f"{f}_col": np.full(len(rows), sheet.fields.get(f, 0)) for f in DATED})
        self.scan.parts["roster"].append(part)

    def _people(self, sheet: Sheet, rows: np.ndarray, data: np.ndarray) -> np.ndarray:
        """Register the data rows' persons; return their (local) numbers for the parts.
        ``data``: the rows hold a record (a row with no person is reported only then).
        Without a 支部 column the branch is guessed later from the sheet's hint."""
        return self.people.add(sheet, rows, data)

    def _bad_marks(self, sheet: Sheet, values: np.ndarray, rows: np.ndarray,
                   cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Report the error cells among mark cells (``values`` row by row over ``cols``);
        return the values' codes and distinct values (:func:`pandas.factorize`)."""
        codes, uniques = factorize_exact(values)
        errors = [i for i, u in enumerate(uniques) if isinstance(u, CellError)]
        for at in np.flatnonzero(np.isin(codes, errors)).tolist() if errors else ():
            r, c = int(rows[at // len(cols)]), int(cols[at % len(cols)])
            self._issue("bad_cell", f"签到单元格是“{values[at]}”，不是签到符号，此记录未计分"
                        "（空白才算未签到）", sheet.address(r, c))
        return codes, uniques

    # -- matrices --------------------------------------------------------------------------
    def _date_columns(self, sheet: Sheet) -> dict[str, Any] | None:
        """The row of dates (the header, or the row below or above it) and its columns."""
        h = sheet.header
        known = set(sheet.fields.values())
        cols = [c for c in range(sheet.grid.shape[1])
                if c not in known and not is_skipped(sheet.text(h, c))]
        best: dict[str, Any] | None = None
        for r in (h, h + 1, h - 1):
            if r < 0 or r >= sheet.grid.shape[0] or not cols:
                continue
            parsed = [parse_one(sheet.grid[r, c], sheet.year) for c in cols]
            n = sum(p[2] == "ok" for p in parsed)
            if n and (best is None or n > best["n"]):
                best = {"row": r, "parsed": parsed, "n": n, "cols": cols}
        return best

    def _activity_row(self, sheet: Sheet, date_row: int, cols: list[int]) -> tuple[int, list[str]]:
        """The row of activity names just above or below the dates, if there is one: a row
        naming a known activity, or a header row (no person in it) whose texts over the
        dates are neither dates nor marks."""
        people = [sheet.fields[f] for f in ("name", "member_id") if f in sheet.fields]
        for r in (date_row - 1, date_row + 1):
            if r < max(0, sheet.header - 1) or r >= sheet.grid.shape[0]:
                continue
            texts = [sheet.text(r, c) for c in cols]
            if any(is_activity_word(t) for t in texts):
                return r, texts
            in_header = all(sheet.text(r, p) in ("", sheet.text(sheet.header, p)) for p in people)
            named = [t for t in texts if t]
            if (in_header and 2 * len(named) >= len(cols) and not any(
                    is_mark_word(t) or parse_one(t, 2000)[2] != "none" for t in named)):
                return r, texts
        return -1, [""] * len(cols)

    def _matrix(self, sheet: Sheet) -> None:
        info = sheet.dates
        assert info is not None
        date_row, cols, parsed = info["row"], info["cols"], info["parsed"]
        act_row, activity = self._activity_row(sheet, date_row, cols)
        fallback = find_activity(sheet.raw.name, sheet.title) or normalize_name(sheet.raw.name)
        activity = [a or p[1] or fallback for a, p in zip(activity, parsed, strict=True)]
        rows = sheet.data_rows(max(sheet.header, date_row, act_row) + 1)
        used = self._used_columns(sheet, rows, date_row, cols, parsed, activity)
        if not len(rows) or not used:
            return
        use_cols = np.array([u[0] for u in used], dtype="int64")
        # one rectangle per sheet: per-row and per-column facts once, a mark per cell (as
        # written: coded for the whole file at once by :meth:`_mark_codes`)
        self.scan.parts["attendance"].append({
            "sheet": np.array([sheet.number]),
            "n_rows": np.array([len(rows)]), "n_cols": np.array([len(use_cols)]),
            "person": self._people(sheet, rows, sheet.filled[rows][:, use_cols].any(axis=1)),
            "rows": rows, "cols": use_cols,
            "dates": np.array([u[1] for u in used], dtype="datetime64[us]"),
            "activity": np.array([intern(u[2], self.activity_code, self.scan.activities)
                                  for u in used], dtype="int32"),
            "mark": sheet.grid[rows][:, use_cols].ravel()})

    def _mark_codes(self, values: np.ndarray) -> np.ndarray:
        """The codes (into ``marks``) of the matrix cells ``values`` (every rectangle of the
        file, row by row, as ``cell_sources``); their error cells reported."""
        codes, uniques = factorize_exact(values)
        errors = [i for i, u in enumerate(uniques) if isinstance(u, CellError)]
        for at in np.flatnonzero(np.isin(codes, errors)).tolist() if errors else ():
            self._issue("bad_cell", f"签到单元格是“{values[at]}”，不是签到符号，此记录未计分"
                        "（空白才算未签到）", self.scan.cell_sources[at].as_py())
        numbers = np.array([intern(mark_text(v), self.mark_code, self.scan.marks)
                            for v in uniques], dtype="int32")
        return numbers[codes]

    def _used_columns(self, sheet: Sheet, rows: np.ndarray, date_row: int, cols: list[int],
                      parsed: list[tuple[Any, str, str]], activity: list[str]
                      ) -> list[tuple[int, Any, str]]:
        """(column, date, activity) of each dated column; the others are reported when they
        hold data or a date that cannot be read."""
        used = []
        filled = sheet.filled[rows][:, cols].any(axis=0) if len(rows) \
            else np.zeros(len(cols), dtype=bool)
        for c, (date, _, verdict), act, has_data in zip(cols, parsed, activity, filled.tolist(),
                                                        strict=True):
            if verdict == "ok":
                used.append((c, date, act))
            elif verdict in ("bad", "noyear"):
                self._issue("bad_date", f"无法识别的日期表头“{sheet.grid[date_row, c]}”，此列未"
                            "读取（请写成 2024-03-15 或 3月15日，并在标题或文件名中写明年份）",
                            sheet.address(date_row, c))
            elif has_data:
                self._issue("unknown_column", f"无法识别的列“{sheet.grid[sheet.header, c]}”"
                            "（不是日期），此列未读取", sheet.address(sheet.header, c))
        return used

    # -- lists, logs and appraisals --------------------------------------------------------
    def _listed(self, sheet: Sheet, table: str, anchor: str, fields: tuple[str, ...]) -> None:
        rows = sheet.data_rows(sheet.header + 1)
        part = {f: sheet.column(f, rows) for f in fields}
        data = np.zeros(len(rows), dtype=bool)
        for field in fields:
            data |= part[field] != ""
        part.update(person=self._people(sheet, rows, data), sheet=np.full(len(rows), sheet.number),
                    row=rows, col=np.full(len(rows), sheet.fields[anchor]),
                    year=np.full(len(rows), sheet.year or 0),
                    date_col=np.full(len(rows), sheet.fields.get("date", 0)))
        if table == "log":
            header = (sheet.text(sheet.header, sheet.fields["item"]) + sheet.raw.name + sheet.title)
            bonus = any(w in header for w in ("加分", "先锋", "示范")) and not any(
                w in header for w in ("扣分", "负面"))
            part["bonus_sheet"] = np.full(len(rows), bonus)
        if table == "list":
            self._bad_marks(sheet, part["status"], rows, np.array([sheet.fields["status"]]))
            part["status"] = per_distinct(part["status"], mark_text)
        self.scan.parts[table].append(part)

    def _list(self, sheet: Sheet) -> None:
        self._listed(sheet, "list", "status", ("date", "activity", "status"))

    def _log(self, sheet: Sheet) -> None:
        self._listed(sheet, "log", "item", ("date", "item"))

    def _appraisal(self, sheet: Sheet) -> None:
        self._listed(sheet, "appraisal", "result", ("result",))

    def _quiz(self, sheet: Sheet) -> None:
        self._listed(sheet, "quiz", "score", ("date", "exam", "score"))

    def _study(self, sheet: Sheet) -> None:
        self._listed(sheet, "study", "study_points", ("month", "study_points"))
        part = self.scan.parts["study"][-1]
        part["date_col"] = np.full(len(part["row"]), sheet.fields["month"])
