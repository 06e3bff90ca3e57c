"""``points.read_workbooks``: the workbooks branches keep → canonical :class:`Records`.

Each sheet's kind is recognised by its header row (found below any title rows), then by its
name: roster (党员名册), attendance matrix (签到表), attendance list, negative-list or bonus log,
appraisal results. Every cell that cannot be used becomes a data issue with its
``file!sheet!A1`` address; nothing is dropped silently and the files are only read.

Per-sheet work is on whole columns and blocks (numpy/pandas); Python loops run over sheets,
header cells and distinct values only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .dates import parse_dates, year_in
from .issues import concat_issues, make_issues
from .loader import default_ruleset
from .model import Ruleset
from .records import Records
from .text import map_names, normalize_name, normalize_series, suggestion
from .workbook import RawSheet, read_sheets

__all__ = ["HEADERS", "read_workbooks"]

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


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


class _Sheet:
    """A sheet as a rectangular object grid with its addresses and header facts."""

    def __init__(self, raw: RawSheet, year: int | None) -> None:
        self.raw = raw
        self.grid = _grid(raw.cells)
        self.r0, self.c0 = raw.origin
        self.prefix = f"{raw.file}!{raw.name}!"
        self.header = -1
        self.fields: dict[str, int] = {}
        self.title = ""
        self.year = year

    def address(self, rows: np.ndarray | int, cols: np.ndarray | int) -> pd.Series:
        rows = np.atleast_1d(np.asarray(rows, dtype="int64"))
        cols = np.atleast_1d(np.asarray(cols, dtype="int64"))
        rows, cols = np.broadcast_arrays(rows, cols)
        width = self.grid.shape[1] + self.c0 + 1
        letters = np.array([_letters(c) for c in range(width)], dtype=object)
        text = (pd.Series(letters[cols + self.c0], dtype="string")
                + pd.Series(rows + self.r0 + 1, dtype="int64").astype("string"))
        return self.prefix + text

    def text(self, row: int, col: int) -> str:
        value = self.grid[row, col]
        return "" if value == "" or value is None else normalize_name(value)

    def fill_merged(self, last_row: int) -> None:
        for (r1, c1), (r2, c2) in self.raw.merged:
            r1, r2, c1, c2 = r1 - self.r0, r2 - self.r0, c1 - self.c0, c2 - self.c0
            if r1 < 0 or c1 < 0 or r1 > last_row:
                continue
            self.grid[r1:min(r2, last_row) + 1, c1:c2 + 1] = self.grid[r1, c1]

    def column(self, field: str, start: int) -> pd.Series:
        return pd.Series(self.grid[start:, self.fields[field]], dtype=object)


def _find_header(sheet: _Sheet) -> None:
    """The first row (of the first 20) naming a person column and one more known column or a
    date; the rows above it are the title."""
    for r in range(min(20, sheet.grid.shape[0])):
        texts = [sheet.text(r, c) for c in range(sheet.grid.shape[1])]
        fields = {_FIELD[t]: c for c, t in reversed(list(enumerate(texts))) if t in _FIELD}
        if "name" not in fields and "member_id" not in fields:
            continue
        dated = parse_dates(pd.Series(sheet.grid[r], dtype=object), 2000)["verdict"] == "ok"
        if len(fields) >= 2 or dated.any():
            sheet.header, sheet.fields = r, fields
            sheet.title = " ".join(str(v) for v in sheet.grid[:r].ravel() if v != "")
            sheet.year = (year_in(sheet.title, sheet.raw.name, sheet.raw.file)
                          or sheet.year)
            return


def _kind(sheet: _Sheet, dates: int) -> str:
    fields = sheet.fields
    if "status" in fields or ("date" in fields and "activity" in fields):
        return "list"
    if "result" in fields:
        return "appraisal"
    if "item" in fields:
        return "log"
    if dates:
        return "matrix"
    if {"branch", "category", "joined", "left"} & set(fields):
        return "roster"
    return "unknown"


def _data_rows(sheet: _Sheet, start: int, person: Iterable[int]) -> np.ndarray:
    """Rows from ``start`` that hold data: not blank, not a notes row, not a totals row."""
    block = sheet.grid[start:]
    if block.size == 0:
        return np.array([], dtype="int64")
    filled = (block != "").any(axis=1)
    first = pd.Series(block[:, 0], dtype=object)
    for j in range(1, min(3, block.shape[1])):
        first = first.where(first != "", pd.Series(block[:, j], dtype=object))
    notes = first.astype(str).str.strip().str.startswith(_NOTE_PREFIXES).to_numpy()
    person_text = pd.Series("", index=first.index, dtype=object)
    for c in person:
        person_text = person_text + pd.Series(block[:, c], dtype=object).astype(str)
    totals = normalize_series(person_text).isin(list(_TOTAL_ROWS)).to_numpy()
    return np.flatnonzero(filled & ~notes & ~totals) + start


class _Reader:
    def __init__(self, ruleset: Ruleset, year: int | None) -> None:
        self.rs = ruleset
        self.year = year
        self.issues: list[pd.DataFrame] = []
        self.tables: dict[str, list[pd.DataFrame]] = {
            k: [] for k in ("roster", "attendance", "negatives", "bonuses", "appraisals")}

    def issue(self, code: str, message: pd.Series | str, source: pd.Series,
              member: pd.Series | None = None) -> None:
        source = source.reset_index(drop=True)
        if isinstance(message, str):
            message = pd.Series(message, index=source.index, dtype="string")
        message = message.reset_index(drop=True)
        member = None if member is None else member.reset_index(drop=True)
        self.issues.append(make_issues(code, message, source, member))

    # -- dispatch ------------------------------------------------------------------------
    def read(self, raws: list[RawSheet]) -> Records:
        sheets = []
        for raw in raws:
            if not raw.cells or not any(v != "" for row in raw.cells for v in row):
                continue  # an empty sheet (Sheet2, Sheet3) is not data
            sheet = _Sheet(raw, self.year)
            _find_header(sheet)
            sheets.append(sheet)
        kinds = []
        for sheet in sheets:
            if sheet.header < 0:
                kinds.append("unknown")
                continue
            sheet.fill_merged(sheet.header + 2)
            kinds.append(_kind(sheet, self._date_columns(sheet)[1]))
        for sheet, kind in zip(sheets, kinds, strict=True):
            if kind == "roster":
                self._roster(sheet)
        roster = (pd.concat(self.tables["roster"], ignore_index=True) if self.tables["roster"]
                  else pd.DataFrame(columns=["member_id", "name", "branch", "category", "joined",
                                             "left", "source"]))
        roster = self._dedupe_roster(roster)
        self.roster = roster
        for sheet, kind in zip(sheets, kinds, strict=True):
            if kind == "unknown":
                self.issue("unknown_sheet", "无法识别此工作表（找不到“姓名/党员编号”等表头），未读取",
                           sheet.address(0, 0))
            elif kind != "roster":
                missing = [f for f in _REQUIRED.get(kind, ()) if f not in sheet.fields]
                if missing:
                    self._missing(sheet, missing)
                    continue
                getattr(self, f"_{kind}")(sheet)
        issues = concat_issues(self.issues)

        def table(key: str) -> pd.DataFrame | None:
            frames = self.tables[key]
            return pd.concat(frames, ignore_index=True) if frames else None

        return Records.from_frames(roster=roster, attendance=table("attendance"),
                                   negatives=table("negatives"), bonuses=table("bonuses"),
                                   appraisals=table("appraisals"), issues=issues)

    def _missing(self, sheet: _Sheet, missing: list[str]) -> None:
        present = [sheet.text(sheet.header, c) for c in range(sheet.grid.shape[1])]
        present = [p for p in present if p]
        text = "；".join(f"缺少“{HEADERS[f][0]}”列{suggestion(HEADERS[f][0], present)}"
                        for f in missing)
        self.issue("missing_column", text + "，此工作表未读取", sheet.address(sheet.header, 0))

    # -- members -------------------------------------------------------------------------
    def _roster(self, sheet: _Sheet) -> None:
        if "name" not in sheet.fields:
            self._missing(sheet, ["name"])
            return
        start = sheet.header + 1
        rows = _data_rows(sheet, start, [sheet.fields["name"]])
        take = rows - start
        name = sheet.column("name", start).iloc[take].pipe(normalize_series)
        out = pd.DataFrame({"name": name.to_numpy()}, dtype="string")
        out["source"] = sheet.address(rows, sheet.fields["name"]).to_numpy()
        out["member_id"] = (sheet.column("member_id", start).iloc[take].to_numpy()
                            if "member_id" in sheet.fields else "")
        out["member_id"] = _ids(pd.Series(out["member_id"], dtype=object))
        branch = _sheet_branch(sheet, None)
        out["branch"] = (sheet.column("branch", start).iloc[take].pipe(normalize_series).to_numpy()
                         if "branch" in sheet.fields else branch or "")
        out["category"] = (sheet.column("category", start).iloc[take].pipe(normalize_series)
                           .to_numpy() if "category" in sheet.fields else "")
        for field in ("joined", "left"):
            out[field] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
            if field in sheet.fields:
                values = sheet.column(field, start).iloc[take].reset_index(drop=True)
                parsed = parse_dates(values, None)
                out[field] = parsed["date"].to_numpy()
                bad = (parsed["verdict"] != "ok") & (values != "")
                if bad.any():
                    self.issue("bad_date", "无法识别的日期“" + values[bad].astype(str) + "”，按空白处理",
                               sheet.address(rows[bad.to_numpy()], sheet.fields[field]))
        out = out[out["name"] != ""]
        out["category"] = out["category"].replace("", None)
        self.tables["roster"].append(out)

    def _dedupe_roster(self, roster: pd.DataFrame) -> pd.DataFrame:
        roster = roster.reset_index(drop=True)
        no_id = roster["member_id"].fillna("") == ""
        synthetic = roster["branch"].fillna("") + "/" + roster["name"]
        roster["member_id"] = roster["member_id"].where(~no_id, synthetic)
        dup = roster["member_id"].duplicated(keep="first")
        if dup.any():
            bad = roster[dup & ~no_id]
            if len(bad):
                self.issue("duplicate_member", "党员编号“" + bad["member_id"] + "”在名册中重复，只用第一行",
                           bad["source"], bad["member_id"])
            roster = roster[~(dup & ~no_id)]
            twin = roster["member_id"].duplicated(keep=False) & no_id[roster.index]
            roster.loc[twin, "member_id"] = roster.loc[twin, "member_id"] + "#" + roster.loc[
                twin, "source"].str.extract(r"(\d+)$")[0]
        self.same_name = roster.groupby(["branch", "name"])["member_id"].transform("size") > 1
        return roster.reset_index(drop=True)

    def _members(self, sheet: _Sheet, rows: np.ndarray, source: pd.Series) -> pd.Series:
        """Member id of each data row: the 党员编号 column, else the name within the branch."""
        ids = (_ids(pd.Series(sheet.grid[rows, sheet.fields["member_id"]], dtype=object))
               if "member_id" in sheet.fields else pd.Series("", index=range(len(rows))))
        ids = ids.astype("string").reset_index(drop=True)
        if "name" not in sheet.fields:
            return ids
        names = pd.Series(sheet.grid[rows, sheet.fields["name"]], dtype=object).pipe(
            normalize_series).reset_index(drop=True)
        branch = (pd.Series(sheet.grid[rows, sheet.fields["branch"]], dtype=object).pipe(
            normalize_series).reset_index(drop=True)
            if "branch" in sheet.fields else pd.Series(_sheet_branch(sheet, self.roster),
                                                       index=names.index, dtype="string"))
        need = (ids == "") & (names != "")
        rows_frame = pd.DataFrame({"row": np.arange(len(names)), "name": names,
                                   "branch": branch})[need.to_numpy()]
        roster = self.roster[["member_id", "name", "branch"]].rename(
            columns={"branch": "roster_branch"})
        match = rows_frame.merge(roster, on="name", how="left")
        ok = match["member_id"].notna() & (match["branch"].isna() | (match["branch"] == "")
                                           | (match["branch"] == match["roster_branch"]))
        match = match[ok]
        count = match.groupby("row").size().reindex(rows_frame["row"], fill_value=0)
        single = match[match["row"].isin(count[count == 1].index)]
        ids.iloc[single["row"].to_numpy()] = single["member_id"].astype("string").to_numpy()  # type: ignore[call-overload]
        src = source.reset_index(drop=True)
        none = count[count == 0].index.to_numpy()
        if len(none):
            where = ("（" + branch.iloc[none] + "）").where(branch.iloc[none] != "", "")
            self.issue("unknown_member", "名册中没有“" + names.iloc[none] + "”" + where
                       + "，此行记录未计分", src.iloc[none])
        many = count[count > 1].index.to_numpy()
        if len(many):
            self.issue("ambiguous_name", "名册中有多名“" + names.iloc[many]
                       + "”，无法确定是谁，请填写党员编号；此行记录未计分", src.iloc[many])
        return ids.mask(ids == "")

    # -- sheet kinds ---------------------------------------------------------------------
    def _date_columns(self, sheet: _Sheet) -> tuple[dict[str, Any], int]:
        """Date row, dates, activity texts per candidate column of a matrix."""
        h = sheet.header
        width = sheet.grid.shape[1]
        known = set(sheet.fields.values())
        cols = np.array([c for c in range(width) if c not in known
                         and sheet.text(h, c) not in _SKIP], dtype="int64")
        if not len(cols):
            return {}, 0
        best: dict[str, Any] = {}
        for r in (h, h + 1, h - 1):
            if r < 0 or r >= sheet.grid.shape[0]:
                continue
            parsed = parse_dates(pd.Series(sheet.grid[r, cols], dtype=object), sheet.year)
            n = int((parsed["verdict"] == "ok").sum())
            if n > best.get("n", 0):
                best = {"row": r, "parsed": parsed, "n": n, "cols": cols}
        return best, best.get("n", 0)

    def _matrix(self, sheet: _Sheet) -> None:
        info, _ = self._date_columns(sheet)
        cols, parsed, date_row = info["cols"], info["parsed"].reset_index(drop=True), info["row"]
        names = self.rs.activity_names()
        # the activity row: a row next to the dates whose texts name activities
        activity = pd.Series("", index=range(len(cols)), dtype="string")
        act_row = -1
        for r in (date_row - 1, date_row + 1):
            if r < 0 or r >= sheet.grid.shape[0] or r < sheet.header - 1:
                continue
            texts = pd.Series(sheet.grid[r, cols], dtype=object).map(
                lambda v: normalize_name(v) if v != "" else "").astype("string")
            if map_names(texts, names).notna().sum() > 0:
                activity, act_row = texts, r
                break
        rest = parsed["rest"].fillna("")
        activity = activity.where(activity != "", rest)
        fallback = _find_activity(self.rs, sheet.raw.name, sheet.title)
        activity = activity.where(activity != "", fallback or "")
        ok = (parsed["verdict"] == "ok").to_numpy()
        bad = (parsed["verdict"] == "bad").to_numpy()
        start = max(sheet.header, date_row, act_row) + 1
        person = [sheet.fields[f] for f in ("name", "member_id") if f in sheet.fields]
        rows = _data_rows(sheet, start, person)
        has_data = (sheet.grid[rows][:, cols] != "").any(axis=0) if len(rows) else \
            np.zeros(len(cols), dtype=bool)
        if bad.any():
            self.issue("bad_date", "无法识别的日期表头“" + pd.Series(
                sheet.grid[date_row, cols[bad]], dtype=object).astype(str)
                + "”，此列未读取（请写成 2024-03-15 或 3月15日）", sheet.address(date_row, cols[bad]))
        other = ~ok & ~bad & has_data
        if other.any():
            header_text = pd.Series(sheet.grid[sheet.header, cols[other]], dtype=object).astype(str)
            self.issue("unknown_column", "无法识别的列“" + header_text + "”（不是日期），此列未读取",
                       sheet.address(sheet.header, cols[other]))
        no_activity = ok & (activity == "").to_numpy()
        if no_activity.any():
            self.issue("unknown_activity", "无法确定此列的活动类型（表头、工作表名和标题中都没有"
                       "活动名称），此列未读取", sheet.address(date_row, cols[no_activity]))
        use = ok & ~no_activity
        cols, dates, activity = cols[use], parsed["date"][use], activity[use]
        if not len(rows) or not len(cols):
            return
        block = sheet.grid[np.ix_(rows, cols)]
        n_rows, n_cols = block.shape
        source = sheet.address(np.repeat(rows, n_cols), np.tile(cols, n_rows))
        person_source = sheet.address(rows, person[0])
        ids = self._members(sheet, rows, person_source)
        frame = pd.DataFrame({
            "member_id": np.repeat(ids.to_numpy(), n_cols),
            "date": np.tile(dates.to_numpy(), n_rows),
            "activity": np.tile(activity.to_numpy(), n_rows),
            "mark": block.ravel(),
            "source": source.to_numpy(),
        })
        self._attendance(frame[frame["member_id"].notna().to_numpy()])

    def _attendance(self, frame: pd.DataFrame) -> None:
        status = self._statuses(frame["mark"])
        unknown = status.isna().to_numpy()
        if unknown.any():
            bad = frame[unknown]
            self.issue("unknown_mark", "无法识别的签到符号“" + bad["mark"].astype(str)
                       + "”，此记录未计分（可在规则的 [marks] 中补充）", bad["source"], bad["member_id"])
        self.tables["attendance"].append(
            frame.assign(status=status)[~unknown][["member_id", "date", "activity", "status",
                                                   "source"]])

    def _statuses(self, marks: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(marks.astype(object), use_na_sentinel=False)
        looked = [("blank" if normalize_name(v) == "" else self.rs.marks.vocabulary.get(
            normalize_name(v))) if v is not None else "blank" for v in uniques]
        return pd.Series(pd.Series(looked, dtype="string").take(codes).to_numpy(),
                         index=marks.index, dtype="string")

    def _rows(self, sheet: _Sheet, anchor: str) -> tuple[np.ndarray, pd.Series, pd.Series]:
        start = sheet.header + 1
        person = [sheet.fields[f] for f in ("name", "member_id") if f in sheet.fields]
        rows = _data_rows(sheet, start, person)
        source = sheet.address(rows, sheet.fields[anchor])
        return rows, source, self._members(sheet, rows, sheet.address(rows, person[0]))

    def _dated(self, sheet: _Sheet, rows: np.ndarray) -> tuple[pd.Series, np.ndarray]:
        values = pd.Series(sheet.grid[rows, sheet.fields["date"]], dtype=object)
        parsed = parse_dates(values, sheet.year)
        bad = (parsed["verdict"] != "ok").to_numpy()
        if bad.any():
            self.issue("bad_date", "无法识别的日期“" + values[bad].astype(str) + "”，此记录未计分",
                       sheet.address(rows[bad], sheet.fields["date"]))
        return parsed["date"].reset_index(drop=True), ~bad

    def _list(self, sheet: _Sheet) -> None:
        rows, source, ids = self._rows(sheet, "status")
        dates, ok = self._dated(sheet, rows)
        frame = pd.DataFrame({
            "member_id": ids, "date": dates,
            "activity": normalize_series(
                pd.Series(sheet.grid[rows, sheet.fields["activity"]], dtype=object)),
            "mark": pd.Series(sheet.grid[rows, sheet.fields["status"]], dtype=object),
            "source": source.reset_index(drop=True)})
        self._attendance(frame[ok & ids.notna().to_numpy()])

    def _log(self, sheet: _Sheet) -> None:
        rows, source, ids = self._rows(sheet, "item")
        dates, ok = self._dated(sheet, rows)
        item = pd.Series(sheet.grid[rows, sheet.fields["item"]], dtype=object).pipe(
            normalize_series)
        negative = map_names(item, self.rs.item_names("negative")).notna().to_numpy()
        bonus = map_names(item, self.rs.item_names("bonus")).notna().to_numpy()
        header = sheet.text(sheet.header, sheet.fields["item"]) + sheet.raw.name + sheet.title
        default_bonus = any(w in header for w in ("加分", "先锋", "示范")) and not any(
            w in header for w in ("扣分", "负面"))
        is_bonus = bonus | (~negative & default_bonus)
        frame = pd.DataFrame({"member_id": ids, "date": dates, "item": item,
                              "source": source.reset_index(drop=True)})
        keep = ok & ids.notna().to_numpy()
        self.tables["bonuses"].append(frame[keep & is_bonus])
        self.tables["negatives"].append(frame[keep & ~is_bonus])

    def _appraisal(self, sheet: _Sheet) -> None:
        rows, source, ids = self._rows(sheet, "result")
        result = pd.Series(sheet.grid[rows, sheet.fields["result"]], dtype=object).pipe(
            normalize_series)
        frame = pd.DataFrame({"member_id": ids, "result": result,
                              "source": source.reset_index(drop=True)})
        self.tables["appraisals"].append(frame[ids.notna().to_numpy()])


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


def _ids(values: pd.Series) -> pd.Series:
    """党员编号 as text, once per distinct value (Excel numbers lose their ".0")."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    done = pd.Series([_id_text(v) for v in uniques], dtype="string")
    return pd.Series(done.take(codes).to_numpy(), index=values.index, dtype="string")


