"""The record tables, assembled from the merged scans in whole-column operations.

Attendance keeps each mark as written (normalised; "" for an empty cell) and each activity
name as written; the ruleset resolves both when the records are scored. Log rows go to the
bonus or the negative-list table by what their sheet says (加分/先锋/示范); the ruleset's item
names may move them when they are scored. Rows whose person cannot be told are left out here,
each already reported by :func:`.roster.resolve_people`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..vocab.frames import MAX_RUNS
from ..vocab.text import normalize_series
from .arrays import rectangle_index
from .dates import parse_dates
from .merge import FILE_KEY, SEGMENT, Merger, concat_parts
from .scan import ERROR_MARK

__all__ = ["build_tables", "dated_rows"]

ATTENDANCE = ["member_id", "date", "activity", "mark", "source"]


def _cells(m: Merger, ids: Any) -> pd.DataFrame:
    """The matrix rectangles expanded to one row per cell (the sources were made by the
    scans), without the cells of unknown people and the error cells (each already reported):
    rows are chosen on the integer codes first, so no column is built for a dropped cell."""
    parts = m.parts["attendance"]
    raw = {k: np.concatenate([p[k] for p in parts])
           for k in ("person", "dates", "activity", "mark")}
    r, c = rectangle_index(parts)
    person = raw["person"][r]
    keep = ~pd.isna(ids)[person] if len(ids) else np.zeros(len(person), bool)
    if ERROR_MARK in m.marks:
        keep &= raw["mark"] != m.marks.index(ERROR_MARK)
    at = np.flatnonzero(keep)
    activities = pd.array(m.activities, dtype="string")
    marks = pd.array(m.marks, dtype="string")
    sources = _kept(pa.chunked_array(m.cell_sources, pa.string()), keep)
    people = np.concatenate([p["sheet"] for p in m.parts["people"]])
    return pd.DataFrame({
        "member_id": pd.Series(ids.take(person[at])), "date": raw["dates"][c[at]],
        "activity": pd.Series(activities.take(raw["activity"][c[at]])),
        "mark": pd.Series(marks.take(raw["mark"][at])),
        "source": pd.Series(pd.arrays.ArrowStringArray(sources)),
        FILE_KEY: m.file_keys(people[person[at]])})


def _kept(sources: pa.ChunkedArray, keep: np.ndarray) -> pa.Array:
    """The addresses of the cells kept, as one ``large_string`` array (pandas' own text type:
    no cast later; it holds past 2 GiB of addresses). The dropped cells are few and come in
    runs (an unknown person's row), so the kept ones are zero-copy slices of the files'
    arrays, copied once when joined (a take or a filter, then the join, would copy twice)."""
    edges = np.flatnonzero(np.diff(np.r_[False, keep, False].astype(np.int8)))
    starts, stops = edges[0::2], edges[1::2]
    if len(starts) > MAX_RUNS:
        sources = sources.filter(pa.array(keep))
    elif len(starts) != 1 or stops[0] - starts[0] != len(sources):
        pieces = [sources.slice(a, b - a) for a, b in zip(starts.tolist(), stops.tolist(),
                                                          strict=True)]
        sources = pa.chunked_array([c for p in pieces for c in p.chunks], pa.string())
    return sources.cast(pa.large_string()).combine_chunks()


def dated_rows(m: Merger, raw: dict[str, np.ndarray], ids: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """Member, date and address of list rows; rows with a bad date are data issues."""
    values = pd.Series(raw["date"], dtype=object)
    parsed = parse_dates(values, None)
    noyear = (parsed["verdict"] == "noyear").to_numpy() & (raw["year"] > 0)
    if noyear.any():  # day-and-month texts: the sheet's year (title, sheet or file name)
        for year in np.unique(raw["year"][noyear]):
            at = noyear & (raw["year"] == year)
            parsed.loc[at] = parse_dates(values[at], int(year)).to_numpy()
    frame = pd.DataFrame({"member_id": pd.Series(ids.take(raw["person"])),
                          "date": parsed["date"].astype("datetime64[us]"),
                          "source": m.addresses(raw["sheet"], raw["row"], raw["col"]),
                          FILE_KEY: m.file_keys(raw["sheet"])})
    bad = (parsed["verdict"] != "ok").to_numpy()
    if bad.any():
        m.issue("bad_date", "无法识别的日期“" + values[bad].astype(str) + "”，此记录未计分",
                m.addresses(raw["sheet"][bad], raw["row"][bad], raw["date_col"][bad]))
    return frame, ~bad & frame["member_id"].notna().to_numpy()


def _attendance(m: Merger, ids: Any) -> pd.DataFrame | None:
    frames = []
    if m.parts["attendance"]:
        frames.append(_cells(m, ids))
    if m.parts["list"]:
        raw = concat_parts(m.parts["list"])
        frame, ok = dated_rows(m, raw, ids)
        frame[FILE_KEY] += SEGMENT  # after the matrix cells
        frame["activity"] = normalize_series(pd.Series(raw["activity"], dtype=object))
        frame["mark"] = pd.Series(raw["status"], dtype="string")  # normalised by the scans
        ok &= (frame["mark"] != ERROR_MARK).to_numpy()
        frames.append(frame[ok][[*ATTENDANCE, FILE_KEY]])
    if not frames:
        return None
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return _required(m, out, "activity", "活动类型").reset_index(drop=True)


def _required(m: Merger, frame: pd.DataFrame, column: str, label: str) -> pd.DataFrame:
    """``frame`` without the rows whose ``column`` is empty; each is a data issue."""
    empty = (frame[column] == "").to_numpy()
    if not empty.any():
        return frame
    m.issue("missing_value", pd.Series(f"此行没有填写{label}，未计分", index=frame.index[empty]),
            frame.loc[empty, "source"], frame.loc[empty, "member_id"])
    return frame[~empty]


def build_tables(m: Merger, ids: pd.Series) -> dict[str, pd.DataFrame | None]:
    """``attendance``, ``bonuses``, ``negatives`` and ``appraisals`` (None where the files
    hold no such sheet)."""
    id_array = ids.astype("string").array
    out: dict[str, pd.DataFrame | None] = {"attendance": _attendance(m, id_array),
                                           "negatives": None, "bonuses": None, "appraisals": None}
    if m.parts["log"]:
        raw = concat_parts(m.parts["log"])
        frame, ok = dated_rows(m, raw, id_array)
        frame["item"] = normalize_series(pd.Series(raw["item"], dtype=object))
        is_bonus = raw["bonus_sheet"].astype(bool)
        out["bonuses"] = _required(m, frame[ok & is_bonus], "item", "事项")
        out["negatives"] = _required(m, frame[ok & ~is_bonus], "item", "事项")
    if m.parts["appraisal"]:
        raw = concat_parts(m.parts["appraisal"])
        frame = pd.DataFrame({
            "member_id": pd.Series(id_array.take(raw["person"])),
            "result": normalize_series(pd.Series(raw["result"], dtype=object)),
            "source": m.addresses(raw["sheet"], raw["row"], raw["col"]),
            FILE_KEY: m.file_keys(raw["sheet"])})
        out["appraisals"] = _required(m, frame[frame["member_id"].notna()], "result", "评议结果")
    return out
