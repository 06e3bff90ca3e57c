"""The monthly report (#15 item 5): standing so far, early warnings, attendance by month with a
trend chart, grades marked 预计; the monthly cumulative never passes a cap."""

from __future__ import annotations

import datetime as dt
import functools
import warnings
import zipfile
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
import workbooks
from conftest import build, examples
from points import cli
from points.report.monthly import report_title, write_monthly

PEOPLE = [("M1", "张三", "一支部", "在职党员"), ("M2", "李四", "一支部", "在职党员"),
          ("M3", "王五", "二支部", "在职党员")]


def _busy_year() -> list[tuple[str, str, str, str]]:
    """M1 attends everything (95 credits before the 60 cap); M2 misses March to June."""
    events = []
    for month in range(1, 13):
        for day, activity in ((3, "党小组会"), (10, "主题党日"), (17, "集中学习")):
            events.append(("M1", f"2024-{month:02d}-{day:02d}", activity, "present"))
            status = "absent" if 3 <= month <= 6 else "present"
            events.append(("M2", f"2024-{month:02d}-{day:02d}", activity, status))
        if month % 3 == 0:
            events.append(("M1", f"2024-{month:02d}-20", "支部党员大会", "present"))
        if month in (3, 6):
            events.append(("M1", f"2024-{month:02d}-24", "党课", "present"))
    events.append(("M1", "2024-01-25", "组织生活会", "present"))
    events.append(("M3", "2024-02-10", "主题党日", "leave"))
    return events


@functools.cache
def _busy(as_of: str | None) -> points.Assessment:
    """:func:`_busy_year` assessed for 2024 (as of ``as_of``), once for the module's tests
    that assess it so (never change its tables)."""
    return points.assess(build(PEOPLE, _busy_year()), year=2024, as_of=as_of)


def test_the_monthly_cumulative_never_passes_a_cap() -> None:
    records = build(PEOPLE, _busy_year())
    result = _busy(None)
    mine = result.monthly[result.monthly["member_id"] == "M1"]
    participation = mine["participation"].cumsum()
    assert participation.max() == 60.0 and (participation <= 60.0).all()
    assert (mine["cumulative"].diff().fillna(0) >= -1e-9).all()  # never a December drop
    assert mine["cumulative"].iloc[-1] == result.totals.set_index("member_id").loc["M1", "total"]
    capped = points.assess(records, attrs.evolve(points.default_ruleset(), total_cap=50.0),
                           year=2024)
    cumulative = capped.monthly.groupby("member_id")["cumulative"]
    assert cumulative.max().max() <= 50.0
    assert (cumulative.last() == capped.totals.set_index("member_id")["total"]).all()


