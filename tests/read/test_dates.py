"""Dates as branches type them (points.read.dates): every textual form round-trips, ambiguous
and impossible dates are "bad", a day and month without a year is "noyear", the rest is "none"."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from points.read.dates import parse_dates, parse_one, year_in
from points.vocab.text import normalize_name

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

#: Forms with a year: a date written any of these ways is read back exactly.
WITH_YEAR = [
    lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year} 年 {d.month} 月 {d.day} 号",
    lambda d: f"{d.year}年{d.month}月{d.day}日".translate(FULL_WIDTH),  # typed in full width
]
#: Forms without a year: read in the year the sheet gives.
WITHOUT_YEAR = [
    lambda d: f"{d.month}月{d.day}日",
    lambda d: f"{d.month}.{d.day}",
    lambda d: f"{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.month}/{d.day}",
    lambda d: f"{d.month}-{d.day}",
]

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
years = st.none() | st.integers(1900, 2099)
names = st.sampled_from(["", "主题党日", "党课（", "支部党员大会：", "集中学习 "])


def stamp(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


@given(dates, st.sampled_from(WITH_YEAR), years)
def test_a_date_with_its_year_reads_back_whatever_year_the_sheet_gives(
        day: dt.date, form, year: int | None) -> None:
    assert parse_one(form(day), year) == (stamp(day), "", "ok")


@given(dates, st.sampled_from(WITHOUT_YEAR))
def test_a_day_and_month_take_the_sheets_year_and_are_noyear_without_one(day: dt.date,
                                                                         form) -> None:
    text = form(day)
    assert parse_one(text, day.year) == (stamp(day), "", "ok")
    assert parse_one(text, None) == (None, "", "noyear")


@given(dates, st.sampled_from(WITH_YEAR + WITHOUT_YEAR), names, names)
def test_the_text_beside_a_date_is_the_rest(day: dt.date, form, before: str, after: str) -> None:
    date, rest, verdict = parse_one(before + form(day) + after, day.year)
    assert (date, verdict) == (stamp(day), "ok")
    assert rest == normalize_name(before + after).strip("-_/：:（）() ")


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2099, 12, 31)),
       years)
def test_excel_dates_and_datetimes_are_their_day(moment: dt.datetime, year: int | None) -> None:
    day = pd.Timestamp(moment.date())
    assert parse_one(moment, year) == (day, "", "ok")
    assert parse_one(moment.date(), year) == (day, "", "ok")
    assert parse_one(pd.Timestamp(moment), year) == (day, "", "ok")


@given(dates.filter(lambda d: d.day % 10 != 0))
def test_a_number_with_two_decimals_is_month_dot_day(day: dt.date) -> None:
    number = float(f"{day.month}.{day.day:02d}")  # what Excel keeps of a typed 3.15
    assert parse_one(number, day.year) == (stamp(day), "", "ok")
    assert parse_one(np.float64(number), day.year) == (stamp(day), "", "ok")
    assert parse_one(number, None) == (None, "", "noyear")


@given(st.integers(1, 12), st.sampled_from([10, 20, 30]), years)
def test_a_number_for_the_10th_20th_or_30th_is_ambiguous(month: int, day: int,
                                                         year: int | None) -> None:
    """A typed 3.10 is kept by Excel as the number 3.1: March 10th or March 1st? Not guessed."""
    number = float(f"{month}.{day:02d}")
    assert parse_one(number, year) == (None, "", "bad")


def test_three_point_one_as_a_number_and_as_text() -> None:
    assert parse_one(3.1, 2024) == (None, "", "bad")  # the number: 3.1 or 3.10?
    assert parse_one(3.10, 2024) == (None, "", "bad")  # the same float
    assert parse_one("3.10", 2024) == (pd.Timestamp("2024-03-10"), "", "ok")  # text is exact
    assert parse_one("3.1", 2024) == (pd.Timestamp("2024-03-01"), "", "ok")
    assert parse_one(3.15, 2024) == (pd.Timestamp("2024-03-15"), "", "ok")
    assert parse_one(3.15, None) == (None, "", "noyear")


@pytest.mark.parametrize("number", [12.5, 3.125, 1e-05, 1.23e-05, 13.5, float("inf"),
                                    float("-inf")])
def test_other_numbers_are_bad(number: float) -> None:
    assert parse_one(number, 2024) == (None, "", "bad")


@pytest.mark.parametrize("value", [None, "", True, False, 0, 45366, 2024.0, np.int64(7),
                                   float("nan"), np.float64("nan")])
def test_empty_cells_booleans_and_whole_numbers_are_not_dates(value: object) -> None:
    assert parse_one(value, 2024) == (None, "", "none")


@pytest.mark.parametrize("text", ["√", "请假", "张三", "合计", "第三季度", "2024"])
def test_text_without_a_day_and_month_is_none_and_all_rest(text: str) -> None:
    assert parse_one(text, 2024) == (None, text, "none")


@pytest.mark.parametrize(("text", "year"), [
    ("2月30日", 2024), ("4月31日", 2024), ("2023年2月29日", None), ("2024-13-01", None),
    ("13.5", 2024), ("0.5", 2024), ("2024.2.30", 2024),
])
def test_impossible_dates_are_bad(text: str, year: int | None) -> None:
    date, _, verdict = parse_one(text, year)
    assert (date, verdict) == (None, "bad")


def test_the_year_is_checked_only_once_there_is_one() -> None:
    assert parse_one("2月30日", None) == (None, "", "noyear")  # no year: cannot tell yet
    assert parse_one("2月29日", 2024) == (pd.Timestamp("2024-02-29"), "", "ok")
    assert parse_one("2月29日", 2023) == (None, "", "bad")


@given(st.lists(st.one_of(
    dates.map(lambda d: f"{d.month}月{d.day}日"),
    dates.map(lambda d: f"{d.year}-{d.month}-{d.day}"),
    dates.map(lambda d: dt.datetime(d.year, d.month, d.day, 9, 30)),
    st.sampled_from(["√", "", "2月30日", "主题党日 3.15", None, float("nan"), 3.1, 3.15, 7]),
), max_size=30), years)
def test_parse_dates_is_parse_one_for_each_value_aligned_with_the_input(values: list,
                                                                       year: int | None) -> None:
    index = pd.Index(range(100, 100 + len(values)))[::-1]  # any index is kept
    got = parse_dates(pd.Series(values, index=index, dtype=object), year)
    assert list(got.columns) == ["date", "rest", "verdict"] and got.index.equals(index)
    assert pd.api.types.is_datetime64_dtype(got["date"])
    for value, (_, row) in zip(values, got.iterrows(), strict=True):
        date, rest, verdict = parse_one(value, year)
        assert row["verdict"] == verdict and row["rest"] == rest
        assert (pd.isna(row["date"]) and date is None) or row["date"] == date


def test_parse_dates_of_nothing() -> None:
    got = parse_dates(pd.Series([], dtype=object), 2024)
    assert got.empty and list(got.columns) == ["date", "rest", "verdict"]


@given(st.integers(1900, 2099), st.text(st.sampled_from("党支部签到表年月 _-.xlsx!"), max_size=8),
       st.text(st.sampled_from("党支部签到表 _-.xlsx!"), max_size=8))
def test_year_in_finds_the_year_between_any_words(year: int, before: str, after: str) -> None:
    assert year_in(before + str(year) + after) == year
    assert year_in(before + f"{year}年" + after) == year
    assert year_in("签到表", "", before + str(year) + after) == year  # the first text that has one


def test_year_in_takes_the_first_text_with_a_year_and_knows_the_century() -> None:
    assert year_in("河西镇2024年签到表", "2023年.xlsx") == 2024
    assert year_in("3月", None, "2023年签到.xlsx") == 2023
    assert year_in("第1899号", "2100年", "签到表") is None  # 1900–2099 only
    assert year_in() is None and year_in("") is None
    assert year_in("1999 年") == 1999 and year_in("12024") == 2024  # no word boundary


def test_a_full_width_year_and_full_width_dates_are_found() -> None:
    assert year_in("第一党支部２０２４年主题党日签到表") == 2024
    assert year_in("", "２０２３ 年签到.xlsx") == 2023
    assert parse_one("２月５日", 2024)[0] == pd.Timestamp(2024, 2, 5)
    assert parse_one("２０２４．２．５", None)[0] == pd.Timestamp(2024, 2, 5)
