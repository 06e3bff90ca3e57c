"""Every file, sheet, row and cell accounted for: read, or a located data issue (#13)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import points
import workbooks as wb
from conftest import assert_same_frame


def codes(records: points.Records) -> list[tuple[str, str]]:
    return list(zip(records.issues["code"], records.issues["source"], strict=True))


def test_a_folder_reads_every_format_and_accounts_for_the_rest(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    (tmp_path / "签到.csv").write_text(
        "姓名,日期,活动类型,出勤情况\n张三,2024-03-05,党课,√\n李四,2024/4/5,党课,请假\n",
        encoding="gb18030")
    wb.write(tmp_path / "主题党日.XLSX", {"主题党日": [["姓名", dt.date(2024, 3, 9)], ["张三", "√"]]})
    (tmp_path / "说明.docx").write_bytes(b"PK not a sheet")
    (tmp_path / "~$党员名册.xlsx").write_bytes(b"lock")
    (tmp_path / "旧表.et").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "归档").mkdir()
    records = points.read_workbooks(tmp_path)
    assert sorted(records.attendance["mark"]) == ["√", "√", "请假"]
    assert {Path(p).name for p, _ in records.files} == {"党员名册.xlsx", "签到.csv", "主题党日.XLSX"}
    skipped = records.issues[records.issues["code"] == "skipped_file"]
    reasons = dict(zip(skipped["source"].map(lambda p: Path(p).name), skipped["message"],
                       strict=True))
    assert set(reasons) == {"说明.docx", "~$党员名册.xlsx", "旧表.et", "归档"}
    assert "另存为” .xlsx" in reasons["旧表.et"] and "临时文件" in reasons["~$党员名册.xlsx"]


def test_last_runs_outputs_are_never_read_back(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    wb.matrix(tmp_path)
    first = points.read_workbooks(tmp_path)
    result = points.assess(first, year=2024)
    result.to_excel(tmp_path / "复核.xlsx")
    result.to_excel(tmp_path / "公示.xlsx", public=True)
    again = points.read_workbooks(tmp_path)
    assert_same_frame(again.attendance, first.attendance)
    assert_same_frame(again.roster, first.roster)
    notices = again.issues[again.issues["code"] == "skipped_file"]
    assert sorted(Path(p).name for p in notices["source"]) == ["公示.xlsx", "复核.xlsx"]
    assert notices["message"].str.contains("points 写出的结果文件").all()


def test_an_output_is_told_from_the_end_of_its_file_whatever_precedes_or_follows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A branch's workbook is told apart by the part names in its zip's central directory,
    read from the file's last 64 kB (not opened as a zip, not read whole); an output of
    points is recognised whatever its size, with a long comment after its directory (the
    directory not in the tail: opened as a zip), and with bytes before it."""
    from points.read import files

    wb.roster(tmp_path)
    result = points.assess(points.read_workbooks(tmp_path), year=2024)
    ours = result.to_excel(tmp_path / "复核.xlsx")[0]
    theirs = tmp_path / "党员名册.xlsx"
    opened: list[Path] = []
    real = files.zipfile.ZipFile
    monkeypatch.setattr(files.zipfile, "ZipFile",
                        lambda path, *a, **k: opened.append(Path(path)) or real(path, *a, **k))
    with monkeypatch.context() as patch:  # never read whole
        patch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read whole"))
        assert files._problem(theirs) == "" and opened == []  # the tail was enough
    assert "points 写出的结果文件" in files._problem(ours) and opened == [ours]
    commented = tmp_path / "带注释.xlsx"
    with real(ours) as source, real(commented, "w") as copy:
        for info in source.infolist():
            copy.writestr(info, source.read(info))
        copy.comment = b"x" * 65000  # the directory is no longer in the last 64 kB
    assert "points 写出的结果文件" in files._problem(commented)
    prefixed = tmp_path / "前缀.xlsx"
    prefixed.write_bytes(b"\0" * 1000 + ours.read_bytes())  # (offsets off by 1000 bytes)
    assert "points 写出的结果文件" in files._problem(prefixed)