def test_the_report_holds_standing_warnings_and_a_trend(tmp_path: Path) -> None:
    result = points.assess(build(PEOPLE, _busy_year()), as_of="2024-06-30")
    assert report_title(result).endswith("季报")
    path = write_monthly(result, tmp_path / "季报.xlsx", org="河西镇", date=dt.date(2024, 7, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["个人进度", "支部预警", "出勤趋势"]
    rows = list(book["个人进度"].iter_rows(values_only=True))
    head = rows[0]
    assert head == ("党员编号", "姓名", "支部", "类别", "累计积分", "出勤率", "请假", "连续未参加",
                    "距六个月", "预计等次", "提示数")
    people = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert people["M2"]["连续未参加"] == 4 and people["M2"]["距六个月"] == 2
    assert people["M2"]["出勤率"] == pytest.approx(6 / 18)
    assert people["M3"]["请假"] == 1 and people["M3"]["出勤率"] == 0
    assert "等次为预计" in book["个人进度"].oddHeader.right.text
    warned = list(book["支部预警"].iter_rows(values_only=True))
    assert warned[0][:5] == ("支部", "人数", "出勤率", "请假率", "连续未参加≥2月")
    assert warned[1][0] == "一支部" and warned[1][4] == 1 and warned[1][5] == 1
    trend = list(book["出勤趋势"].iter_rows(values_only=True))
    assert trend[0] == ("支部", "1月", "2月", "3月", "4月", "5月", "6月")
    assert trend[1][1] == 1 and trend[1][3] == pytest.approx(5 / 8)  # March: M1 5 of 5, M2 0 of 3
    with zipfile.ZipFile(path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "<c:lineChart>" in chart and "各支部出勤率（按月）" in chart


def test_points_report_writes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = workbooks.write(tmp_path / "名册.xlsx", {"党员名册": [
        ["党员编号", "姓名", "所在支部", "党员类别"], *[list(p) for p in PEOPLE]]})
    sheet = workbooks.write(tmp_path / "2024年签到表.xlsx", {"5月": [
        ["2024年5月组织生活签到表"], ["序号", "姓名", "主题党日"],
        [None, None, dt.datetime(2024, 5, 10)], [1, "张三", "√"], [2, "李四", "×"],
        [3, "王五", "请假"]]})
    out = tmp_path / "月报.xlsx"
    assert cli.main(["report", str(roster), str(sheet), "--as-of", "2024-05-31",
                     "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "预计等次" in printed and f"已写入：{out}" in printed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert openpyxl.load_workbook(out).sheetnames == ["个人进度", "支部预警", "出勤趋势"]
    assert cli.main(["score", str(roster), str(sheet), "--as-of", "2024-05-31",
                     "-o", str(tmp_path / "复核.xlsx")]) == 0
    assert "points report" in capsys.readouterr().out  # score says where the report is
    with pytest.raises(SystemExit) as stop:  # a report is "so far": it needs its date
        cli.main(["report", str(roster), str(sheet), "-o", str(tmp_path / "月报2.xlsx")])
    assert stop.value.code == 2 and "--as-of" in capsys.readouterr().err
    assert not (tmp_path / "月报2.xlsx").exists()


def test_a_report_at_the_end_of_the_year_is_the_year_s(tmp_path: Path) -> None:
    roster = workbooks.write(tmp_path / "名册.xlsx", {"党员名册": [
        ["党员编号", "姓名", "所在支部", "党员类别"], *[list(p) for p in PEOPLE]]})
    records = points.read_workbooks([roster])
    assert report_title(points.assess(records, year=2024, as_of="2024-12-31")).endswith("年报")
    assert report_title(points.assess(records, year=2024, as_of="2024-11-30")).endswith("月报")


ACTIVITIES = ["党小组会", "主题党日", "集中学习", "支部党员大会", "党课", "组织生活会"]


@settings(max_examples=examples(0.2))  # one assessment (~1 s) an example
@given(st.lists(st.tuples(st.integers(1, 12), st.integers(1, 28), st.sampled_from(ACTIVITIES),
                          st.sampled_from(["present", "late", "leave", "absent"])),
                max_size=80),
       st.sampled_from(["dujiangyan", "hongtong"]))
def test_the_cumulative_stays_within_the_caps_and_ends_at_the_total(
        rows: list[tuple[int, int, str, str]], scheme: str) -> None:
    events = [("M1", f"2024-{m:02d}-{d:02d}", a, s) for m, d, a, s in rows]
    result = points.assess(build(PEOPLE[:1], events), points.load_ruleset(scheme), year=2024)
    monthly = result.monthly
    if monthly.empty:
        return
    assert monthly["cumulative"].iloc[-1] == pytest.approx(result.totals["total"].iloc[0])
    yearly = result.ruleset.period == "year"  # (per-period caps restart each period)
    for dim in result.ruleset.dimensions:
        if dim.cap is not None and (yearly or dim.scope == "year"):
            assert monthly[dim.id].cumsum().max() <= dim.cap + 1e-9


def test_a_report_without_sign_ins_and_the_same_bytes_twice(tmp_path: Path) -> None:
    result = points.assess(build(PEOPLE[:1], [], [("M1", "2024-03-05", "未按时交纳党费")]),
                           year=2024, as_of="2024-05-31")
    assert report_title(result).endswith("月报")
    first = write_monthly(result, tmp_path / "a.xlsx").read_bytes()
    assert write_monthly(result, tmp_path / "b.xlsx").read_bytes() == first
    trend = list(openpyxl.load_workbook(tmp_path / "a.xlsx")["出勤趋势"].iter_rows(values_only=True))
    assert trend[:2] == [("支部", "1月", "2月", "3月", "4月", "5月"), ("一支部", *[None] * 5)]


def test_a_mid_year_review_says_its_grades_are_provisional(tmp_path: Path) -> None:
    for as_of, said in (("2024-06-30", True), (None, False)):
        path = tmp_path / f"{as_of}.xlsx"
        _busy(as_of).to_excel(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            header = openpyxl.load_workbook(path)["汇总"].oddHeader.right.text or ""
        assert ("建议等次为预计" in header) is said


def test_a_cycle_from_july_reports_its_months_in_order(tmp_path: Path) -> None:
    """cycle_start = "07-01": the 2025 cycle up to 2024-12-31 shows July … December, and the
    title names the cycle."""
    events = [("M1", f"2024-{m:02d}-10", "主题党日", "present") for m in range(1, 13)]
    rules = attrs.evolve(points.default_ruleset(), cycle_start="07-01")
    result = points.assess(build(PEOPLE[:1], events), rules, as_of="2024-12-31")
    assert report_title(result) == "2025年度（2024-07-01起，截至2024-12-31）党员积分季报"
    path = write_monthly(result, tmp_path / "季报.xlsx", date=dt.date(2025, 1, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(path)
    trend = list(book["出勤趋势"].iter_rows(values_only=True))
    assert trend[0] == ("支部", "7月", "8月", "9月", "10月", "11月", "12月")
