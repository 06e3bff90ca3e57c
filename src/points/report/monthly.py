"""The monthly (or quarterly) report (积分月报 / 季报): where everyone stands so far, for a run up
to an as-of date (``points report --as-of 2024-06-30``).

========  ===================================================================================
sheet     columns
========  ===================================================================================
个人进度  党员编号, 姓名, 支部, 类别, 累计积分 (points to date), 出勤率, 请假, 连续未参加
          (the current run of missed months of organisational life), 距六个月 (months left
          before the six-month rule; members only), 预计等次 (provisional: the year is not
          over), 提示数
支部预警  支部, 人数, 出勤率, 请假率, then per branch how many members are in a run of missed
          months (连续未参加≥N月, N the ruleset's first escalation level), close to the
          six-month rule (距六个月≤2), flagged, and provisionally in the lowest grade
出勤趋势  支部, one column per month (the cycle's first month … the as-of month: 1月 …, or
          7月 … for a July cycle): the branch's attendance rate (members only);
          below it the same per activity; then a line chart of the branches by month
========  ===================================================================================

Everything is computed from the assessment's tables (:mod:`points.score.rates` for the
rates, :mod:`points.score.flags.runs` for the runs), vectorized; only the small trend tables
(branches or activities × months) are written cell by cell.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..judge.assessment import AssessmentTables
from ..score.calendar import month_index
from ..score.flags.runs import missed_month_runs
from ..score.rates import attendance_rates, with_branch
from .common import check_target, new_book
from .sheets.people import people, suggested
from .xlsx import Book, Column

__all__ = ["report_title", "write_monthly"]

NEAR = 2  # months from the six-month rule that count as close


def report_title(a: AssessmentTables) -> str:
    """``2024年（截至2024-06-30）党员积分季报``: 月报 unless the as-of date ends a quarter of the
    cycle (a July–June cycle's quarters end in September, December, March and June); 年报 when
    it is the end of the period."""
    cal = a.calendar
    if cal.full_year:
        return f"{a.period_text}党员积分年报"
    months = int(cal.month_number(pd.Series([cal.cutoff])).iloc[0]) + 1
    quarter = cal.cutoff.is_month_end and months % 3 == 0
    return f"{a.period_text}党员积分{'季报' if quarter else '月报'}"


def _runs(a: AssessmentTables, rows: pd.DataFrame) -> pd.DataFrame:
    """``连续未参加`` (current run of missed months) and ``距六个月`` per person of ``rows``."""
    since = int(month_index(pd.Series([a.calendar.start])).iloc[0])
    _, runs = missed_month_runs(a.events, since)
    current = runs.set_index("member_id")["current_length"].reindex(rows["member_id"]).fillna(0)
    six = a.ruleset.flags.six_month_run
    left = (six - current).clip(lower=0).where((rows["kind"] == "member").to_numpy())
    return pd.DataFrame({"连续未参加": current.astype("int64").to_numpy(),
                         "距六个月": left.to_numpy(dtype="float64")})


def _standing(a: AssessmentTables, rows: pd.DataFrame) -> pd.DataFrame:
    rates = attendance_rates(a.events, ["member_id"], pd.Index(rows["member_id"],
                                                                 name="member_id"))
    flags = a.flags["member_id"].value_counts()
    frame = pd.DataFrame({
        "党员编号": rows["member_id"], "姓名": rows["name"], "支部": rows["branch"],
        "类别": rows["category"], "累计积分": rows["total"],
        "出勤率": rates["rate"].to_numpy(), "请假": rates["leave"].to_numpy()})
    frame = pd.concat([frame.reset_index(drop=True), _runs(a, rows)], axis=1)
    frame["预计等次"] = suggested(rows).to_numpy()
    frame["提示数"] = flags.reindex(rows["member_id"]).fillna(0).astype("int64").to_numpy()
    return frame


def _warnings(a: AssessmentTables, standing: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Per branch: members, rates, and how many are in each early warning."""
    members = standing[(rows["kind"] == "member").to_numpy()]
    branches = pd.Index(sorted(rows["branch"].unique()), name="branch")
    events = with_branch(a.events, a.members)
    rates = attendance_rates(events[(events["kind"] == "member").fillna(False).to_numpy()],
                             ["branch"], branches)
    level = a.ruleset.flags.escalation_level1

    def count(mask: pd.Series) -> np.ndarray:
        return (members[mask.to_numpy()].groupby("支部").size().reindex(branches)
                .fillna(0).astype("int64").to_numpy())

    table = pd.DataFrame({"支部": branches, "人数": count(pd.Series(True, index=members.index)),
                          "出勤率": rates["rate"].to_numpy(),
                          "请假率": rates["leave_rate"].to_numpy()})
    table[f"连续未参加≥{level}月"] = count(members["连续未参加"] >= level)
    table[f"距六个月≤{NEAR}"] = count((members["距六个月"] <= NEAR) & (members["连续未参加"] > 0))
    table["有复核提示"] = count(members["提示数"] > 0)
    rs = a.ruleset
    if rs.grades is not None:
        lowest = rs.grades.bands[-1].name
        table[f"预计{lowest}"] = count(members["预计等次"] == lowest)
    return table


def _trend(a: AssessmentTables, key: str, labels: pd.Series, months: list[int]
           ) -> pd.DataFrame:
    """Attendance rate per ``key`` (``branch`` or ``activity``) and month, as a table with
    one column per month: members only, as in 支部预警 (candidates are not counted)."""
    events = with_branch(a.events, a.members).assign(activity=labels)
    events = events[(events["kind"] == "member").fillna(False).to_numpy()]
    keys = a.members["branch"] if key == "branch" else events[key]
    names = sorted(k for k in keys.dropna().unique() if k != "")
    index = pd.MultiIndex.from_product([names, months], names=[key, "month"])
    rates = attendance_rates(events, [key, "month"], index)
    wide = rates.pivot(index=key, columns="month", values="rate").reindex(
        index=pd.Index(names, name=key), columns=months)
    wide.columns = [f"{m}月" for m in months]
    return wide.reset_index().rename(columns={key: "支部" if key == "branch" else "活动"})


def _trend_sheet(book: Book, a: AssessmentTables, months: list[int]) -> None:
    names = {act.id: act.name for act in a.ruleset.activities}
    labels = a.events["activity_id"].map(names).fillna(a.events["activity"]).astype("string")
    branches = _trend(a, "branch", labels, months)
    activities = _trend(a, "activity", labels, months)
    month_columns = [Column(f"{m}月", "percent", 8) for m in months]
    ws = book.table("出勤趋势", branches, [Column("支部", "text", 30), *month_columns],
                    freeze_columns=1, repeat=False)
    top = len(branches) + 2
    book.cells(ws, top, activities, [Column("活动"), *month_columns])
    if branches.empty:
        return
    chart = book.workbook.add_chart({"type": "line"})
    for row in range(len(branches)):
        chart.add_series({"name": ["出勤趋势", row + 1, 0],
                          "categories": ["出勤趋势", 0, 1, 0, len(months)],
                          "values": ["出勤趋势", row + 1, 1, row + 1, len(months)],
                          "marker": {"type": "circle"}})
    chart.set_title({"name": "各支部出勤率（按月）", "name_font": {"size": 12}})
    axis: dict[str, Any] = {"min": 0, "max": 1, "num_format": "0%",
                            "major_gridlines": {"visible": True}}
    chart.set_y_axis(axis)
    chart.set_x_axis({"interval_unit": 1})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 900, "height": 380})
    ws.insert_chart(top + len(activities) + 2, 0, chart)