def test_a_pipe_or_an_unknown_format_named_explicitly_is_one_clear_error(tmp_path: Path) -> None:
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(points.WorkbookError, match="不是普通文件"):
        points.read_workbooks(fifo)  # at once: never opened, so it cannot hang
    wps = tmp_path / "签到.et"
    wps.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(points.WorkbookError, match="WPS"):
        points.read_workbooks(wps)
    (tmp_path / "空").mkdir()
    with pytest.raises(points.ReaderError, match="没有可读取的表格文件"):
        points.read_workbooks(tmp_path / "空")


def _book_with_errors(path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "主题党日"
    for row in (["姓名", dt.date(2024, 3, 9), dt.date(2024, 4, 9), dt.date(2024, 5, 9)],
                ["张三", "#N/A", "=1+1", "√"], ["#REF!", "√", "√", "√"], [None, "√", None, None]):
        ws.append(row)  # openpyxl stores "#N/A" as an error cell and "=1+1" as a formula
    hidden = book.create_sheet("党课")
    hidden.append(["姓名", dt.date(2024, 6, 1)])
    hidden.append(["李四", "√"])
    hidden.sheet_state = "hidden"
    book.save(path)


def test_error_cells_are_issues_never_absences(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    _book_with_errors(tmp_path / "签到.xlsx")
    records = points.read_workbooks(tmp_path)
    where = "签到.xlsx!主题党日!"
    assert (set(codes(records)) >= {
        ("bad_cell", where + "B2"), ("bad_cell", where + "C2"), ("bad_cell", where + "A3"),
        ("no_person", where + "A4"), ("hidden_sheet", "签到.xlsx!党课!A1")})
    marks = records.attendance.set_index("source")["mark"]
    assert where + "B2" not in marks.index and where + "C2" not in marks.index  # not blank
    assert marks[where + "D2"] == "√"
    assert marks["签到.xlsx!党课!B2"] == "√"  # the hidden sheet is read
    result = points.assess(records, year=2024)
    assert not (result.events["source"] == where + "B2").any()  # never scored as absent


def test_a_huge_used_range_is_skipped_before_it_is_allocated(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "签到"
    ws.append(["姓名", dt.date(2024, 3, 9)])
    ws.append(["张三", "√"])
    ws["XFD1048576"] = "x"
    book.save(tmp_path / "签到.xlsx")
    records = points.read_workbooks(tmp_path)
    assert ("skipped_sheet", "签到.xlsx!签到!A1") in codes(records)


def test_a_row_without_its_required_value_is_an_issue_not_an_abort(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    wb.write(tmp_path / "记录.xlsx", {
        "负面清单": [["姓名", "日期", "事项"], ["张三", "2024-03-01", None],
                     ["李四", "2024-03-02", "未按时交纳党费"]],
        "民主评议": [["姓名", "评议结果"], ["张三", None], ["李四", "合格"]]})
    wb.write(tmp_path / "名册补充.xlsx", {"名册": [
        ["党员编号", "姓名", "所在支部"], ["CG09", None, "第一党支部"]]})
    records = points.read_workbooks(tmp_path)
    assert ("missing_value", "记录.xlsx!负面清单!C2") in codes(records)
    assert ("missing_value", "记录.xlsx!民主评议!B2") in codes(records)
    assert ("no_person", "名册补充.xlsx!名册!B2") in codes(records)
    assert records.negatives["item"].tolist() == ["未按时交纳党费"]


@pytest.mark.parametrize("value", [1e-05, float("inf"), float("nan"), 3.1, -2.5])
def test_odd_numbers_in_date_cells_never_crash(tmp_path: Path, value: float) -> None:
    wb.roster(tmp_path)
    wb.write(tmp_path / "签到.xlsx", {"主题党日": [["姓名", value, dt.date(2024, 3, 9)],
                                                   ["张三", "√", "√"]]})
    records = points.read_workbooks(tmp_path)
    assert records.attendance["date"].tolist() == [pd.Timestamp("2024-03-09")]


def test_a_totals_row_is_told_by_its_shape_not_by_its_word(tmp_path: Path) -> None:
    wb.write(tmp_path / "名册.xlsx", {"名册": [
        ["党员编号", "姓名", "所在支部"], ["A1", "合计", "一支部"], ["A2", "李四", "一支部"],
        [None, "合计", 2]]})
    wb.write(tmp_path / "签到.xlsx", {"主题党日": [
        ["姓名", dt.date(2024, 3, 9)], ["合计", "√"], ["李四", "√"], ["合计", 2]]})
    records = points.read_workbooks(tmp_path)
    assert records.roster["name"].tolist() == ["合计", "李四"]  # a person really named 合计
    assert records.attendance["member_id"].tolist() == ["A1", "A2"]  # the last row is a total


def test_a_roster_with_no_member_is_one_clear_error(tmp_path: Path) -> None:
    wb.write(tmp_path / "名册.xlsx", {"名册": [["党员编号", "姓名", "所在支部", "党员类别"]]})
    with pytest.raises(points.ReaderError, match="党员名册中没有任何党员"):
        points.read_workbooks(tmp_path)


def test_a_broken_link_or_a_link_loop_in_a_folder_is_skipped_in_chinese(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    (tmp_path / "断链.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    (tmp_path / "环.xlsx").symlink_to(tmp_path / "环.xlsx")
    records = points.read_workbooks(tmp_path)
    skipped = records.issues[records.issues["code"] == "skipped_file"]
    reasons = dict(zip(skipped["source"].map(lambda p: Path(p).name), skipped["message"],
                       strict=True))
    assert reasons == {"断链.xlsx": "无法读取：文件不存在（或是指向不存在文件的链接）",
                       "环.xlsx": "无法读取：符号链接层数过多（链接可能指向自己）"}


def test_every_os_error_reads_in_chinese() -> None:
    import errno

    from points.vocab.errors import os_problem
    assert os_problem(OSError(errno.ELOOP, "Too many levels of symbolic links")) \
        == "符号链接层数过多（链接可能指向自己）"
    assert os_problem(OSError(errno.ENOLINK, "Link has been severed")) == f"系统错误（代码 {errno.ENOLINK}）"
    assert os_problem(OSError("no errno")) == "系统错误"


def test_a_roster_name_holding_an_error_is_a_bad_cell_never_a_silent_drop(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "名册"
    for row in (["党员编号", "姓名", "所在支部"], ["A1", "#N/A", "一支部"], ["A2", "=B5", "一支部"],
                ["A3", "李四", "一支部"]):
        ws.append(row)  # an error value, and a formula saved without its value
    book.save(tmp_path / "名册.xlsx")
    records = points.read_workbooks(tmp_path)
    assert records.roster["name"].tolist() == ["李四"]
    bad = records.issues[records.issues["code"] == "bad_cell"]
    assert bad["source"].tolist() == ["名册.xlsx!名册!B2", "名册.xlsx!名册!B3"]
    assert bad["message"].str.contains("此行未读取").all() and "“#N/A”" in bad["message"].iloc[0]
    assert not (records.issues["code"] == "no_person").any()  # one issue per row


@pytest.mark.parametrize("suffix", [".ods", ".xlsb"])
def test_a_workbook_under_another_formats_extension_is_one_clear_error(tmp_path: Path,
                                                                     suffix: str) -> None:
    wrong = tmp_path / f"签到{suffix}"
    wrong.write_bytes(wb.roster(tmp_path).read_bytes())
    with pytest.raises(points.WorkbookError, match=f"不是 \\{suffix} 工作簿（内容其实是 .xlsx"):
        points.read_workbooks(wrong)
