"""The workbook reader: real .xlsx files written by tests/workbooks.py, read back exactly."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import attrs
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import points
import workbooks as wb
from conftest import EXAMPLE_FILES, assert_same_frame, example_town, examples

MATRIX = "第一党支部2024年签到表.xlsx!3月!"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    wb.roster(tmp_path)
    wb.matrix(tmp_path)
    wb.attendance_list(tmp_path)
    wb.logs(tmp_path)
    return tmp_path


@pytest.fixture
def records(folder: Path) -> points.Records:
    return points.read_workbooks(sorted(folder.glob("*.xlsx")))


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    out = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [tuple(r) for r in out.itertuples(index=False)]


def test_roster_columns_ids_and_dates(records: points.Records) -> None:
    assert rows(records.roster, ["member_id", "name", "branch", "category", "source"]) == [
        ("CG01", "张三", "第一党支部", "在职党员", "党员名册.xlsx!党员名册!C3"),
        ("CG02", "李四", "第一党支部", "流动党员", "党员名册.xlsx!党员名册!C4"),
        ("CG03", "王五", "第一党支部", "在职党员", "党员名册.xlsx!党员名册!C5"),
        ("CG04", "王五", "第一党支部", "离退休党员", "党员名册.xlsx!党员名册!C6"),
        ("1005", "周七", "第一党支部", "预备党员", "党员名册.xlsx!党员名册!C7"),  # 1005.0 → "1005"
        ("CG06", "吴八", "第一党支部", "发展对像", "党员名册.xlsx!党员名册!C8"),
    ]
    joined = records.roster.set_index("member_id")["joined"]
    assert joined["CG01"] == pd.Timestamp("2010-05-01")
    assert joined["1005"] == pd.Timestamp("2024-03-01")  # the text "2024.3.1"
    assert not {"联系电话", "身份证号", "phone"} & set(records.roster.columns)  # never read


def test_matrix_two_row_header_merged_activities_and_text_dates(records: points.Records) -> None:
    march = records.attendance[records.attendance["source"].str.startswith(MATRIX)]
    assert rows(march, ["member_id", "date", "activity", "mark", "source"]) == [
        ("CG01", pd.Timestamp("2024-03-05"), "党小组会", "√", MATRIX + "C4"),
        ("CG01", pd.Timestamp("2024-03-15"), "主题党日", "请假", MATRIX + "D4"),
        ("CG01", pd.Timestamp("2024-03-25"), "主题党日", "×", MATRIX + "E4"),
        ("CG02", pd.Timestamp("2024-03-05"), "党小组会", "✓", MATRIX + "C5"),  # "李　四 "
        ("CG02", pd.Timestamp("2024-03-15"), "主题党日", "迟到", MATRIX + "D5"),
        ("CG02", pd.Timestamp("2024-03-25"), "主题党日", "", MATRIX + "E5"),
        ("CG01", pd.Timestamp("2024-03-05"), "党小组会", "√", MATRIX + "C8"),  # duplicate
        ("CG01", pd.Timestamp("2024-03-15"), "主题党日", "请假", MATRIX + "D8"),
        ("CG01", pd.Timestamp("2024-03-25"), "主题党日", "×", MATRIX + "E8"),
        ("1005", pd.Timestamp("2024-03-05"), "党小组会", "好", MATRIX + "C9"),  # kept as written
        ("1005", pd.Timestamp("2024-03-15"), "主题党日", "线上", MATRIX + "D9"),
        ("1005", pd.Timestamp("2024-03-25"), "主题党日", "√", MATRIX + "E9"),
    ]  # the totals row, the 合计 column and the notes row are not records
    assert march["status"].isna().all()  # statuses are the ruleset's business, not the reader's


def test_the_kept_cells_addresses_are_the_same_sliced_or_filtered(
        folder: Path, records: points.Records, monkeypatch: pytest.MonkeyPatch) -> None:
    # B6 and B7 (an ambiguous and an unknown name) drop a run of cells each: their
    # neighbours' addresses are slices of the file's; past MAX_RUNS runs they are filtered
    monkeypatch.setattr(points.read.tables, "MAX_RUNS", 0)
    again = points.read_workbooks(sorted(folder.glob("*.xlsx")))
    assert_same_frame(again.attendance, records.attendance)
    assert again.attendance["source"].str.startswith(MATRIX + "C").sum() == 4


def test_assess_resolves_the_marks_under_its_ruleset(records: points.Records) -> None:
    events = points.assess(records, year=2024).events
    march = events[events["source"].str.startswith(MATRIX)]
    assert rows(march, ["member_id", "activity", "status", "source"]) == [
        ("1005", "主题党日", "online", MATRIX + "D9"),
        ("1005", "主题党日", "present", MATRIX + "E9"),
        ("CG01", "党小组会", "present", MATRIX + "C4"),  # C8 repeats it: counted once
        ("CG01", "主题党日", "leave", MATRIX + "D4"),
        ("CG01", "主题党日", "absent", MATRIX + "E4"),
        ("CG02", "党小组会", "present", MATRIX + "C5"),
        ("CG02", "主题党日", "late", MATRIX + "D5"),
        ("CG02", "主题党日", "blank", MATRIX + "E5"),
    ]


def test_list_form_and_logs(records: points.Records) -> None:
    study = records.attendance[records.attendance["source"].str.startswith("集中学习记录")]
    assert rows(study, ["member_id", "date", "activity", "mark"]) == [
        ("CG01", pd.Timestamp("2024-04-02"), "集中学习", "√"),
        ("CG02", pd.Timestamp("2024-04-02"), "集中学习", "网上"),  # by name: 李四
        ("CG03", pd.Timestamp("2024-04-02"), "读书会", "√"),  # unknown: assess reports it
    ]
    assert rows(records.negatives, ["member_id", "item", "source"]) == [
        ("CG01", "未按时交纳党费", "积分记录.xlsx!负面清单!C2"),
        ("CG02", "不完成组织分配任务", "积分记录.xlsx!负面清单!C3")]
    assert rows(records.bonuses, ["member_id", "item", "source"]) == [
        ("CG02", "志愿服务", "积分记录.xlsx!先锋示范!D2"),
        ("CG02", "表彰(县级)", "积分记录.xlsx!先锋示范!D3")]
    assert rows(records.appraisals, ["member_id", "result", "source"]) == [
        ("CG01", "合格", "积分记录.xlsx!民主评议!B2"), ("CG02", "优秀", "积分记录.xlsx!民主评议!B3")]


def test_every_problem_is_a_data_issue_with_its_cell(records: points.Records) -> None:
    issues = records.issues  # in address order
    assert rows(issues, ["code", "source"]) == [
        ("ambiguous_name", MATRIX + "B6"),
        ("unknown_member", MATRIX + "B7"),
        ("bad_date", "集中学习记录.xlsx!学习记录!C5"),
    ]  # the unknown mark 好 is reported when the records are scored (below)
    messages = dict(zip(issues["code"], issues["message"], strict=True))
    assert "多名“王五”" in messages["ambiguous_name"]
    assert "“赵六”" in messages["unknown_member"]
    assert "4月31日" in messages["bad_date"]


def test_assessing_read_records_reports_the_rest(records: points.Records) -> None:
    result = points.assess(records, year=2024)
    codes = set(zip(result.issues["code"], result.issues["source"], strict=True))
    assert ("duplicate_record", MATRIX + "C8") in codes
    assert ("unknown_activity", "集中学习记录.xlsx!学习记录!E6") in codes
    assert ("unknown_category", "党员名册.xlsx!党员名册!C8") in codes
    assert ("unknown_mark", MATRIX + "C9") in codes
    assert ("ambiguous_name", MATRIX + "B6") in codes  # reader issues travel in the Assessment
    message = result.issues.set_index("code").loc["unknown_mark", "message"]
    assert message.startswith("无法识别的签到符号“好”")


def test_input_files_are_not_changed(folder: Path) -> None:
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.xlsx")}
    points.read_workbooks(list(before))
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.xlsx")}


def test_unknown_sheet_and_missing_column_with_a_suggestion(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    wb.write(tmp_path / "杂项.xlsx", {
        "统计": [["项目", "数量"], ["党员", 6]],
        "签到": [["姓名", "日期", "活动类型", "出勤状况"], ["张三", "2024-03-05", "党课", "√"]],
    })
    records = points.read_workbooks(sorted(tmp_path.glob("*.xlsx")))
    assert rows(records.issues, ["code", "source"]) == [
        ("missing_column", "杂项.xlsx!签到!A1"), ("unknown_sheet", "杂项.xlsx!统计!A1")]
    assert "缺少“出勤情况”列（是不是 '出勤状况'？）" in records.issues["message"].iloc[0]


def test_activity_from_the_sheet_name_and_year_from_the_file_name(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    wb.write(tmp_path / "2023年签到.xlsx", {"主题党日": [
        ["序号", "姓名", "3.15", "4月15日", "5.1"], [1, "张三", "√", "请假", "√"]]})
    records = points.read_workbooks(sorted(tmp_path.glob("*.xlsx")))
    assert rows(records.attendance, ["date", "activity", "mark"]) == [
        (pd.Timestamp("2023-03-15"), "主题党日", "√"),
        (pd.Timestamp("2023-04-15"), "主题党日", "请假"),
        (pd.Timestamp("2023-05-01"), "主题党日", "√")]


def test_a_column_without_an_activity_takes_the_sheet_name(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    wb.write(tmp_path / "签到.xlsx", {"Sheet1": [["姓名", dt.date(2024, 3, 5)], ["张三", "√"]],
                                     "读书会": [["姓名", dt.date(2024, 3, 6)], ["张三", "√"]]})
    records = points.read_workbooks(sorted(tmp_path.glob("*.xlsx")))
    assert rows(records.attendance, ["activity", "source"]) == [
        ("Sheet1", "签到.xlsx!Sheet1!B2"), ("读书会", "签到.xlsx!读书会!B2")]
    result = points.assess(records, year=2024)  # the default rules know neither
    assert rows(result.issues[result.issues["code"] == "unknown_activity"], ["source"]) == [
        ("签到.xlsx!Sheet1!B2",), ("签到.xlsx!读书会!B2",)]
    assert "“Sheet1”" in result.issues.set_index("source").loc["签到.xlsx!Sheet1!B2", "message"]
    reading = points.default_ruleset()  # a ruleset with 读书会 scores that sheet
    book_club = attrs.evolve(reading.activities[0], name="读书会", id="book_club", aliases=())
    custom = attrs.evolve(reading, activities=(*reading.activities, book_club))
    events = points.assess(records, custom, year=2024).events
    assert rows(events, ["activity", "status"]) == [("读书会", "present")]


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("旧.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "无法打开"),
    ("加密.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "密码"),
    ("文本.xlsx", "姓名,日期\n".encode(), "不是 .xlsx"),
    ("坏.xlsx", b"PK\x03\x04broken", "不是 .xlsx"),
])
def test_unreadable_files_are_one_clear_error(tmp_path: Path, name: str, content: bytes,
                                              problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(points.WorkbookError, match=problem) as info:
        points.read_workbooks(path)
    assert str(info.value).startswith(str(path))  # the path as given


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(points.WorkbookError, match="文件不存在"):
        points.read_workbooks(tmp_path / "没有.xlsx")


MARKS = ["√", "请假", "×", "迟到", "线上", "补学", None]


@settings(max_examples=examples(0.5), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(MARKS), min_size=4, max_size=4), min_size=1, max_size=4))
def test_a_matrix_and_its_list_form_read_the_same(tmp_path_factory: pytest.TempPathFactory,
                                                  marks: list[list[str | None]]) -> None:
    folder = tmp_path_factory.mktemp("same")
    wb.roster(folder)
    people = ["张三", "李四", "CG03", "CG04"][:len(marks)]
    dates = [dt.date(2024, m, 10) for m in (2, 4, 6, 8)]
    header = ["序号", "姓名", "党员编号", *dates]
    matrix = [["主题党日签到表"], header] + [
        [i + 1, p if not p.startswith("CG") else None, p if p.startswith("CG") else None, *row]
        for i, (p, row) in enumerate(zip(people, marks, strict=True))]
    wb.write(folder / "矩阵.xlsx", {"主题党日": matrix})
    listed = [["姓名", "党员编号", "日期", "活动类型", "出勤情况"]] + [
        [p if not p.startswith("CG") else None, p if p.startswith("CG") else None, d, "主题党日", m]
        for p, row in zip(people, marks, strict=True) for d, m in zip(dates, row, strict=True)]
    wb.write(folder / "列表.xlsx", {"签到": listed})
    a = points.read_workbooks([folder / "党员名册.xlsx", folder / "矩阵.xlsx"]).attendance
    b = points.read_workbooks([folder / "党员名册.xlsx", folder / "列表.xlsx"]).attendance
    key = ["member_id", "date", "activity", "mark"]
    assert_same_frame(a[key].sort_values(key).reset_index(drop=True),
                                  b[key].sort_values(key).reset_index(drop=True))


def test_duplicate_roster_ids_and_no_roster(tmp_path: Path) -> None:
    wb.write(tmp_path / "名册.xlsx", {"名册": [
        ["党员编号", "姓名", "支部"], ["A1", "张三", "一支部"], ["A1", "李四", "一支部"]]})
    records = points.read_workbooks(tmp_path / "名册.xlsx")
    assert list(records.roster["name"]) == ["张三"]
    assert rows(records.issues, ["code", "source"]) == [("duplicate_member", "名册.xlsx!名册!B3")]
    wb.write(tmp_path / "评议.xlsx", {"评议": [["姓名", "评议结果"], ["张三", "合格"]]})
    with pytest.raises(points.ReaderError, match="没有找到党员名册"):
        points.read_workbooks(tmp_path / "评议.xlsx")


EXAMPLES = EXAMPLE_FILES


@pytest.mark.parametrize("workers", [2, 3])
def test_worker_processes_read_exactly_what_one_process_reads(workers: int) -> None:
    one = points.read_workbooks(EXAMPLES, workers=1)
    two = points.read_workbooks(list(reversed(EXAMPLES)), workers=workers)  # order never matters
    for table in ("roster", "attendance", "negatives", "bonuses", "appraisals", "issues"):
        assert_same_frame(getattr(one, table), getattr(two, table), obj=table)
    assert one.files == two.files and len(one.files) == len(EXAMPLES)


def test_the_workers_scan_while_the_parent_looks_up_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first files missing from the scan cache go to the workers at once: the pool does
    not wait until every file has been looked up (and hashed)."""
    from points import read as reader

    events: list[str] = []
    lookup, pool = reader.lookup, reader._pool

    def looked(*args: object) -> object:
        events.append("lookup")
        return lookup(*args)  # type: ignore[arg-type]

    def watched(n: int) -> object:
        executor = pool(n)
        submit = executor.submit
        executor.submit = lambda *a, **k: (events.append("submit"), submit(*a, **k))[1]  # type: ignore[method-assign]
        return executor
    monkeypatch.setattr(reader, "lookup", looked)
    monkeypatch.setattr(reader, "_pool", watched)
    town = example_town(tmp_path / "town")
    records = points.read_workbooks(town, cache=tmp_path / "缓存", workers=2)
    assert events.count("lookup") == len(EXAMPLES) and "submit" in events
    assert events.index("submit") < len(events) - 1 - events[::-1].index("lookup")
    alone = points.read_workbooks(town, workers=1)
    for table in ("roster", "attendance", "issues"):
        assert_same_frame(getattr(records, table), getattr(alone, table), obj=table)


