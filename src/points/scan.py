"""Phase 1 of reading: one workbook's sheets → compact column arrays (``FileScan``).

Each sheet's kind is recognised by its header row (found below any title rows): roster,
attendance matrix, attendance list, log or appraisal results. Everything that needs only the
file itself happens here — header and date detection, marks to status codes, activity names,
cell-level data issues — so that files can be scanned in worker processes and only small
numeric arrays travel back. Matching people to the roster needs every file and happens in
:mod:`points.reader`.

Per-sheet work is on whole columns and blocks (numpy/pandas); Python loops run over sheets,
header cells and distinct values only.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dates import parse_one, year_in
from .text import cell_text, column_letter, normalize_name, suggestion_zh
from .workbook import RawSheet, read_sheets

__all__ = ["HEADERS", "STATUS_CODES", "FileScan", "column_prefixes", "intern", "join_addresses", "no_gc",
           "rectangle_index", "scan_file"]

#: Header texts recognised for each field (compared after NFKC and removing white space).
HEADERS: dict[str, tuple[str, ...]] = {
    "member_id": ("党员编号", "编号", "党员号", "人员编号"),
    "name": ("姓名", "党员姓名", "名字"),
    "branch": ("支部", "所在支部", "党支部", "所属支部", "支部名称"),
    "category": ("类别", "党员类别", "人员类别"),
    "joined": ("入党（转入）日期", "入党日期", "转入日期", "入党时间", "入党（转入）时间"),
    "left": ("转出日期", "转出时间"),
    "date": ("日期", "活动日期", "时间", "活动时间", "记录日期", "发生日期"),
    "activity": ("活动类型", "活动名称", "活动", "会议类型", "会议名称"),
    "status": ("出勤情况", "签到情况", "出勤", "签到", "状态", "参加情况", "出席情况"),
    "item": ("事项", "扣分事项", "加分事项", "负面清单事项", "先锋示范事项", "项目", "扣分项目",
             "加分项目"),
    "result": ("评议结果", "民主评议结果", "等次", "评议等次", "民主评议等次"),
    "seq": ("序号",),
}
#: Columns recognised and skipped: totals, signatures and personal data (never read).
SKIPPED = ("合计", "小计", "总计", "出勤率", "出勤次数", "缺勤次数", "请假次数", "签名", "本人签名",
           "联系电话", "电话", "手机", "手机号码", "身份证号", "身份证号码", "性别", "职务", "党小组",
           "年龄", "民族", "学历", "出生日期", "积分", "得分", "分值", "扣分", "加分", "备注", "说明")
_FIELD = {normalize_name(text): field for field, texts in HEADERS.items() for text in texts}
_SKIP = {normalize_name(text) for text in SKIPPED}
_NOTE_PREFIXES = ("注", "说明", "备注", "填表", "制表")
_NOTE_WIDTH = max(map(len, _NOTE_PREFIXES))
_TOTAL_ROWS = ("合计", "小计", "总计", "平均", "出勤率")
_REQUIRED = {"roster": ("name",), "list": ("date", "activity", "status"),
             "log": ("date", "item"), "appraisal": ("result",)}



_LETTERS = np.array([column_letter(i) for i in range(16384)], dtype=object)
#: Status codes carried by the scans (int8 index; -1 for a mark the vocabulary does not know).
STATUS_CODES = ("present", "late", "online", "makeup", "leave", "absent", "blank")
_STATUS_INDEX = {s: i for i, s in enumerate(STATUS_CODES)}


@functools.lru_cache(maxsize=65536)
def _norm(value: Any) -> str:
    return normalize_name(value)


def _grid(cells: list[list[Any]]) -> np.ndarray:
    """The cells as a 2-D object array (rows padded with "" when their lengths differ)."""
    width = max((len(r) for r in cells), default=0)
    if all(len(r) == width for r in cells):
        grid = np.empty((len(cells), width), dtype=object)
        if cells and width:
            grid[:] = cells
        return grid
    grid = np.full((len(cells), width), "", dtype=object)
    for i, row in enumerate(cells):  # ragged rows only (the fallback reader)
        grid[i, :len(row)] = row
    return grid


class _Sheet:
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
        return f"{self.raw.file}!{self.raw.name}!{_LETTERS[col + self.c0]}{row + self.r0 + 1}"

    def text(self, row: int, col: int) -> str:
        value = self.grid[row, col]
        return "" if value == "" or value is None else _norm(value)

    def fill_merged(self, last_row: int) -> None:
        for (r1, c1), (r2, c2) in self.raw.merged:
            r1, r2, c1, c2 = r1 - self.r0, r2 - self.r0, c1 - self.c0, c2 - self.c0
            if r1 < 0 or c1 < 0 or r1 > last_row:
                continue
            self.grid[r1:min(r2, last_row) + 1, c1:c2 + 1] = self.grid[r1, c1]

    def find_header(self) -> None:
        """The first row (of the first 20) naming a person column and one more known column
        or a date; the rows above it are the title."""
        for r in range(min(20, self.grid.shape[0])):
            fields: dict[str, int] = {}
            for c in range(self.grid.shape[1]):
                field = _FIELD.get(self.text(r, c))
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
        filled = (block != "").any(axis=1)
        first = block[:, 0].copy()
        for j in range(1, min(3, block.shape[1])):
            first = np.where(first == "", block[:, j], first)
        head = np.strings.lstrip(first.astype(str)).astype(f"U{_NOTE_WIDTH}")  # cut to width
        notes = np.zeros(len(block), dtype=bool)
        for prefix in _NOTE_PREFIXES:
            notes |= head.astype(f"U{len(prefix)}") == prefix
        for field in ("name", "member_id"):
            if field in self.fields:
                person = np.strings.strip(block[:, self.fields[field]].astype(str))
                for total in _TOTAL_ROWS:
                    notes |= person == total
        return np.flatnonzero(filled & ~notes) + start


def _kind(sheet: _Sheet, dated: bool) -> str:
    fields = sheet.fields
    if "status" in fields or ("date" in fields and "activity" in fields):
        return "list"
    if "result" in fields:
        return "appraisal"
    if "item" in fields:
        return "log"
    if dated:
        return "matrix"
    if {"branch", "category", "joined", "left"} & set(fields):
        return "roster"
    return "unknown"




class FileScan:
    """What one workbook holds, ready to merge: picklable, no per-cell Python objects for
    matrix cells.

    ``sheets``: ``(file, sheet name, first row, first column)`` per sheet used (local sheet
    numbers index it); ``hints``: the normalised title, sheet name and file name of each
    sheet (where a branch name may be written); ``parts``: column arrays per table kind
    (``roster``, ``people``, ``attendance``, ``list``, ``log``, ``appraisal``) with local
    sheet and person numbers; ``activities``: the names ``attendance["activity"]`` codes
    index; ``cell_issues``: ``(code, message, address)``.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.sha256 = ""
        self.sheets: list[tuple[str, str, int, int]] = []
        self.hints: list[str] = []
        self.parts: dict[str, list[dict[str, np.ndarray]]] = {
            k: [] for k in ("roster", "people", "attendance", "list", "log", "appraisal")}
        self.activities: list[str] = []
        self.cell_issues: list[tuple[str, str, str]] = []
        self.n_people = 0
        #: ``file!sheet!A1`` of every matrix cell, parts in order, each part row by row.
        self.cell_sources: pa.Array = pa.array([], pa.string())


