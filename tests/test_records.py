"""The canonical tables are checked at the door, every failure reported at once."""

from __future__ import annotations

import pandas as pd
import pytest

import points
from points import RecordsError

ROSTER = pd.DataFrame({"member_id": ["M1"], "name": ["张三"]})


def test_minimal_records_fill_optional_tables_and_columns() -> None:
    records = points.Records.from_frames(roster=ROSTER)
    assert records.roster["source"].tolist() == ["roster#0"]
    assert records.roster["branch"].tolist() == [""]
    assert list(records.attendance.columns) == ["member_id", "date", "activity", "mark",
                                                "status", "source"]
    assert records.attendance.empty


def test_numeric_ids_become_text_without_a_decimal_point() -> None:
    roster = pd.DataFrame({"member_id": [1001.0, 1002.0], "name": ["甲", "乙"]})
    records = points.Records.from_frames(roster=roster)
    assert records.roster["member_id"].tolist() == ["1001", "1002"]


def test_every_failure_is_listed() -> None:
    attendance = pd.DataFrame({"member_id": ["M1", "M1", None], "date": ["2024-03-01", "三月", "2024-03-02"],
                               "activity": ["党课"] * 3, "statu": ["present"] * 3})
    negatives = pd.DataFrame({"member_id": ["M1"], "date": ["2024-03-01"], "item": ["x"],
                              })
    with pytest.raises(RecordsError) as info:
        points.Records.from_frames(roster=ROSTER, attendance=attendance, negatives=negatives,
                                   bonuses="not a frame")  # type: ignore[arg-type]
    failures = info.value.failures.values.tolist()
    assert failures == [
        ["attendance", "member_id", "1 rows have no id: row 2 (nan)"],
        ["attendance", "date", "1 rows have no valid date: row 1 ('三月')"],
        ["attendance", "status", "required column is missing (did you mean 'statu'?)"],
        ["bonuses", "", "expected a pandas DataFrame, got str"],
    ]
    assert str(info.value).startswith("记录表有 4 处问题：")


def test_status_must_be_canonical() -> None:
    attendance = pd.DataFrame({"member_id": ["M1"], "date": ["2024-03-01"], "activity": ["党课"],
                               "status": ["√"]})
    with pytest.raises(RecordsError, match=r"attendance.status: expected a canonical status"):
        points.Records.from_frames(roster=ROSTER, attendance=attendance)


def test_roster_ids_must_be_unique() -> None:
    roster = pd.DataFrame({"member_id": ["M1", "M1"], "name": ["张三", "张三"]})
    with pytest.raises(RecordsError, match="member ids must be unique, repeated: M1"):
        points.Records.from_frames(roster=roster)


def test_input_frames_are_not_changed() -> None:
    attendance = pd.DataFrame({"member_id": [1], "date": ["2024-03-01"], "activity": [" 党课 "],
                               "status": ["present"]})
    copy = attendance.copy()
    points.assess(points.Records.from_frames(roster=ROSTER, attendance=attendance), year=2024)
    pd.testing.assert_frame_equal(attendance, copy)


def test_text_is_stripped_where_needed_and_sources_are_kept_as_given() -> None:
    attendance = pd.DataFrame({"member_id": [" M1", "M1"], "date": ["2024-03-01"] * 2,
                               "activity": [" 党课 ", "党课"], "status": ["present", "leave "],
                               "source": [" 表!A1 ", "表!A2"]})
    got = points.Records.from_frames(roster=ROSTER, attendance=attendance).attendance
    assert list(got["member_id"]) == ["M1", "M1"] and list(got["activity"]) == ["党课", "党课"]
    assert list(got["status"]) == ["present", "leave"]
    assert list(got["source"]) == [" 表!A1 ", "表!A2"]
    clean = points.Records.from_frames(roster=ROSTER, attendance=attendance.iloc[[1]]).attendance
    assert list(clean["status"]) == ["leave"]


def test_a_roster_without_members_is_refused_with_a_clear_error() -> None:
    empty = points.Records.from_frames(roster=pd.DataFrame({"member_id": [], "name": []}))
    with pytest.raises(points.ArgumentError, match="名册中没有党员"):
        points.assess(empty, year=2024)
