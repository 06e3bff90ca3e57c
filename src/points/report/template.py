"""The blank template workbook ``points init`` writes: every sheet the reader needs, with two
sample members a secretary overwrites, and drop-down lists (data validation) taken from the
ruleset: 党员类别, the sign-in marks, the activities, the 负面清单 and 先锋示范 items and the
民主评议 results. The sample year scores sensibly (a full year of activities: 张三 合格 with a
先锋示范 item, 李四, a 预备党员, with one leave); ``points score`` reads it without issues.
Every sample comes from the ruleset (:class:`Sample`): its first categories, its activities and
marks, a 民主评议 result it knows (or a score), dates inside its cycle; so the template scores
without data issues under every shipped ruleset (a test)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import define

from ..rules import default_ruleset
from ..rules.model import Appraisal, Ruleset
from ..score.calendar import cycle_month
from ..vocab.statuses import EFFECTIVE
from .xlsx import atomic_write

if TYPE_CHECKING:  # openpyxl is imported when a template is written: every command loads
    import openpyxl  # this module, and openpyxl takes about 0.15 s to import
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["Sample", "choices", "write_template"]

#: The header row's fill colour.
_HEADER = "D9E1F2"
#: Rows below the header that carry the drop-down lists.
ROWS = 500
#: The sample sign-in list: (activity it prefers, months of the cycle it is held in, day).
_SCHEDULE = [("党小组会", range(12), 5), ("支部党员大会", (2, 5, 8, 11), 20), ("党课", (3, 9), 25),
             ("组织生活会", (11,), 28)]


@define
class Sample:
    """The sample rows, every one taken from the ruleset so that they score without issues."""

    members: list[tuple[str, str, str, str]]
    months: list[dt.date]  # the first day of each month of the cycle, in order
    present: str
    leave: str | None
    matrix: str  # the activity of the sign-in matrix (its sheet's name)
    held: list[tuple[dt.date, str]]  # the sign-in list: when, which activity
    appraisal: str | int | None  # a result word the ruleset knows, a score, or None (no 民主评议)

    @classmethod
    def of(cls, ruleset: Ruleset, year: int) -> Sample:
        """The sample for ``year`` (the cycle ending in it when ``cycle_start`` is not 01-01)."""
        first = cycle_month(ruleset.cycle_start)
        start = dt.date(year - (first > 1), first, 1)
        months = [dt.date(start.year + (first - 1 + i) // 12, (first - 1 + i) % 12 + 1, 1)
                  for i in range(12)]
        names = [a.name for a in ruleset.activities]
        matrix = "主题党日" if "主题党日" in names else names[0]
        spare = iter([n for n in names if n != matrix and n not in {a for a, _, _ in _SCHEDULE}])
        held: list[tuple[dt.date, str]] = []
        for wanted, at, day in _SCHEDULE:
            activity = wanted if wanted in names and wanted != matrix else next(spare, None)
            if activity is not None:
                held += [(months[i].replace(day=day), activity) for i in at]
        marks = _marks(ruleset)
        by_status = {status: mark for mark, status in ruleset.marks.vocabulary.items()}
        leave = next((m for m in marks if by_status.get(m) == "leave"), None)
        return cls(members=_members(ruleset), months=months, present=marks[0], leave=leave,
                   matrix=matrix, held=sorted(held), appraisal=_appraisal(ruleset))


def _members(ruleset: Ruleset) -> list[tuple[str, str, str, str]]:
    """张三 in the first full member category, 李四 in the first probation one (预备党员)."""
    members = [c for c in ruleset.categories if c.kind == "member"] or list(ruleset.categories)
    full = next((c for c in members if not c.probation), members[0])
    probation = next((c for c in members if c.probation), full)
    return [("DY001", "张三", "第一党支部", full.name), ("DY002", "李四", "第一党支部", probation.name)]


def _appraisal(ruleset: Ruleset) -> str | int | None:
    """合格 when the ruleset knows it, else a middle result word, else a score (80% of the
    full score) when it takes scores only; None without 民主评议."""
    appraisal = ruleset.appraisal
    if appraisal is None:
        return None
    words = list(appraisal.results)
    if "合格" in words:
        return "合格"
    if words:
        return words[len(words) // 2]
    return round(appraisal.score_max * 0.8)


def choices(names: Sequence[str]) -> list[str]:
    """The names a list-type data validation can hold: without commas or quotes, distinct, at
    most Excel's 255 characters in all."""
    out: list[str] = []
    for name in dict.fromkeys(n for n in names if n and "," not in n and '"' not in n):
        if len(",".join([*out, name])) + 2 > 255:
            break
        out.append(name)
    return out


def _marks(ruleset: Ruleset) -> list[str]:
    """One or two marks per status, in the order of :data:`EFFECTIVE`: the first the ruleset
    gives for it, and for attendance its usual word (√ 出席)."""
    by_status: dict[str, list[str]] = {}
    for mark, status in ruleset.marks.vocabulary.items():
        by_status.setdefault(status, []).append(mark)
    return [m for s in EFFECTIVE for m in by_status.get(s, [])[:1]]


def _dropdown(ws: Worksheet, cells: str, names: Sequence[str], what: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    listed = choices(names)
    if not listed:
        return
    rule = DataValidation(type="list", formula1='"' + ",".join(listed) + '"', allow_blank=True,
                          showErrorMessage=True, errorStyle="warning", errorTitle="不在列表中",
                          error=f"{what}应从下拉列表中选择；确实需要其他写法时点“是”保留。",
                          promptTitle=what, prompt="从下拉列表中选择", showInputMessage=True)
    rule.add(cells)
    ws.add_data_validation(rule)


def _sheet(book: openpyxl.Workbook, name: str, header: list[str], rows: list[list[object]],
           widths: list[int], title: str | None = None, note: str | None = None) -> Worksheet:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(name)
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(header)
    at = ws.max_row
    for cell in ws[at]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER)
    for row in rows:
        ws.append(row)
    if note:
        ws.append([])
        ws.append([note])
    ws.freeze_panes = ws.cell(row=at + 1, column=1)
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    return ws