def intern(name: str, codes: dict[str, int], names: list[str]) -> int:
    """The number of ``name`` in ``names``, appending it the first time it is seen."""
    code = codes.get(name)
    if code is None:
        code = codes[name] = len(names)
        names.append(name)
    return code


def status_codes(marks: np.ndarray, vocabulary: Mapping[str, str]) -> np.ndarray:
    """Marks → int8 :data:`STATUS_CODES` indices (-1 where the vocabulary has no such mark),
    looking up each distinct mark once."""
    if not len(marks):
        return np.zeros(0, "int8")
    codes, uniques = pd.factorize(marks, use_na_sentinel=False)
    looked = np.empty(len(uniques), dtype="int8")
    for i, value in enumerate(uniques):
        key = "" if value is None else _norm(value)
        status = "blank" if key == "" else vocabulary.get(key)
        looked[i] = _STATUS_INDEX[status] if status is not None else -1
    return looked[codes]


def id_text(value: object) -> str:
    """A 党员编号 as text (Excel numbers lose their ".0"), normalised; "" when empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_name(value)


def per_value(values: np.ndarray, convert: Callable[[Any], str]) -> np.ndarray:
    """``convert`` applied once per distinct value, spread back as an object array of text:
    :func:`points.text.per_distinct` without Arrow, whose string arrays the scans (which may
    run in forked workers) leave to the merge."""
    if not len(values):
        return np.array([], dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    done = np.empty(len(uniques), dtype=object)
    done[:] = [convert(v) for v in uniques]
    return done[codes]


def join_addresses(prefixes: list[str], codes: np.ndarray, number: np.ndarray) -> pa.Array:
    """``prefixes[codes] + str(number)`` for every cell: Arrow takes and joins them."""
    digits = pa.array([str(i) for i in range(int(number.max(initial=0)) + 1)])
    return pc.binary_join_element_wise(pa.array(prefixes, pa.string()).take(pa.array(codes)),
                                       digits.take(pa.array(number)), "")


def column_prefixes(sheets: list[tuple[str, str, int, int]], sheet: np.ndarray,
                    column: np.ndarray) -> list[str]:
    """``file!sheet!C`` for each (sheet number, grid column)."""
    c0 = np.array([s[3] for s in sheets], dtype="int64")
    return [f"{sheets[s][0]}!{sheets[s][1]}!{_LETTERS[c]}"
            for s, c in zip(sheet.tolist(), (column + c0[sheet]).tolist(), strict=True)]


def rectangle_index(parts: list[dict[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """For every cell of the matrix parts (each part row by row): its index into the parts'
    concatenated ``rows`` and into their concatenated ``cols``."""
    n_rows = np.array([len(p["rows"]) for p in parts], dtype="int64")
    n_cols = np.array([len(p["cols"]) for p in parts], dtype="int64")
    cells = n_rows * n_cols
    width = np.repeat(n_cols, cells)
    k = np.arange(int(cells.sum()), dtype="int64") - np.repeat(np.cumsum(cells) - cells, cells)
    return (np.repeat(np.cumsum(n_rows) - n_rows, cells) + k // width,
            np.repeat(np.cumsum(n_cols) - n_cols, cells) + k % width)


def rectangle_sources(parts: list[dict[str, np.ndarray]],
                      sheets: list[tuple[str, str, int, int]]) -> pa.Array:
    """The address of every cell of the matrix parts (each part row by row)."""
    sheet = np.concatenate([p["sheet"] for p in parts])
    n_rows = np.array([len(p["rows"]) for p in parts], dtype="int64")
    n_cols = np.array([len(p["cols"]) for p in parts], dtype="int64")
    prefixes = column_prefixes(sheets, np.repeat(sheet, n_cols),
                               np.concatenate([p["cols"] for p in parts]))
    r0 = np.array([s[2] for s in sheets], dtype="int64")
    first_row = np.concatenate([p["rows"] for p in parts]) + r0[np.repeat(sheet, n_rows)] + 1
    r, c = rectangle_index(parts)
    return join_addresses(prefixes, c, first_row[r])


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: reading makes millions of short-lived cell
    objects and no reference cycles, and the collector's passes over them cost a third of
    the time. Reference counting still frees everything; the previous state is restored."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def scan_file(path: str, vocabulary: Mapping[str, str], activity_names: Mapping[str, str],
              year: int | None) -> FileScan:
    """Read one workbook and scan its sheets (the unit of work of a worker process)."""
    with no_gc():
        data = Path(path).read_bytes() if Path(path).is_file() else b""
        raws = read_sheets(path)
        scan = _Scanner(FileScan(path), dict(vocabulary), dict(activity_names), year).run(raws)
        scan.sha256 = hashlib.sha256(data).hexdigest()
    return scan


class _Scanner:
    """Fills a :class:`FileScan` sheet by sheet."""

    def __init__(self, scan: FileScan, vocabulary: dict[str, str], names: dict[str, str],
                 year: int | None) -> None:
        self.scan = scan
        self.vocabulary = vocabulary
        self.activity_names = names
        self.year = year
        self.activity_code: dict[str, int] = {}

    def run(self, raws: list[RawSheet]) -> FileScan:
        for raw in raws:
            if not any(v != "" for row in raw.cells for v in row):
                continue  # an empty sheet (Sheet2, Sheet3) is not data
            sheet = _Sheet(raw, len(self.scan.sheets), self.year)
            self.scan.sheets.append((raw.file, raw.name, sheet.r0, sheet.c0))
            sheet.find_header()
            self.scan.hints.append(normalize_name(sheet.title + raw.name + raw.file))
            kind = "unknown"
            if sheet.header >= 0:
                sheet.fill_merged(sheet.header + 2)
                sheet.dates = self._date_columns(sheet)
                kind = _kind(sheet, sheet.dates is not None)
            if kind == "unknown":
                self._issue("unknown_sheet", "无法识别此工作表（找不到“姓名/党员编号”等表头），未读取",
                            sheet.address(0, 0))
                continue
            missing = [f for f in _REQUIRED.get(kind, ()) if f not in sheet.fields]
            if missing:
                self._missing(sheet, missing)
            else:
                getattr(self, f"_{kind}")(sheet)
        if self.scan.parts["attendance"]:
            self.scan.cell_sources = rectangle_sources(self.scan.parts["attendance"],
                                                       self.scan.sheets)
        for kind in ("roster", "people"):  # one part per file, its texts normalised here
            parts = self.scan.parts[kind]
            if parts:
                whole = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
                whole["member_id"] = per_value(whole["member_id"], id_text)
                for field in ("name", "branch", "category"):
                    if field in whole:
                        whole[field] = per_value(whole[field], cell_text)
                self.scan.parts[kind] = [whole]
        return self.scan

    def _missing(self, sheet: _Sheet, missing: list[str]) -> None:
        present = [t for t in (sheet.text(sheet.header, c) for c in range(sheet.grid.shape[1]))
                   if t]
        text = "；".join(f"缺少“{HEADERS[f][0]}”列{suggestion_zh(HEADERS[f][0], present)}"
                        for f in missing)
        self.scan.cell_issues.append(("missing_column", text + "，此工作表未读取",
                                      sheet.address(sheet.header, 0)))

    def _column(self, sheet: _Sheet, field: str, rows: np.ndarray) -> np.ndarray:
        if field not in sheet.fields:
            return np.full(len(rows), "", dtype=object)
        return sheet.grid[rows, sheet.fields[field]]

    # -- roster ----------------------------------------------------------------------------
    def _roster(self, sheet: _Sheet) -> None:
        rows = sheet.data_rows(sheet.header + 1)
        part = {f: self._column(sheet, f, rows)
                for f in ("member_id", "name", "branch", "category", "joined", "left")}
        part.update(sheet=np.full(len(rows), sheet.number), row=rows,
                    col=np.full(len(rows), sheet.fields["name"]),
                    joined_col=np.full(len(rows), sheet.fields.get("joined", 0)),
                    left_col=np.full(len(rows), sheet.fields.get("left", 0)))
        self.scan.parts["roster"].append(part)

    # -- people: the rows of every other sheet ------------------------------------------
    def _people(self, sheet: _Sheet, rows: np.ndarray) -> np.ndarray:
        """Register the data rows' persons; return their (local) numbers for the parts.
        Without a 支部 column the branch is guessed later from the sheet's hint."""
        person = sheet.fields.get("name", sheet.fields.get("member_id", 0))
        self.scan.parts["people"].append({
            "member_id": self._column(sheet, "member_id", rows),
            "name": self._column(sheet, "name", rows),
            "branch": self._column(sheet, "branch", rows),
            "guess": np.full(len(rows), "branch" not in sheet.fields),
            "sheet": np.full(len(rows), sheet.number), "row": rows,
            "col": np.full(len(rows), person)})
        first = self.scan.n_people
        self.scan.n_people += len(rows)
        return np.arange(first, self.scan.n_people)

    # -- sheet kinds -----------------------------------------------------------------------
    def _date_columns(self, sheet: _Sheet) -> dict[str, Any] | None:
        """The row of dates (the header, or the row below or above it) and its columns."""
        h = sheet.header
        known = set(sheet.fields.values())
        cols = [c for c in range(sheet.grid.shape[1])
                if c not in known and sheet.text(h, c) not in _SKIP]
        best: dict[str, Any] | None = None
        for r in (h, h + 1, h - 1):
            if r < 0 or r >= sheet.grid.shape[0] or not cols:
                continue
            parsed = [parse_one(sheet.grid[r, c], sheet.year) for c in cols]
            n = sum(p[2] == "ok" for p in parsed)
            if n and (best is None or n > best["n"]):
                best = {"row": r, "parsed": parsed, "n": n, "cols": cols}
        return best

    def _matrix(self, sheet: _Sheet) -> None:
        info = sheet.dates
        assert info is not None
        date_row, cols, parsed = info["row"], info["cols"], info["parsed"]
        names = self.activity_names
        activity = [""] * len(cols)
        act_row = -1
        for r in (date_row - 1, date_row + 1):
            if r < max(0, sheet.header - 1) or r >= sheet.grid.shape[0]:
                continue
            texts = [sheet.text(r, c) for c in cols]
            if any(t in names for t in texts):
                activity, act_row = texts, r
                break
        fallback = _find_activity(names, sheet.raw.name, sheet.title) or ""
        activity = [a or p[1] or fallback for a, p in zip(activity, parsed, strict=True)]
        start = max(sheet.header, date_row, act_row) + 1
        rows = sheet.data_rows(start)
        used = []
        filled = (sheet.grid[np.ix_(rows, cols)] != "").any(axis=0) if len(rows) \
            else np.zeros(len(cols), dtype=bool)
        for c, (date, _, verdict), act, has_data in zip(cols, parsed, activity, filled.tolist(),
                                                        strict=True):
            if verdict == "ok" and act:
                used.append((c, date, act))
                continue
            where = sheet.address(date_row, c)
            if verdict in ("bad", "noyear"):
                self._issue("bad_date", f"无法识别的日期表头“{sheet.grid[date_row, c]}”，此列未"
                                "读取（请写成 2024-03-15 或 3月15日，并在标题或文件名中写明年份）", where)
            elif verdict == "none":
                if has_data:
                    self._issue("unknown_column", f"无法识别的列“{sheet.grid[sheet.header, c]}”"
                                    "（不是日期），此列未读取", sheet.address(sheet.header, c))
            else:  # a date, but no activity
                self._issue("unknown_activity", "无法确定此列的活动类型（表头、工作表名和标题中"
                                "都没有活动名称），此列未读取", where)
        if not len(rows) or not used:
            return
        use_cols = np.array([u[0] for u in used], dtype="int64")
        people = self._people(sheet, rows)
        marks = sheet.grid[np.ix_(rows, use_cols)].ravel()
        status = status_codes(marks, self.vocabulary)
        # one rectangle per sheet: per-row and per-column facts once, a status per cell
        self.scan.parts["attendance"].append({
            "sheet": np.array([sheet.number]), "person": people, "rows": rows,
            "cols": use_cols, "dates": np.array([u[1] for u in used], dtype="datetime64[us]"),
            "activity": np.array([self._activity(u[2]) for u in used], dtype="int32"),
            "status": status, "unknown": marks[status < 0]})  # the marks behind the -1 codes

    def _activity(self, name: str) -> int:
        return intern(name, self.activity_code, self.scan.activities)

    def _issue(self, code: str, message: str, address: str) -> None:
        self.scan.cell_issues.append((code, message, address))

    def _listed(self, sheet: _Sheet, table: str, anchor: str, fields: tuple[str, ...]) -> None:
        rows = sheet.data_rows(sheet.header + 1)
        part = {f: self._column(sheet, f, rows) for f in fields}
        part.update(person=self._people(sheet, rows), sheet=np.full(len(rows), sheet.number),
                    row=rows, col=np.full(len(rows), sheet.fields[anchor]),
                    year=np.full(len(rows), sheet.year or 0),
                    date_col=np.full(len(rows), sheet.fields.get("date", 0)))
        if table == "log":
            header = (sheet.text(sheet.header, sheet.fields["item"]) + sheet.raw.name + sheet.title)
            bonus = any(w in header for w in ("加分", "先锋", "示范")) and not any(
                w in header for w in ("扣分", "负面"))
            part["bonus_sheet"] = np.full(len(rows), bonus)
        if table == "list":
            part["status_code"] = status_codes(part["status"], self.vocabulary)
        self.scan.parts[table].append(part)

    def _list(self, sheet: _Sheet) -> None:
        self._listed(sheet, "list", "status", ("date", "activity", "status"))

    def _log(self, sheet: _Sheet) -> None:
        self._listed(sheet, "log", "item", ("date", "item"))

    def _appraisal(self, sheet: _Sheet) -> None:
        self._listed(sheet, "appraisal", "result", ("result",))


def _find_activity(names: dict[str, str], *texts: str) -> str | None:
    for text in texts:
        key = normalize_name(text)
        found = [alias for alias in names if alias and alias in key]
        if found:
            return names[max(found, key=len)]
    return None
