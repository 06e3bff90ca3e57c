"""The blank template workbook ``points init`` writes: every sheet the reader needs, with two
sample members a secretary overwrites, and drop-down lists (data validation) taken from the
ruleset: 党员类别, the sign-in marks, the activities, the 负面清单 and 先锋示范 items and the
民主评议 results. The sample year scores sensibly (a full year of activities: 张三 合格 with a
先锋示范 item, 李四, a 预备党员, with one leave); ``points score`` reads it without issues."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..rules import default_ruleset
from ..rules.model import Ruleset
from ..vocab.statuses import EFFECTIVE
from .xlsx import atomic_write

__all__ = ["choices", "write_template"]

_HEADER = PatternFill("solid", fgColor="D9E1F2")
#: Rows below the header that carry the drop-down lists.
ROWS = 500
_MEMBERS = [("DY001", "张三", "第一党支部", "在职党员"), ("DY002", "李四", "第一党支部", "预备党员")]


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
        cell.fill = _HEADER
    for row in rows:
        ws.append(row)
    if note:
        ws.append([])
        ws.append([note])
    ws.freeze_panes = ws.cell(row=at + 1, column=1)
    for i, width in enumerate(widths):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = width
    return ws


def _activity_rows(year: int) -> list[list[object]]:
    """The sample sign-in list: 党小组会 monthly, 支部党员大会 quarterly, 党课 twice, 组织生活会
    once, for both members; 李四 on leave once."""
    held = [(dt.date(year, m, 5), "党小组会") for m in range(1, 13)]
    held += [(dt.date(year, m, 20), "支部党员大会") for m in (3, 6, 9, 12)]
    held += [(dt.date(year, m, 25), "党课") for m in (4, 10)]
    held += [(dt.date(year, 12, 28), "组织生活会")]
    rows: list[list[object]] = []
    for day, activity in sorted(held):
        for member_id, name, _, _ in _MEMBERS:
            mark = "请假" if (name, day.month, activity) == ("李四", 7, "党小组会") else "√"
            rows.append([member_id, name, day, activity, mark, None])
    return rows


def _sign_in(book: openpyxl.Workbook, ruleset: Ruleset, year: int) -> None:
    marks = _marks(ruleset)
    days = [dt.date(year, m, 10) for m in range(1, 13)]
    ws = _sheet(book, "主题党日", ["序号", "党员编号", "姓名", *[f"{d.month}月{d.day}日" for d in days]],
                [[i + 1, m[0], m[1], *["√"] * 12] for i, m in enumerate(_MEMBERS)],
                [6, 12, 10, *[8] * 12], title=f"第一党支部{year}年主题党日签到表",
                note="注：每次活动一列，表头写日期；签到从下拉列表选（" + "、".join(marks) + "）。"
                     "工作表名写活动类型（支部党员大会、党小组会、党课、主题党日、组织生活会……），"
                     "也可把本表复制一份改名。")
    _dropdown(ws, f"D3:AZ{ROWS}", marks, "签到")
    ws = _sheet(book, "签到记录", ["党员编号", "姓名", "日期", "活动类型", "出勤情况", "备注"],
                _activity_rows(year), [12, 10, 12, 16, 10, 16], title=f"第一党支部{year}年签到记录",
                note="注：一行一人一次活动；活动类型和出勤情况从下拉列表选。")
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    _dropdown(ws, f"D3:D{ROWS}", [a.name for a in ruleset.activities], "活动类型")
    _dropdown(ws, f"E3:E{ROWS}", marks, "出勤情况")


def write_template(path: str | Path, *, year: int, ruleset: Ruleset | None = None) -> None:
    """Write the template workbook for ``year`` to ``path`` (atomically), its drop-down lists
    from ``ruleset`` (the default ruleset when None)."""
    rs = default_ruleset() if ruleset is None else ruleset
    book = openpyxl.Workbook()
    book.remove(book.active)
    ws = _sheet(book, "党员名册", ["党员编号", "姓名", "支部", "党员类别", "入党（转入）日期", "转出日期"],
                [[*m, dt.date(2015 + i, 7, 1), None] for i, m in enumerate(_MEMBERS)],
                [12, 10, 18, 14, 18, 12], title=f"{year}年党员名册",
                note="注：党员类别从下拉列表选（" + "、".join(c.name for c in rs.categories) + "）")
    _dropdown(ws, f"D3:D{ROWS}", [c.name for c in rs.categories], "党员类别")
    _sign_in(book, rs, year)
    negatives, bonuses = [i.name for i in rs.negatives], [i.name for i in rs.bonuses]
    ws = _sheet(book, "负面清单", ["党员编号", "姓名", "日期", "事项", "备注"], [],
                [12, 10, 12, 24, 20], note="注：事项从下拉列表选（规则的负面清单）")
    _dropdown(ws, f"D2:D{ROWS}", negatives, "事项")
    ws = _sheet(book, "先锋示范", ["党员编号", "姓名", "日期", "加分事项", "备注"],
                [["DY001", "张三", dt.date(year, 5, 1), bonuses[0], None]] if bonuses else [],
                [12, 10, 12, 24, 20], note="注：加分事项从下拉列表选（规则的先锋示范事项）")
    _dropdown(ws, f"D2:D{ROWS}", bonuses, "加分事项")
    results = list(rs.appraisal.results) if rs.appraisal is not None else ["合格"]
    ws = _sheet(book, "民主评议", ["党员编号", "姓名", "评议结果"],
                [[m[0], m[1], "合格"] for m in _MEMBERS], [12, 10, 12],
                note="注：评议结果从下拉列表选（" + "、".join(results) + "）")
    _dropdown(ws, f"C2:C{ROWS}", results, "评议结果")
    atomic_write(path, book.save)