def test_by_default_large_inputs_are_read_by_one_worker_a_usable_core(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from points import read as reader
    from points.vocab import forking

    files = [str(p) for p in EXAMPLES]
    assert reader._workers(None, files) == 1  # the example is small: read here
    monkeypatch.setattr(reader, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(forking, "usable_cores", lambda: 3)
    assert reader._workers(None, files) == 3
    monkeypatch.setattr(forking, "usable_cores", lambda: 64)  # at most one a file, and 8
    assert reader._workers(None, files[:5]) == 5
    assert reader._workers(None, files * 4) == forking.MAX_PROCESSES


def test_spawned_workers_where_fork_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from points import read as reader

    monkeypatch.setattr(reader, "_fork", lambda: False)  # as on Windows and macOS
    assert reader._workers(None, [str(p) for p in EXAMPLES]) == 1  # never by default there
    some = [p for p in EXAMPLES if "名册" in p.name or "机关" in p.name]
    spawned = points.read_workbooks(some, workers=2)
    alone = points.read_workbooks(some, workers=1)
    assert_same_frame(spawned.attendance, alone.attendance)
    assert len(alone.attendance) > 1000


def test_a_bad_file_read_by_a_worker_is_the_same_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(points.WorkbookError, match=r"坏文件\.xlsx"):
        points.read_workbooks([*EXAMPLES, bad], workers=2)
    with pytest.raises(ValueError, match="workers"):
        points.read_workbooks(EXAMPLES, workers=0)


def test_a_daemonic_process_reads_here() -> None:
    """A worker of the caller's own multiprocessing.Pool (daemonic) may not have children:
    ``workers=2`` reads in that process instead of failing."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as caller:
        read = caller.apply(_members_read_on_two, (EXAMPLE_FILES,))
    assert_same_frame(read, points.read_workbooks(EXAMPLE_FILES).roster)


def _members_read_on_two(files: list[Path]) -> pd.DataFrame:
    return points.read_workbooks(files, workers=2).roster
