"""出勤率 (#15 item 6): attended / scheduled with leave apart, per member and per branch, and in
汇总 and 支部统计."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import build, examples
from points.score.rates import attendance_rates, with_branch
from points.vocab.statuses import STATUSES

PEOPLE = [("M1", "张三", "一支部", "在职党员"), ("M2", "李四", "一支部", "在职党员"),
          ("M3", "王五", "二支部", "在职党员")]
EVENTS = [("M1", "2024-03-05", "主题党日", "present"), ("M1", "2024-04-05", "主题党日", "late"),
          ("M1", "2024-05-05", "主题党日", "leave"), ("M1", "2024-06-05", "主题党日", "absent"),
          ("M2", "2024-03-05", "主题党日", "present"), ("M3", "2024-03-05", "主题党日", "leave")]


def test_rates_per_member_and_branch(tmp_path: Path) -> None:
    result = points.assess(build(PEOPLE, EVENTS), year=2024)
    mine = attendance_rates(result.events, ["member_id"]).set_index("member_id")
    assert mine.loc["M1", ["scheduled", "attended", "leave", "absent"]].tolist() == [4, 2, 1, 1]
    assert mine.loc["M1", "rate"] == 0.5 and mine.loc["M3", "rate"] == 0.0
    branches = attendance_rates(with_branch(result.events, result.members), ["branch"])
    assert branches.set_index("branch")["rate"].round(4).to_dict() == {"一支部": 0.6, "二支部": 0.0}
    path = tmp_path / "复核.xlsx"
    result.to_excel(path)
    with warnings.catch_warnings():  # openpyxl does not know the data-bar extension
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(path)
    head = [c.value for c in book["汇总"][1]]
    rows = {r[0]: dict(zip(head, r, strict=True)) for r in book["汇总"].iter_rows(
        min_row=2, max_row=4, values_only=True)}
    assert (rows["M1"]["出勤率"], rows["M1"]["请假"]) == (0.5, 1)
    assert book["汇总"].cell(2, head.index("出勤率") + 1).number_format == "0.0%"
    stats = [c.value for c in book["支部统计"][2]]
    assert stats[:5] == ["一支部", 2, result.totals.set_index("member_id").loc[
        ["M1", "M2"], "total"].mean().round(1), 0.6, 0.2]


@settings(max_examples=examples(2))  # no assessment: cheap examples
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(STATUSES)),
                max_size=30))
def test_every_event_is_attended_on_leave_or_absent(rows: list[tuple[str, str]]) -> None:
    events = pd.DataFrame(rows, columns=["member_id", "status"]).astype("string")
    table = attendance_rates(events, ["member_id"])
    assert (table["attended"] + table["leave"] + table["absent"] == table["scheduled"]).all()
    assert table["scheduled"].sum() == len(events)
    assert ((table["rate"] >= 0) & (table["rate"] <= 1)).all()
    shuffled = attendance_rates(events.sample(frac=1, random_state=1), ["member_id"])
    pd.testing.assert_frame_equal(table, shuffled)