def write_monthly(a: AssessmentTables, path: str | Path, *, org: str | None = None,
                  date: dt.date | None = None) -> Path:
    """Write the monthly (quarterly) report of ``a`` (best with an as-of date) to ``path``:
    个人进度, 支部预警, 出勤趋势 (see the module's docstring), atomically, never over an
    input. ``org`` and ``date``: the organisation and run date on every page. Returns the
    path."""
    target = Path(path)
    check_target(target, a)
    rows = people(a)
    standing = _standing(a, rows)
    book = new_book(a, report_title(a), org=org, date=date)
    columns = [Column("党员编号"), Column("姓名"), Column("支部"), Column("类别"),
               Column("累计积分", "points", 10), Column("出勤率", "percent", 8),
               Column("请假", "int", 6), Column("连续未参加", "int", 8),
               Column("距六个月", "int", 8), Column("预计等次", "text", 12),
               Column("提示数", "int", 8)]
    ws = book.table("个人进度", standing, columns, freeze_columns=2)
    if not a.calendar.full_year:
        ws.set_header(book.header("等次为预计，年底前还会变化"), margin=0.35)
    warnings = _warnings(a, standing, rows)
    book.table("支部预警", warnings, [Column("支部", "text", 30), Column("人数", "int", 8),
                                    Column("出勤率", "percent", 8), Column("请假率", "percent", 8),
                                    *[Column(c, "int", 10) for c in warnings.columns[4:]]],
               freeze_columns=1)
    cal = a.calendar  # the months of the cycle up to the cutoff, in order (July first …)
    last = int(cal.month_number(pd.Series([cal.cutoff])).iloc[0])
    _trend_sheet(book, a, [(cal.first_month - 1 + m) % 12 + 1 for m in range(last + 1)])
    book.save(target)
    return target
