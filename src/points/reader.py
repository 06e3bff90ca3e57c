"""``points.read_workbooks``: the workbooks branches keep → canonical :class:`Records`.

Each sheet's kind is recognised by its header row (found below any title rows), then by its
name: roster (党员名册), attendance matrix (签到表), attendance list, negative-list or bonus log,
appraisal results. Every cell that cannot be used becomes a data issue with its
``file!sheet!A1`` address; nothing is dropped silently and the files are only read.

Per-sheet work is on whole columns and blocks (numpy/pandas); Python loops run over sheets,
header cells and distinct values only.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dates import parse_dates, parse_one, year_in
from .issues import concat_issues, make_issues
from .loader import default_ruleset
from .model import Ruleset
from .records import Records
from .text import (
    column_letter,
    map_names,
    normalize_name,
    normalize_series,
    per_distinct,
    suggestion_zh,
)
from .workbook import RawSheet, read_sheets

__all__ = ["HEADERS", "ReaderError", "read_workbooks"]

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
_TOTAL_ROWS = {"合计", "小计", "总计", "平均", "出勤率"}
_REQUIRED = {"roster": ("name",), "list": ("date", "activity", "status"),
             "log": ("date", "item"), "appraisal": ("result",)}


_LETTERS = np.array([column_letter(i) for i in range(16384)], dtype=object)


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
        first = np.strings.lstrip(first.astype(str))
        notes = np.zeros(len(block), dtype=bool)
        for prefix in _NOTE_PREFIXES:
            notes |= np.strings.startswith(first, prefix)
        totals = np.zeros(len(block), dtype=bool)
        for field in ("name", "member_id"):
            if field in self.fields:
                person = np.strings.strip(block[:, self.fields[field]].astype(str))
                totals |= np.isin(person, list(_TOTAL_ROWS))
        return np.flatnonzero(filled & ~notes & ~totals) + start


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


def _ids(values: pd.Series) -> pd.Series:
    """党员编号 as text, once per distinct value (Excel numbers lose their ".0")."""
    return per_distinct(values, _id_text)


def _id_text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_name(value)


class _Reader:
    """Reads sheet by sheet into column arrays; every table is then built, checked and
    addressed once for all sheets."""

    def __init__(self, ruleset: Ruleset, year: int | None) -> None:
        self.rs = ruleset
        self.year = year
        self.sheets: list[_Sheet] = []
        self.cell_issues: list[tuple[str, str, str]] = []
        self.issues: list[pd.DataFrame] = []
        self.parts: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("roster", "people", "attendance", "list", "log", "appraisal")}
        self.n_people = 0
        self.activity_names = ruleset.activity_names()
        self.branch_re: re.Pattern[str] | None = None

    # -- issues and addresses --------------------------------------------------------------
    def cell_issue(self, code: str, message: str, source: str) -> None:
        self.cell_issues.append((code, message, source))

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
        r0 = np.array([s.r0 for s in self.sheets], dtype="int64")
        c0 = np.array([s.c0 for s in self.sheets], dtype="int64")
        number = (row + r0[sheet] + 1).astype("int64")
        key = sheet.astype("int64") * 16384 + col + c0[sheet]
        codes, uniques = pd.factorize(key)
        prefixes = [f"{self.sheets[k // 16384].raw.file}!{self.sheets[k // 16384].raw.name}!"
                    f"{_LETTERS[k % 16384]}" for k in uniques.tolist()]
        digits = pa.array([str(i) for i in range(int(number.max(initial=0)) + 1)])
        joined = pc.binary_join_element_wise(pa.array(prefixes, pa.string()).take(pa.array(codes)),
                                             digits.take(pa.array(number)), "")
        return pd.Series(pd.arrays.ArrowStringArray(joined))

    # -- dispatch --------------------------------------------------------------------------
    def read(self, raws: list[RawSheet]) -> Records:
        kinds = []
        for raw in raws:
            if not any(v != "" for row in raw.cells for v in row):
                continue  # an empty sheet (Sheet2, Sheet3) is not data
            sheet = _Sheet(raw, len(self.sheets), self.year)
            self.sheets.append(sheet)
            sheet.find_header()
            if sheet.header < 0:
                kinds.append("unknown")
                continue
            sheet.fill_merged(sheet.header + 2)
            sheet.dates = self._date_columns(sheet)
            kinds.append(_kind(sheet, sheet.dates is not None))
        for sheet, kind in zip(self.sheets, kinds, strict=True):
            if kind == "roster":
                self._roster(sheet)
        roster = self._build_roster()
        branches = sorted({b for b in roster["branch"].dropna() if b}, key=len, reverse=True)
        if branches:
            self.branch_re = re.compile("|".join(re.escape(b) for b in branches))
        for sheet, kind in zip(self.sheets, kinds, strict=True):
            if kind == "unknown":
                self.cell_issue("unknown_sheet", "无法识别此工作表（找不到“姓名/党员编号”等表头），"
                                "未读取", sheet.address(0, 0))
            elif kind != "roster":
                missing = [f for f in _REQUIRED.get(kind, ()) if f not in sheet.fields]
                if missing:
                    self._missing(sheet, missing)
                else:
                    getattr(self, f"_{kind}")(sheet)
        ids = self._resolve(roster)
        tables = self._build_tables(ids)
        if self.cell_issues:
            cells = pd.DataFrame(self.cell_issues, columns=["code", "message", "source"])
            for code, group in cells.groupby("code", sort=True):
                self.issues.append(make_issues(str(code), group["message"], group["source"]))
        return Records.from_frames(roster=roster, **tables, issues=concat_issues(self.issues))

    def _missing(self, sheet: _Sheet, missing: list[str]) -> None:
        present = [t for t in (sheet.text(sheet.header, c) for c in range(sheet.grid.shape[1]))
                   if t]
        text = "；".join(f"缺少“{HEADERS[f][0]}”列{suggestion_zh(HEADERS[f][0], present)}"
                        for f in missing)
        self.cell_issue("missing_column", text + "，此工作表未读取", sheet.address(sheet.header, 0))

    def _column(self, sheet: _Sheet, field: str, rows: np.ndarray) -> np.ndarray:
        if field not in sheet.fields:
            return np.full(len(rows), "", dtype=object)
        return sheet.grid[rows, sheet.fields[field]]

    # -- roster ----------------------------------------------------------------------------
    def _roster(self, sheet: _Sheet) -> None:
        if "name" not in sheet.fields:
            self._missing(sheet, ["name"])
            return
        rows = sheet.data_rows(sheet.header + 1)
        part = {f: self._column(sheet, f, rows)
                for f in ("member_id", "name", "branch", "category", "joined", "left")}
        part.update(sheet=np.full(len(rows), sheet.number), row=rows,
                    col=np.full(len(rows), sheet.fields["name"]),
                    joined_col=np.full(len(rows), sheet.fields.get("joined", 0)),
                    left_col=np.full(len(rows), sheet.fields.get("left", 0)))
        self.parts["roster"].append(part)

    def _build_roster(self) -> pd.DataFrame:
        columns = ["member_id", "name", "branch", "category", "joined", "left", "source"]
        if not self.parts["roster"]:
            raise ReaderError("没有找到党员名册：请把名册（含“姓名”“所在支部”“党员类别”等列）一并读入")
        raw = _concat(self.parts["roster"])
        out = pd.DataFrame({
            "member_id": _ids(pd.Series(raw["member_id"], dtype=object)),
            "name": normalize_series(pd.Series(raw["name"], dtype=object)),
            "branch": normalize_series(pd.Series(raw["branch"], dtype=object)),
            "category": normalize_series(pd.Series(raw["category"], dtype=object)),
            "source": self.addresses(raw["sheet"], raw["row"], raw["col"]),
        })
        for field in ("joined", "left"):
            values = pd.Series(raw[field], dtype=object)
            parsed = parse_dates(values, None)
            out[field] = parsed["date"].to_numpy()
            bad = ((parsed["verdict"] != "ok") & (values != "")).to_numpy()
            if bad.any():
                self.issue("bad_date", "无法识别的日期“" + values[bad].astype(str) + "”，按空白处理",
                           self.addresses(raw["sheet"][bad], raw["row"][bad],
                                          raw[f"{field}_col"][bad]))
        out = out[out["name"] != ""]
        out["category"] = out["category"].replace("", None)
        no_id = out["member_id"] == ""
        out["member_id"] = out["member_id"].where(~no_id, out["branch"] + "/" + out["name"])
        dup = out["member_id"].duplicated(keep="first") & ~no_id
        if dup.any():
            again = out[dup]
            self.issue("duplicate_member", "党员编号“" + again["member_id"] + "”在名册中重复，只用第一行",
                       again["source"], again["member_id"])
            out = out[~dup]
        twin = out["member_id"].duplicated(keep=False)  # same name, same branch, no 党员编号
        out.loc[twin, "member_id"] = (out.loc[twin, "member_id"] + "#"
                                      + out.loc[twin, "source"].str.extract(r"(\d+)$")[0])
        return out[columns].reset_index(drop=True)

    # -- people: the rows of every other sheet ------------------------------------------
    def _people(self, sheet: _Sheet, rows: np.ndarray) -> np.ndarray:
        """Register the data rows' persons; return their numbers for the record parts."""
        branch = self._column(sheet, "branch", rows)
        if "branch" not in sheet.fields and self.branch_re is not None:
            found = self.branch_re.search(normalize_name(sheet.title + sheet.raw.name
                                                         + sheet.raw.file))
            branch = np.full(len(rows), found.group(0) if found else "", dtype=object)
        person = sheet.fields.get("name", sheet.fields.get("member_id", 0))
        self.parts["people"].append({
            "member_id": self._column(sheet, "member_id", rows),
            "name": self._column(sheet, "name", rows), "branch": branch,
            "sheet": np.full(len(rows), sheet.number), "row": rows,
            "col": np.full(len(rows), person)})
        first = self.n_people
        self.n_people += len(rows)
        return np.arange(first, self.n_people)

    def _resolve(self, roster: pd.DataFrame) -> pd.Series:
        """Member id per person row: the 党员编号, else the name (within the branch when known)."""
        if not self.parts["people"]:
            return pd.Series(dtype="string")
        raw = _concat(self.parts["people"])
        ids = _ids(pd.Series(raw["member_id"], dtype=object))
        names = normalize_series(pd.Series(raw["name"], dtype=object))
        branch = normalize_series(pd.Series(raw["branch"], dtype=object))
        need = ((ids == "") & (names != "")).to_numpy()
        rows = pd.DataFrame({"person": np.flatnonzero(need), "name": names[need].to_numpy(),
                             "branch": branch[need].to_numpy()})
        known = roster[["member_id", "name", "branch"]].rename(columns={"branch": "home"})
        match = rows.merge(known, on="name", how="inner")
        match = match[(match["branch"] == "") | (match["branch"] == match["home"])]
        count = match.groupby("person").size().reindex(rows["person"], fill_value=0)
        single = match[match["person"].isin(count.index[count.to_numpy() == 1])]
        ids.iloc[single["person"].to_numpy()] = single["member_id"].to_numpy()
        source = self.addresses(raw["sheet"], raw["row"], raw["col"])
        for code, mask, head, tail in (
                ("unknown_member", count.to_numpy() == 0, "名册中没有", "，此行记录未计分"),
                ("ambiguous_name", count.to_numpy() > 1, "名册中有多名",
                 "，无法确定是谁，请填写党员编号；此行记录未计分")):
            at = count.index[mask].to_numpy()
            if len(at):
                where = ("（" + branch.iloc[at] + "）").where(branch.iloc[at] != "", "")
                self.issue(code, head + "“" + names.iloc[at] + "”" + where + tail, source.iloc[at])
        return ids.mask(ids == "")

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
        for c, (date, _, verdict), act in zip(cols, parsed, activity, strict=True):
            has_data = bool(len(rows)) and bool((sheet.grid[rows, c] != "").any())
            where = sheet.address(date_row, c)
            if verdict in ("bad", "noyear"):
                self.cell_issue("bad_date", f"无法识别的日期表头“{sheet.grid[date_row, c]}”，此列未"
                                "读取（请写成 2024-03-15 或 3月15日，并在标题或文件名中写明年份）", where)
            elif verdict == "none":
                if has_data:
                    self.cell_issue("unknown_column", f"无法识别的列“{sheet.grid[sheet.header, c]}”"
                                    "（不是日期），此列未读取", sheet.address(sheet.header, c))
            elif not act:
                self.cell_issue("unknown_activity", "无法确定此列的活动类型（表头、工作表名和标题中"
                                "都没有活动名称），此列未读取", where)
            else:
                used.append((c, date, act))
        if not len(rows) or not used:
            return
        use_cols = np.array([u[0] for u in used], dtype="int64")
        people = self._people(sheet, rows)
        n_rows, n_cols = len(rows), len(used)
        self.parts["attendance"].append({
            "person": np.repeat(people, n_cols),
            "date": np.tile(np.array([u[1] for u in used], dtype="datetime64[us]"), n_rows),
            "activity": np.tile(np.array([u[2] for u in used], dtype=object), n_rows),
            "mark": sheet.grid[np.ix_(rows, use_cols)].ravel(),
            "sheet": np.full(n_rows * n_cols, sheet.number),
            "row": np.repeat(rows, n_cols), "col": np.tile(use_cols, n_rows)})

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
        self.parts[table].append(part)

    def _list(self, sheet: _Sheet) -> None:
        self._listed(sheet, "list", "status", ("date", "activity", "status"))

    def _log(self, sheet: _Sheet) -> None:
        self._listed(sheet, "log", "item", ("date", "item"))

    def _appraisal(self, sheet: _Sheet) -> None:
        self._listed(sheet, "appraisal", "result", ("result",))

    # -- tables ----------------------------------------------------------------------------
    def _build_tables(self, ids: pd.Series) -> dict[str, pd.DataFrame | None]:
        id_array = ids.astype("string").array
        out: dict[str, pd.DataFrame | None] = {}
        frames = []
        if self.parts["attendance"]:
            raw = _concat(self.parts["attendance"])
            frames.append(pd.DataFrame({
                "member_id": pd.Series(id_array.take(raw["person"])),
                "date": raw["date"], "activity": _strings(raw["activity"]),
                "mark": raw["mark"], "source": self.addresses(raw["sheet"], raw["row"],
                                                              raw["col"])}))
        if self.parts["list"]:
            raw = _concat(self.parts["list"])
            frame, ok = self._dated(raw, id_array)
            frame["activity"] = normalize_series(pd.Series(raw["activity"], dtype=object))
            frame["mark"] = raw["status"]
            frames.append(frame[ok])
        out["attendance"] = self._statuses(pd.concat(frames, ignore_index=True)) if frames \
            else None
        out["negatives"] = out["bonuses"] = None
        if self.parts["log"]:
            raw = _concat(self.parts["log"])
            frame, ok = self._dated(raw, id_array)
            item = normalize_series(pd.Series(raw["item"], dtype=object))
            frame["item"] = item
            negative = map_names(item, self.rs.item_names("negative")).notna().to_numpy()
            bonus = map_names(item, self.rs.item_names("bonus")).notna().to_numpy()
            is_bonus = bonus | (~negative & raw["bonus_sheet"].astype(bool))
            out["bonuses"] = frame[ok & is_bonus]
            out["negatives"] = frame[ok & ~is_bonus]
        out["appraisals"] = None
        if self.parts["appraisal"]:
            raw = _concat(self.parts["appraisal"])
            frame = pd.DataFrame({
                "member_id": pd.Series(id_array.take(raw["person"])),
                "result": normalize_series(pd.Series(raw["result"], dtype=object)),
                "source": self.addresses(raw["sheet"], raw["row"], raw["col"])})
            out["appraisals"] = frame[frame["member_id"].notna()]
        return out

    def _dated(self, raw: dict[str, np.ndarray], ids: Any) -> tuple[pd.DataFrame,
                                                                              np.ndarray]:
        values = pd.Series(raw["date"], dtype=object)
        parsed = parse_dates(values, None)
        noyear = (parsed["verdict"] == "noyear").to_numpy() & (raw["year"] > 0)
        if noyear.any():  # day-and-month texts: the sheet's year (title, sheet or file name)
            for year in np.unique(raw["year"][noyear]):
                at = noyear & (raw["year"] == year)
                parsed.loc[at] = parse_dates(values[at], int(year)).to_numpy()
        frame = pd.DataFrame({"member_id": pd.Series(ids.take(raw["person"])),
                              "date": parsed["date"].astype("datetime64[us]"),
                              "source": self.addresses(raw["sheet"], raw["row"], raw["col"])})
        bad = (parsed["verdict"] != "ok").to_numpy()
        if bad.any():
            self.issue("bad_date", "无法识别的日期“" + values[bad].astype(str) + "”，此记录未计分",
                       self.addresses(raw["sheet"][bad], raw["row"][bad], raw["date_col"][bad]))
        return frame, ~bad & frame["member_id"].notna().to_numpy()

    def _statuses(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[frame["member_id"].notna().to_numpy()]
        codes, uniques = pd.factorize(frame["mark"].astype(object), use_na_sentinel=False)
        vocabulary = self.rs.marks.vocabulary
        looked = [("blank" if _norm(v) == "" else vocabulary.get(_norm(v))) if v is not None
                  else "blank" for v in uniques]
        status = pd.Series(pd.Series(looked, dtype="string").take(codes).to_numpy(),
                           index=frame.index, dtype="string")
        unknown = status.isna().to_numpy()
        if unknown.any():
            bad = frame[unknown]
            self.issue("unknown_mark", "无法识别的签到符号“" + bad["mark"].astype(str)
                       + "”，此记录未计分（可在规则的 [marks] 中补充）", bad["source"], bad["member_id"])
        return frame.assign(status=status)[~unknown][["member_id", "date", "activity", "status",
                                                      "source"]]


def _strings(values: np.ndarray) -> pd.Series:
    """Object values as a string Series, converting each distinct value once."""
    return per_distinct(pd.Series(values, dtype=object), lambda v: None if v is None else str(v))


def _concat(parts: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _find_activity(names: dict[str, str], *texts: str) -> str | None:
    for text in texts:
        key = normalize_name(text)
        found = [alias for alias in names if alias and alias in key]
        if found:
            return names[max(found, key=len)]
    return None


class ReaderError(ValueError):
    """The files hold no roster (or nothing at all) to read records against."""


def read_workbooks(paths: str | Path | Iterable[str | Path], ruleset: Ruleset | None = None, *,
                   year: int | None = None) -> Records:
    """Read one or many ``.xlsx`` files into canonical :class:`~points.Records`.

    The roster, sign-in sheets and logs may be spread over several files and sheets; each
    sheet's kind is recognised by its header row. Marks go through the ruleset's vocabulary
    and activity names through its aliases. ``year`` is used for dates written without a
    year when neither the sheet's title, its name nor the file name gives one. Problems in
    the cells are data issues in ``Records.issues``; a file that is not a readable workbook
    raises :class:`points.WorkbookError`, and files without any roster sheet raise
    :class:`points.ReaderError`.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    ruleset = default_ruleset() if ruleset is None else ruleset
    raws: list[RawSheet] = []
    files = []
    for path in sorted({str(p) for p in paths}):
        raws.extend(read_sheets(path))
        files.append((path, hashlib.sha256(Path(path).read_bytes()).hexdigest()))
    records = _Reader(ruleset, year).read(raws)
    return attrs.evolve(records, files=tuple(files))
