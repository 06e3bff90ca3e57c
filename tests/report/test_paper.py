"""What the paper says (#15, first items): the 公示 header keeps its year, cap rows read as
caps, sheets and rows in natural order."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

import points
from conftest import build
from points.report.review import ledger_table
from points.vocab.frames import sort_frame


def test_the_public_header_keeps_the_year(tmp_path: Path) -> None:
    result = points.assess(build([("M1", "张三", "一支部", "在职党员")],
                                 [("M1", "2024-03-05", "主题党日", "present")]), year=2024)
    path = tmp_path / "公示.xlsx"
    result.to_excel(path, public=True)
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "&amp;B&amp;14 一支部 2024年度党员积分公示" in sheet  # "&14 2024…": no size 142024
    assert "公示期：2024年12月31日至2025年1月4日" in sheet  # from the run date, 5 days


def test_a_cap_row_reads_as_a_cap_not_a_penalty() -> None:
    lectures = [("M1", f"2024-{m:02d}-05", "党课", "present") for m in (3, 6, 9)]
    result = points.assess(build([("M1", "张三", "一支部", "在职党员")], lectures), year=2024)
    table = ledger_table(result)
    capped = table[table["规则编号"] == "cap.party_lecture"]
    assert capped["规则"].tolist() == ["党课 超出年度上限"]
    assert capped["积分"].tolist() == [-5.0]


def test_sheets_and_rows_sort_naturally() -> None:
    sources = ["签到.xlsx!10月!A2", "签到.xlsx!6月!A10", "签到.xlsx!6月!A9", "签到.xlsx!11月!A1"]
    frame = pd.DataFrame({"source": sources})
    assert sort_frame(frame, ["source"])["source"].tolist() == [
        "签到.xlsx!6月!A9", "签到.xlsx!6月!A10", "签到.xlsx!10月!A2", "签到.xlsx!11月!A1"]
