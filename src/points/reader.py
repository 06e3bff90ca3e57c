"""``points.read_workbooks``: the workbooks branches keep → canonical :class:`Records`.

Reading has two phases. :mod:`points.scan` reads each file on its own — sheet kinds, headers,
dates, marks to status codes, cell-level data issues — in worker processes when the input is
large. Here the scans are merged in file order: the roster is built, every person row is
matched to it (by 党员编号, else by name within the branch), and the tables are assembled and
addressed (``file!sheet!A1``) in whole-column operations. Nothing is dropped silently and the
files are only read.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from .dates import parse_dates
from .issues import concat_issues, make_issues
from .loader import default_ruleset
from .model import Ruleset
from .records import Records
from .scan import (
    HEADERS,
    STATUS_CODES,
    FileScan,
    column_prefixes,
    intern,
    join_addresses,
    no_gc,
    rectangle_index,
    scan_file,
)
from .text import map_names, normalize_series

__all__ = ["HEADERS", "ReaderError", "read_workbooks"]

#: Inputs at least this large (bytes, all files) are scanned by worker processes.
PARALLEL_BYTES = 4_000_000


class ReaderError(ValueError):
    """The files hold no roster (or nothing at all) to read records against."""


def _concat(parts: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


class _Reader:
    """Merges the file scans, then builds, checks and addresses every table once."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.rs = ruleset
        self.sheets: list[tuple[str, str, int, int]] = []
        self.hints: list[str] = []
        self.cell_issues: list[tuple[str, str, str]] = []
        self.issues: list[pd.DataFrame] = []
        self.parts: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("roster", "people", "attendance", "list", "log", "appraisal")}
        self.n_people = 0
        self.activities: list[str] = []
        self.activity_code: dict[str, int] = {}
        self.cell_sources: list[pa.Array] = []

    # -- merging ---------------------------------------------------------------------------
    def merge(self, scan: FileScan) -> None:
        """Append one file's scan: sheet, person and activity numbers become global."""
        sheet_offset, person_offset = len(self.sheets), self.n_people
        self.sheets += scan.sheets
        self.hints += scan.hints
        if len(scan.cell_sources):
            self.cell_sources.append(scan.cell_sources)
        self.cell_issues += scan.cell_issues
        codes = np.array([self._activity(a) for a in scan.activities], dtype="int32")
        for kind, parts in scan.parts.items():
            for part in parts:
                part = dict(part, sheet=part["sheet"] + sheet_offset)
                if "person" in part:
                    part["person"] = part["person"] + person_offset
                if kind == "attendance":
                    part["activity"] = codes[part["activity"]]
                self.parts[kind].append(part)
        self.n_people += scan.n_people

    def _activity(self, name: str) -> int:
        return intern(name, self.activity_code, self.activities)

    # -- issues and addresses --------------------------------------------------------------
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

    def _cells(self) -> pd.DataFrame:
        """The matrix rectangles expanded to one row per cell, in whole-array operations:
        ``person, date, activity, status, source`` (status as codes; the sources were made
        by the scans)."""
        parts = self.parts["attendance"]
        raw = {k: np.concatenate([p[k] for p in parts])
               for k in ("person", "dates", "activity", "status")}
        r, c = rectangle_index(parts)
        activities = pd.array(self.activities, dtype="string")
        sources = pa.chunked_array(self.cell_sources, pa.string())
        return pd.DataFrame({"person": raw["person"][r], "date": raw["dates"][c],
                             "activity": pd.Series(activities.take(raw["activity"][c])),
                             "status": raw["status"],
                             "source": pd.Series(pd.arrays.ArrowStringArray(sources))})

    # -- the whole -------------------------------------------------------------------------
    def read(self) -> Records:
        roster = self._build_roster()
        ids = self._resolve(roster)
        tables = self._build_tables(ids)
        if self.cell_issues:
            cells = pd.DataFrame(self.cell_issues, columns=["code", "message", "source"])
            for code, group in cells.groupby("code", sort=True):
                self.issues.append(make_issues(str(code), group["message"], group["source"]))
        return Records.from_frames(roster=roster, **tables, issues=concat_issues(self.issues))

    def _build_roster(self) -> pd.DataFrame:
        columns = ["member_id", "name", "branch", "category", "joined", "left", "source"]
        if not self.parts["roster"]:
            raise ReaderError("没有找到党员名册：请把名册（含“姓名”“所在支部”“党员类别”等列）一并读入")
        raw = _concat(self.parts["roster"])
        out = pd.DataFrame({
            "member_id": pd.Series(raw["member_id"], dtype="string"),  # normalised by the scans
            "name": pd.Series(raw["name"], dtype="string"),
            "branch": pd.Series(raw["branch"], dtype="string"),
            "category": pd.Series(raw["category"], dtype="string"),
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

    def _resolve(self, roster: pd.DataFrame) -> pd.Series:
        """Member id per person row: the 党员编号, else the name (within the branch when known).
        A sheet without a 支部 column takes the roster branch named in its title, sheet name
        or file name."""
        if not self.parts["people"]:
            return pd.Series(dtype="string")
        raw = _concat(self.parts["people"])
        ids = pd.Series(raw["member_id"], dtype="string")  # normalised by the scans
        names = pd.Series(raw["name"], dtype="string")
        branch = pd.Series(raw["branch"], dtype="string")
        branches = sorted({b for b in roster["branch"].dropna() if b}, key=len, reverse=True)
        if branches and raw["guess"].any():
            pattern = re.compile("|".join(re.escape(b) for b in branches))
            found = [pattern.search(hint) for hint in self.hints]
            per_sheet = np.array([m.group(0) if m else "" for m in found], dtype=object)
            guess = raw["guess"].astype(bool)
            branch = branch.where(~guess, pd.Series(per_sheet[raw["sheet"]], dtype="string"))
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

    # -- tables ----------------------------------------------------------------------------
    def _build_tables(self, ids: pd.Series) -> dict[str, pd.DataFrame | None]:
        id_array = ids.astype("string").array
        out: dict[str, pd.DataFrame | None] = {}
        frames, codes, unknown = [], [], []
        if self.parts["attendance"]:
            cells = self._cells()
            codes.append(cells["status"].to_numpy())
            member = pd.Series(id_array.take(cells["person"].to_numpy()))
            frames.append(cells.assign(member_id=member)[["member_id", "date", "activity", "source"]])
            unknown.append(np.concatenate([p["unknown"] for p in self.parts["attendance"]]))
        if self.parts["list"]:
            raw = _concat(self.parts["list"])
            frame, ok = self._dated(raw, id_array)
            frame["activity"] = normalize_series(pd.Series(raw["activity"], dtype=object))
            frames.append(frame[ok])
            codes.append(raw["status_code"][ok])
            unknown.append(raw["status"][ok & (raw["status_code"] < 0)])
        out["attendance"] = None
        if frames:
            out["attendance"] = self._statuses(pd.concat(frames, ignore_index=True),
                                               np.concatenate(codes), np.concatenate(unknown))
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

    def _statuses(self, frame: pd.DataFrame, codes: np.ndarray,
                  unknown: np.ndarray) -> pd.DataFrame:
        """Status codes → status names; rows without a member go, unknown marks are issues.
        ``unknown`` holds the marks behind the ``-1`` codes, in order."""
        member = frame["member_id"].notna().to_numpy()
        bad = codes < 0
        report = member[bad]
        if report.any():
            rows = frame[bad & member]
            marks = pd.Series(unknown[report], dtype=object).astype(str).to_numpy()
            self.issue("unknown_mark", "无法识别的签到符号“" + pd.Series(marks, dtype="string")
                       + "”，此记录未计分（可在规则的 [marks] 中补充）", rows["source"],
                       rows["member_id"])
        keep = member & ~bad
        names = pd.array(STATUS_CODES, dtype="string")
        return frame[keep].assign(status=names.take(codes[keep]))[
            ["member_id", "date", "activity", "status", "source"]]


def _fork() -> bool:
    """Workers are forked where that is safe and cheap (Linux): nothing is re-imported, and a
    caller's script needs no ``if __name__ == "__main__"`` guard. The pool is made while this
    thread waits, and the scans use only single-threaded Arrow kernels (take, join)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _workers(workers: int | None, files: list[str]) -> int:
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers（并行进程数）：应为 ≥ 1 的整数或 None，实际是 {workers!r}")
        return max(1, min(workers, len(files)))
    size = sum(os.path.getsize(f) for f in files if os.path.isfile(f))
    if len(files) < 2 or size < PARALLEL_BYTES or not _fork():
        return 1
    return max(1, min(2, os.cpu_count() or 1, len(files)))


def _scan_all(files: list[str], ruleset: Ruleset, year: int | None,
              workers: int | None) -> list[FileScan]:
    vocabulary, names = dict(ruleset.marks.vocabulary), ruleset.activity_names()
    n = _workers(workers, files)
    if n == 1:
        return [scan_file(f, vocabulary, names, year) for f in files]
    context = multiprocessing.get_context("fork" if _fork() else "spawn")
    with warnings.catch_warnings():  # 3.12+: "multi-threaded, fork() may deadlock" (see _fork)
        warnings.simplefilter("ignore", DeprecationWarning)
        with ProcessPoolExecutor(n, mp_context=context) as pool:
            return list(pool.map(scan_file, files, repeat(vocabulary), repeat(names),
                                 repeat(year), chunksize=max(1, min(32, len(files) // (8 * n)))))


def read_workbooks(paths: str | Path | Iterable[str | Path], ruleset: Ruleset | None = None, *,
                   year: int | None = None, workers: int | None = None) -> Records:
    """Read one or many ``.xlsx`` files into canonical :class:`~points.Records`.

    The roster, sign-in sheets and logs may be spread over several files and sheets; each
    sheet's kind is recognised by its header row. Marks go through the ruleset's vocabulary
    and activity names through its aliases. ``year`` is used for dates written without a
    year when neither the sheet's title, its name nor the file name gives one. Problems in
    the cells are data issues in ``Records.issues``; a file that is not a readable workbook
    raises :class:`points.WorkbookError`, and files without any roster sheet raise
    :class:`points.ReaderError`.

    ``workers``: processes that read files side by side. By default 2 (at most the number
    of cores) on Linux when the files add up to 4 MB or more, else 1; elsewhere ask for them
    explicitly (they are spawned, so a script needs an ``if __name__ == "__main__"`` guard).
    The result is the same either way.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    ruleset = default_ruleset() if ruleset is None else ruleset
    with no_gc():
        scans = _scan_all(sorted({str(p) for p in paths}), ruleset, year, workers)
        reader = _Reader(ruleset)
        for scan in scans:
            reader.merge(scan)
        records = reader.read()
    return attrs.evolve(records, files=tuple((s.path, s.sha256) for s in scans))
