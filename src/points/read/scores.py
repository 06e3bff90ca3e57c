"""Exam-score sheets (以考促学: 党员编号/姓名, 日期, 考试名称, 得分) and study-point sheets
(学习强国: 党员编号/姓名, 月份 or 年度, 学习积分) → the ``quizzes`` and ``study`` record tables.

A score or point count is a number (``85``, ``85分``, ``1,200``); a month is written
``2024-03``, ``2024年3月``, ``3月`` (the year from the title, sheet or file name) or as a date
cell; a year ``2024`` or ``2024年度`` makes a yearly figure. Each record is dated at the last
day of its month (year). A cell that is none of these is a located data issue and its record
is not scored. Each distinct cell value is read once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from ..vocab.frames import per_distinct
from ..vocab.text import cell_text, normalize_series, normalized_distinct
from .merge import FILE_KEY, Merger, concat_parts
from .tables import dated_rows

__all__ = ["number_of", "score_tables"]

_NUMBER = re.compile(r"([+-]?\d+(?:\.\d+)?)(?:分|积分)?")
_YEAR_MONTH = re.compile(r"(\d{4})[年\-/.](\d{1,2})月?份?")
_MONTH = re.compile(r"(\d{1,2})月份?")
_YEAR = re.compile(r"(\d{4})年?度?(?:全年)?")


def number_of(value: Any) -> float | None:
    """A score or point count as a number, None when the cell is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if np.isfinite(value) else None
    match = _NUMBER.fullmatch(cell_text(value).replace(",", ""))
    return float(match.group(1)) if match else None


def _month_end(year: int, month: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


def month_of(value: Any, year: int) -> tuple[pd.Timestamp | None, str]:
    """(last day of the month or year, ``month`` or ``year``); (None, "") when unreadable.
    ``year``: the sheet's year (0 when unknown), for a month written without one."""
    if isinstance(value, dt.date):
        return _month_end(value.year, value.month), "month"
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = int(value) if float(value).is_integer() else value
    text = cell_text(value)
    found = _YEAR_MONTH.fullmatch(text)
    if found and 1 <= int(found.group(2)) <= 12 and 1900 <= int(found.group(1)) <= 2099:
        return _month_end(int(found.group(1)), int(found.group(2))), "month"
    found = _MONTH.fullmatch(text)
    if found and 1 <= int(found.group(1)) <= 12 and year:
        return _month_end(year, int(found.group(1))), "month"
    found = _YEAR.fullmatch(text)
    if found and 1900 <= int(found.group(1)) <= 2099:
        return _month_end(int(found.group(1)), 12), "year"
    return None, ""


def _numbers(m: Merger, raw: dict[str, np.ndarray], field: str, label: str,
             frame: pd.DataFrame, ok: np.ndarray) -> np.ndarray:
    """The numbers of ``field`` (the sheet's anchor column); empty or unreadable cells of the
    rows in ``ok`` are issues."""
    cells = np.asarray(raw[field], dtype=object)
    # once per distinct cell (a True and a 1 are one value here: a 1 either way)
    numbers = per_distinct(cells, number_of).astype(float)
    text = pd.Series(normalized_distinct(cells), dtype="string")
    empty = (text == "").to_numpy()
    for mask, code, message in (
            (ok & np.isnan(numbers) & ~empty, "bad_number",
             "无法识别的" + label + "“" + text + "”，此记录未计分"),
            (ok & empty, "missing_value", pd.Series("此行没有填写" + label + "，未计分",
                                                    index=text.index, dtype="string"))):
        if mask.any():
            m.issue(code, message[mask], m.addresses(raw["sheet"][mask], raw["row"][mask],
                                                     raw["col"][mask]), frame["member_id"][mask])
    return numbers


def _quizzes(m: Merger, ids: Any) -> pd.DataFrame:
    raw = concat_parts(m.parts["quiz"])
    frame, ok = dated_rows(m, raw, ids)
    frame["exam"] = normalize_series(pd.Series(raw["exam"], dtype=object))
    frame["score"] = _numbers(m, raw, "score", "得分", frame, ok)
    keep = ok & frame["score"].notna().to_numpy() & (frame["exam"] != "").to_numpy()
    no_exam = ok & (frame["exam"] == "").to_numpy()
    if no_exam.any():
        m.issue("missing_value", pd.Series("此行没有填写考试名称，未计分", index=frame.index[no_exam]),
                frame.loc[no_exam, "source"], frame.loc[no_exam, "member_id"])
    return frame[keep][["member_id", "date", "exam", "score", "source", FILE_KEY]]


def _month_value(value: Any) -> Any:
    """A month cell as :func:`month_of` reads it: dates and numbers as they are, else text."""
    return value if isinstance(value, dt.date | int | float) else cell_text(value)


def _study(m: Merger, ids: Any) -> pd.DataFrame:
    raw = concat_parts(m.parts["study"])
    frame = pd.DataFrame({"member_id": pd.Series(ids.take(raw["person"])),
                          "source": m.addresses(raw["sheet"], raw["row"], raw["col"]),
                          FILE_KEY: m.file_keys(raw["sheet"])})
    ok = frame["member_id"].notna().to_numpy()
    months = np.asarray(raw["month"], dtype=object)
    pairs = pd.DataFrame({"value": per_distinct(months, _month_value), "year": raw["year"]})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs))
    read = [month_of(value, int(year)) for value, year in uniques]  # once per distinct pair
    dates = np.array([day for day, _ in read] + [None], dtype="datetime64[us]")
    spans = np.array([span for _, span in read] + [""], dtype=object)
    frame["date"] = pd.Series(dates[codes], dtype="datetime64[us]")
    frame["span"] = pd.Series(spans[codes], dtype="string")
    bad = ok & frame["date"].isna().to_numpy()
    if bad.any():
        shown = pairs["value"][bad].fillna("").astype(str)
        m.issue("bad_date", "无法识别的月份“" + shown + "”（请写成 2024-03、2024年3月，或全年的 2024），"
                "此记录未计分",
                m.addresses(raw["sheet"][bad], raw["row"][bad], raw["date_col"][bad]),
                frame["member_id"][bad])
    frame["points"] = _numbers(m, raw, "study_points", "学习积分", frame, ok & ~bad)
    keep = ok & ~bad & frame["points"].notna().to_numpy()
    return frame[keep][["member_id", "date", "points", "span", "source", FILE_KEY]]


def score_tables(m: Merger, ids: pd.Series) -> dict[str, pd.DataFrame | None]:
    """``quizzes`` and ``study`` (None where the files hold no such sheet)."""
    id_array = ids.astype("string").array
    return {"quizzes": _quizzes(m, id_array) if m.parts["quiz"] else None,
            "study": _study(m, id_array) if m.parts["study"] else None}
