"""Write realistic branch workbooks for the reader tests (openpyxl, real .xlsx files)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl


def write(path: Path, sheets: dict[str, Sequence[Sequence[Any]]],
          merged: dict[str, Sequence[str]] | None = None) -> Path:
    """One workbook: sheet name → rows (``None`` for an empty cell), plus merged ranges."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for area in (merged or {}).get(name, ()):
            ws.merge_cells(area)
    book.save(path)
    return path


def roster(folder: Path) -> Path:
    return write(folder / "党员名册.xlsx", {"党员名册": [
        ["城关社区第一党支部党员名册"],
        ["序号", "党员编号", "姓名", "所在支部", "党员类别", "入党（转入）日期", "联系电话", "身份证号"],
        [1, "CG01", "张三", "第一党支部", "在职党员", dt.date(2010, 5, 1), "13800000001", "110"],
        [2, "CG02", "李四", "第一党支部", "流动党员", dt.date(2012, 7, 1), "13800000002", "111"],
        [3, "CG03", "王五", "第一党支部", "在职党员", None, None, None],
        [4, "CG04", "王五", "第一党支部", "离退休党员", None, None, None],
        [5, 1005, "周七", "第一党支部", "预备党员", "2024.3.1", None, None],
        [6, "CG06", "吴八", "第一党支部", "发展对像", None, None, None],
    ]}, {"党员名册": ["A1:H1"]})


def matrix(folder: Path) -> Path:
    """A March sign-in matrix: merged title, two-row header (activities merged over dates),
    Excel and text dates, a totals column, stray and full-width spaces, an unknown member, an
    ambiguous name, an unknown mark, a duplicated row and a notes row."""
    return write(folder / "第一党支部2024年签到表.xlsx", {"3月": [
        ["第一党支部2024年3月组织生活签到表"],
        ["序号", "姓名", "党小组会", "主题党日", None, "合计"],
        [None, None, dt.datetime(2024, 3, 5), "3月15日", "2024.3.25", None],
        [1, "张三", "√", "请假", "×", 1],
        [2, "李　四 ", " ✓", "迟到", None, 2],
        [3, "王五", "√", "√", "√", 3],
        [4, "赵六", "√", None, None, 1],
        [5, "张三", "√", "请假", "×", 1],
        [6, "周七", "好", "线上", "√", 2],
        [None, "合计", 5, 2, 2, None],
        ["注：√表示出席，×表示缺席，请假写“请假”"],
    ]}, {"3月": ["A1:F1", "D2:E2", "A2:A3", "B2:B3", "F2:F3"]})


def attendance_list(folder: Path) -> Path:
    return write(folder / "集中学习记录.xlsx", {"学习记录": [
        ["2024年集中学习签到记录"],
        ["党员编号", "姓名", "日期", "活动类型", "出勤情况", "备注"],
        ["CG01", "张三", "2024/4/2", "集中学习", "√", None],
        [None, "李四", dt.date(2024, 4, 2), "集中学习", "网上", "在外地"],
        ["CG04", "王五", "4月31日", "集中学习", "√", None],
        ["CG03", "王五", "2024-04-02", "读书会", "√", None],
    ]})


def logs(folder: Path) -> Path:
    return write(folder / "积分记录.xlsx", {
        "负面清单": [["姓名", "日期", "事项"],
                  ["张三", dt.date(2024, 5, 28), "未按时交纳党费"],
                  ["李四", dt.date(2024, 6, 1), "不完成组织分配任务"]],
        "先锋示范": [["党员编号", "姓名", "日期", "加分事项"],
                  ["CG02", "李四", dt.date(2024, 6, 1), "志愿服务"],
                  ["CG02", "李四", dt.date(2024, 7, 1), "表彰(县级)"]],
        "民主评议": [["姓名", "评议结果"], ["张三", "合格"], ["李四", "优秀"]],
        "Sheet3": [],
    })