def _activity_rows(sample: Sample) -> list[list[object]]:
    """The sample sign-in list: 党小组会 monthly, 支部党员大会 quarterly, 党课 twice, 组织生活会
    once (or the ruleset's other activities), for both members; 李四 on leave once."""
    leave_day = next((d for d, _ in sample.held if d.month == sample.months[6].month), None)
    rows: list[list[object]] = []
    for day, activity in sample.held:
        for member_id, name, _, _ in sample.members:
            on_leave = sample.leave is not None and name == "李四" and day == leave_day
            rows.append([member_id, name, day, activity, sample.leave if on_leave else sample.present,
                         None])
    return rows


def _day_header(day: dt.date, sample: Sample) -> str:
    """``1月10日``; with the year (``2023年7月10日``) when the cycle is not the calendar year."""
    month_day = f"{day.month}月{day.day}日"
    return month_day if sample.months[0].month == 1 else f"{day.year}年{month_day}"


def _sign_in(book: openpyxl.Workbook, ruleset: Ruleset, year: int, sample: Sample) -> None:
    marks = _marks(ruleset)
    days = [m.replace(day=10) for m in sample.months]
    ws = _sheet(book, sample.matrix,
                ["序号", "党员编号", "姓名", *[_day_header(d, sample) for d in days]],
                [[i + 1, m[0], m[1], *[sample.present] * 12] for i, m in enumerate(sample.members)],
                [6, 12, 10, *[8 if sample.months[0].month == 1 else 14] * 12],
                title=f"第一党支部{year}年{sample.matrix}签到表",
                note="注：每次活动一列，表头写日期；签到从下拉列表选（" + "、".join(marks) + "）。"
                     "工作表名写活动类型（" + "、".join(a.name for a in ruleset.activities) + "），"
                     "也可把本表复制一份改名。")
    _dropdown(ws, f"D3:AZ{ROWS}", marks, "签到")
    ws = _sheet(book, "签到记录", ["党员编号", "姓名", "日期", "活动类型", "出勤情况", "备注"],
                _activity_rows(sample), [12, 10, 12, 16, 10, 16], title=f"第一党支部{year}年签到记录",
                note="注：一行一人一次活动；活动类型和出勤情况从下拉列表选。")
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    _dropdown(ws, f"D3:D{ROWS}", [a.name for a in ruleset.activities], "活动类型")
    _dropdown(ws, f"E3:E{ROWS}", marks, "出勤情况")


def write_template(path: str | Path, *, year: int, ruleset: Ruleset | None = None) -> None:
    """Write the template workbook for ``year`` to ``path`` (atomically), its drop-down lists
    and sample rows from ``ruleset`` (the default ruleset when None): its categories,
    activities, marks, items and 民主评议 results, dates inside its cycle (``cycle_start``)."""
    rs = default_ruleset() if ruleset is None else ruleset
    sample = Sample.of(rs, year)
    import openpyxl  # (see the imports above)

    book = openpyxl.Workbook()
    book.remove(book.active)
    ws = _sheet(book, "党员名册", ["党员编号", "姓名", "支部", "党员类别", "入党（转入）日期", "转出日期"],
                [[*m, dt.date(2015 + i, 7, 1), None] for i, m in enumerate(sample.members)],
                [12, 10, 18, 14, 18, 12], title=f"{year}年党员名册",
                note="注：党员类别从下拉列表选（" + "、".join(c.name for c in rs.categories) + "）")
    _dropdown(ws, f"D3:D{ROWS}", [c.name for c in rs.categories], "党员类别")
    _sign_in(book, rs, year, sample)
    negatives, bonuses = [i.name for i in rs.negatives], [i.name for i in rs.bonuses]
    ws = _sheet(book, "负面清单", ["党员编号", "姓名", "日期", "事项", "备注"], [],
                [12, 10, 12, 24, 20], note="注：事项从下拉列表选（规则的负面清单）")
    _dropdown(ws, f"D2:D{ROWS}", negatives, "事项")
    bonus = [["DY001", "张三", sample.months[4], bonuses[0], None]] if bonuses else []
    ws = _sheet(book, "先锋示范", ["党员编号", "姓名", "日期", "加分事项", "备注"], bonus,
                [12, 10, 12, 24, 20], note="注：加分事项从下拉列表选（规则的先锋示范事项）")
    _dropdown(ws, f"D2:D{ROWS}", bonuses, "加分事项")
    if rs.appraisal is not None:  # a ruleset without 民主评议 gets no sheet for it
        _appraisal_sheet(book, rs.appraisal, sample)
    atomic_write(path, book.save)


def _appraisal_sheet(book: openpyxl.Workbook, appraisal: Appraisal, sample: Sample) -> None:
    results = list(appraisal.results)
    how = "从下拉列表选（" + "、".join(results) + "）" if results else ""
    if appraisal.score_weight is not None:
        how += ("，或" if how else "") + f"填 0～{appraisal.score_max:g} 分的得分"
    ws = _sheet(book, "民主评议", ["党员编号", "姓名", "评议结果"],
                [[m[0], m[1], sample.appraisal] for m in sample.members], [12, 10, 12],
                note=f"注：评议结果{how}")
    _dropdown(ws, f"C2:C{ROWS}", results, "评议结果")