def _id_text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_name(value)


def _sheet_branch(sheet: _Sheet, roster: pd.DataFrame | None) -> str | None:
    """The roster branch named in the sheet's title, its name or its file name (longest)."""
    if roster is None or roster.empty:
        return None
    text = normalize_name(sheet.title + sheet.raw.name + sheet.raw.file)
    found = [b for b in roster["branch"].dropna().unique() if b and b in text]
    return max(found, key=len) if found else None


def _find_activity(ruleset: Ruleset, *texts: str) -> str | None:
    names = ruleset.activity_names()
    for text in texts:
        key = normalize_name(text)
        found = [alias for alias in names if alias and alias in key]
        if found:
            return names[max(found, key=len)]
    return None


def read_workbooks(paths: str | Path | Iterable[str | Path], ruleset: Ruleset | None = None, *,
                   year: int | None = None) -> Records:
    """Read one or many ``.xlsx`` files into canonical :class:`~points.Records`.

    The roster, sign-in sheets and logs may be spread over several files and sheets; each
    sheet's kind is recognised by its header row. Marks go through the ruleset's vocabulary
    and activity names through its aliases. ``year`` is used for dates written without a
    year when neither the sheet's title, its name nor the file name gives one. Problems in
    the cells are data issues in ``Records.issues``; a file that is not a readable workbook
    raises :class:`points.WorkbookError`.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    ruleset = default_ruleset() if ruleset is None else ruleset
    raws: list[RawSheet] = []
    for path in sorted({str(p) for p in paths}):
        raws.extend(read_sheets(path))
    return _Reader(ruleset, year).read(raws)
