"""公示: the lists to print and post, A4 portrait, names in 姓氏笔画 order.

``公示``: the members, 姓名, 支部, 总积分, 建议等次 (and the rating, e.g. 星级, when the ruleset
has ``[rating]``); ``发展对象公示`` (when there are any): the
candidates, 姓名, 支部, 类别, 总积分, 择优档次. Below each list the notice: the 公示期 (from the
run date, :attr:`Notice.days` calendar days including it), where to send objections (the
issuing organisation and :attr:`Notice.contact`), then the organisation and the date, to stamp.
The page header carries the organisation, the title with the year, and the 公示期.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from ...judge.assessment import AssessmentTables
from ...vocab.errors import ArgumentError
from ..strokes import stroke_order
from ..xlsx import Book, Column
from .colours import grade_colours
from .people import mask_name, suggested

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

__all__ = ["CANDIDATES_SHEET", "Notice", "write_public"]

CANDIDATES_SHEET = "发展对象公示"
#: The longest 公示期 accepted, in days.
MAX_DAYS = 366


def _days(_: object, __: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise ArgumentError(f"公示天数：应为 1 到 {MAX_DAYS} 的整数，实际是 {value!r}")


def _contact(_: object, __: object, value: object) -> None:
    if not isinstance(value, str) or len(value) > 200:
        raise ArgumentError(f"公示的反馈联系方式：应为不超过 200 字的文字，实际是 {value!r:.60}")


@attrs.frozen(kw_only=True)
class Notice:
    """What the 公示 says besides the lists: ``days`` of 公示期 (default 5, calendar days
    from the run date on) and the ``contact`` for objections (a phone number, an office)."""

    days: int = attrs.field(default=5, validator=_days)
    contact: str = attrs.field(default="", validator=_contact)

    def period(self, start: dt.date) -> str:
        """``公示期：2025年1月6日至2025年1月10日（5 天）``."""
        end = start + dt.timedelta(days=self.days - 1)
        return f"公示期：{_day(start)}至{_day(end)}（{self.days} 天）"


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _notice_lines(notice: Notice, org: str, start: dt.date) -> list[str]:
    whom = f"向{org}反映" if org else "向党组织反映"
    contact = f"，联系电话（方式）：{notice.contact.strip()}" if notice.contact.strip() else ""
    return [f"{notice.period(start)}。公示期间如有不同意见，请{whom}{contact}。"]


def _write_notice(book: Book, ws: Worksheet, top: int, width: int, lines: list[str],
                  org: str, start: dt.date) -> None:
    """The notice below a list: its lines (wrapped across the list's width), then the
    organisation and the date on the right."""
    wb = book.workbook
    if "notice" not in book.formats:
        plain = {"text_wrap": True, "valign": "top"}
        book.formats["notice"] = wb.add_format(plain)
        book.formats["notice_quoted"] = wb.add_format({**plain, "quote_prefix": True})
        right = {"align": "right"}
        book.formats["signed"] = wb.add_format(right)
        book.formats["signed_quoted"] = wb.add_format({**right, "quote_prefix": True})
    chars = sum(book.widths(ws)[:width]) or 40
    row = top
    for line in lines:
        ws.merge_range(row, 0, row, width - 1, "", book.formats["notice"])
        book.write_text(ws, row, 0, line, "notice")
        ws.set_row(row, 15 * max(1, -(-2 * len(line) // int(chars))))
        row += 1
    for text in (org, _day(start)):
        if text:
            ws.merge_range(row + 1, 0, row + 1, width - 1, "", book.formats["signed"])
            book.write_text(ws, row + 1, 0, text, "signed")
            row += 1


def _list_sheet(book: Book, name: str, frame: pd.DataFrame, columns: list[Column],
                note: str) -> Worksheet:
    ws = book.table(name, frame, columns)
    ws.set_header(book.header(note, below=True), margin=0.3)
    ws.fit_to_pages(1, 0)
    ws.set_portrait()
    return ws


def write_public(book: Book, a: AssessmentTables, people: pd.DataFrame, mask: bool, *,
                 notice: Notice | None = None, org: str = "", date: dt.date) -> None:
    """Add the 公示 sheets for ``people`` (members, then candidates when there are any), in
    姓氏笔画 order (:mod:`..strokes`); ``mask`` shows names as ``张*丰``; ``org`` issues it
    on ``date`` (the first day of the 公示期)."""
    notice = Notice() if notice is None else notice
    ordered = stroke_order(people).reset_index(drop=True)
    names = mask_name(ordered["name"]) if mask else ordered["name"].astype("string")
    lines = _notice_lines(notice, org, date)
    note = notice.period(date)
    member = (ordered["kind"] == "member").to_numpy()
    members = pd.DataFrame({"姓名": names[member], "支部": ordered.loc[member, "branch"],
                            "总积分": ordered.loc[member, "total"],
                            "建议等次": suggested(ordered[member])})
    columns = [Column("姓名"), Column("支部", "text", 30), Column("总积分", "points", 10),
               Column("建议等次", "text", 12)]
    if a.ruleset.rating is not None:  # stars and boards are posted too
        members[a.ruleset.rating.label] = ordered.loc[member, "rating"].astype("string")
        columns.append(Column(a.ruleset.rating.label, "text", 14))
    ws = _list_sheet(book, "公示", members, columns, note)
    grade_colours(book, ws, a, len(members), 3)
    _write_notice(book, ws, len(members) + 2, len(columns), lines, org, date)
    if not np.any(~member):
        return
    rows = ordered[~member]
    candidates = pd.DataFrame({"姓名": names[~member], "支部": rows["branch"],
                               "类别": rows["category"], "总积分": rows["total"],
                               "择优档次": rows["candidate_band"].astype("string")})
    ws = _list_sheet(book, CANDIDATES_SHEET, candidates, [
        Column("姓名"), Column("支部", "text", 30), Column("类别", "text", 16),
        Column("总积分", "points", 10), Column("择优档次", "text", 12)], note)
    _write_notice(book, ws, len(candidates) + 2, 5, lines, org, date)
