"""The blank template workbook ``points init`` writes: every sheet the reader needs, with two
sample members a secretary overwrites. ``points score`` reads it as it is, without issues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from .xlsx import atomic_write

__all__ = ["write_template"]

_HEADER = PatternFill("solid", fgColor="D9E1F2")


def write_template(path: str | Path, *, year: int) -> None:
    """Write the template workbook for ``year`` to ``path`` (atomically)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    members = [("DY001", "张三", "第一党支部", "在职党员"), ("DY002", "李四", "第一党支部", "预备党员")]

    def sheet(name: str, header: list[str], rows: list[list[object]], widths: list[int],
              title: str | None = None, note: str | None = None) -> None:
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

    sheet("党员名册", ["党员编号", "姓名", "支部", "党员类别", "入党（转入）日期", "转出日期"],
          [[*m, dt.date(2015 + i, 7, 1), None] for i, m in enumerate(members)],
          [12, 10, 18, 14, 18, 12], title=f"{year}年党员名册",
          note="注：党员类别可填 在职党员、离退休党员、流动党员、年老体弱党员、预备党员、"
               "发展对象、入党积极分子")
    sheet("主题党日", ["序号", "党员编号", "姓名", "1月10日", "2月10日"],
          [[i + 1, m[0], m[1], "√", "请假" if i else "√"] for i, m in enumerate(members)],
          [6, 12, 10, 10, 10], title=f"第一党支部{year}年主题党日签到表",
          note="注：每次活动一列，表头写日期；√ 出席，迟到，线上，补学，请假，× 缺席。"
               "工作表名写活动类型（支部党员大会、党小组会、党课、主题党日、组织生活会……），"
               "也可把本表复制一份改名。")
    sheet("负面清单", ["党员编号", "姓名", "日期", "事项", "备注"], [], [12, 10, 12, 24, 20],
          note="注：事项按规则的负面清单填写，如 未按时交纳党费、不完成组织分配任务")
    sheet("先锋示范", ["党员编号", "姓名", "日期", "加分事项", "备注"], [], [12, 10, 12, 24, 20],
          note="注：加分事项按规则填写，如 志愿服务、讲党课、结对帮扶、表彰（县级）")
    sheet("民主评议", ["党员编号", "姓名", "评议结果"], [[m[0], m[1], "合格"] for m in members],
          [12, 10, 12], note="注：评议结果填 优秀、合格、基本合格、不合格")
    atomic_write(path, book.save)
