"""The 公示 (#15 item 4): members and candidates apart, 姓氏笔画 order, the notice with its
period, contact and issuing organisation, one per branch from the command line."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import points
import workbooks
from conftest import build
from points import cli
from points.report.sheets.public import CANDIDATES_SHEET
from points.report.strokes import stroke_order

PEOPLE = [("M1", "王芳", "一支部", "在职党员"), ("M2", "丁一", "一支部", "在职党员"),
          ("M3", "张三", "二支部", "在职党员"), ("M4", "卜凡", "二支部", "在职党员"),
          ("M5", "王五", "一支部", "在职党员"), ("M6", "马六", "二支部", "发展对象"),
          ("M7", "乙", "一支部", "入党积极分子")]


def test_names_in_stroke_order_ties_by_the_next_character_then_the_id() -> None:
    frame = pd.DataFrame({"member_id": ["A", "B", "C", "D", "E", "F", "G"],
                          "name": ["张三", "丁一", "王芳", "王五", "卜凡", "丁一", "王"]})
    ordered = stroke_order(frame)
    # 丁 2 strokes (卜 also 2), 王 4, 张 7; 王 < 王五 (4) < 王芳 (7); equal names by id
    assert ordered["name"].tolist() == ["丁一", "丁一", "卜凡", "王", "王五", "王芳", "张三"]
    assert ordered["member_id"].tolist()[:2] == ["B", "F"]
    shuffled = stroke_order(frame.iloc[::-1])
    assert shuffled["member_id"].tolist() == ordered["member_id"].tolist()


def _assessed() -> points.Assessment:
    return points.assess(build(PEOPLE, [(m[0], "2024-03-05", "主题党日", "present")
                                        for m in PEOPLE]), year=2024)


def test_public_lists_members_and_candidates_apart_with_the_notice(tmp_path: Path) -> None:
    path = tmp_path / "公示.xlsx"
    _assessed().to_excel(path, public=True, org="中共河西镇委员会", date=dt.date(2025, 1, 6),
                         notice=points.Notice(days=7, contact="0571-8888 & 值班室"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["公示", CANDIDATES_SHEET]
    rows = list(book["公示"].iter_rows(values_only=True))
    assert rows[0] == ("姓名", "支部", "总积分", "建议等次")
    assert [r[0] for r in rows[1:6]] == ["丁一", "卜凡", "王五", "王芳", "张三"]
    text = "\n".join(str(v) for r in rows[6:] for v in r if v is not None)
    assert "公示期：2025年1月6日至2025年1月12日（7 天）" in text
    assert "中共河西镇委员会" in text and "0571-8888 & 值班室" in text and "2025年1月6日" in text
    candidates = list(book[CANDIDATES_SHEET].iter_rows(values_only=True))
    assert candidates[0] == ("姓名", "支部", "类别", "总积分", "择优档次")
    assert [(r[0], r[2]) for r in candidates[1:3]] == [("乙", "入党积极分子"), ("马六", "发展对象")]
    for ws in book:
        assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
        header = ws.oddHeader.center.text or ""
        assert "2024年度党员积分公示" in header and "公示期：2025年1月6日至2025年1月12日" in header
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_bad_notice_days_is_a_chinese_error() -> None:
    with pytest.raises(points.ArgumentError, match="公示天数"):
        points.Notice(days=0)


def test_score_public_folder_per_branch(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    roster = workbooks.write(tmp_path / "in" / "名册.xlsx", {"党员名册": [
        ["党员编号", "姓名", "所在支部", "党员类别"], *[list(p) for p in PEOPLE]]})
    sheet = workbooks.write(tmp_path / "in" / "2024年签到表.xlsx", {"3月": [
        ["2024年3月组织生活签到表"], ["序号", "姓名", "主题党日"],
        [None, None, dt.datetime(2024, 3, 5)],
        *[[i, p[1], "√"] for i, p in enumerate(PEOPLE, start=1)]]})
    args = ["score", str(roster), str(sheet), "-o", str(tmp_path / "复核.xlsx"),
            "--public", str(tmp_path / "公示"), "--per-branch", "--contact", "12345"]
    assert cli.main(args) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "公示").iterdir()) == [
        "一支部.xlsx", "二支部.xlsx", "全部支部.xlsx"]
    one = openpyxl.load_workbook(tmp_path / "公示" / "一支部.xlsx")
    assert [r[0] for r in one["公示"].iter_rows(min_row=2, max_row=4, values_only=True)] == [
        "丁一", "王五", "王芳"]
    args[6] = str(tmp_path / "公示.xlsx")
    assert cli.main(args) == 1
    assert "--per-branch 不写文件夹" in capsys.readouterr().err
    assert cli.main([*args[:7], "--notice-days", "0"]) == 1
    assert "错误：公示天数：应为 1 到 366 的整数" in capsys.readouterr().err
