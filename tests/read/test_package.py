"""What python-calamine would misread or fail on, found in the package first (#13 items 1, 2, 4,
6, 10): a real extent that ``<dimension>`` hides, error values it does not know, numbers that
are not finite, error cells before its range, text over Excel's limit, file names that are not
UTF-8. Each workbook is a real .xlsx written by openpyxl, its sheet XML then edited by hand."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
import workbooks as wb
from conftest import examples
from points.read import package
from points.read.package import MAX_CELLS, _extent, _scan, _scan_many
from points.read.raw import CellError
from points.read.workbook import read_sheets


def codes(records: points.Records) -> set[tuple[str, str]]:
    return set(zip(records.issues["code"], records.issues["source"], strict=True))


def edit_sheet(path: Path, edit: dict[bytes, bytes], regex: bool = False) -> Path:
    """Rewrite the first sheet's XML of the workbook at ``path``."""
    with zipfile.ZipFile(path) as book:
        entries = [(i.filename, book.read(i)) for i in book.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        for name, data in entries:
            if name == "xl/worksheets/sheet1.xml":
                for old, new in edit.items():
                    changed = re.sub(old, new, data) if regex else data.replace(old, new)
                    assert changed != data, old
                    data = changed
            book.writestr(name, data)
    path.write_bytes(out.getvalue())
    return path


def signin(folder: Path, name: str = "签到.xlsx") -> Path:
    return wb.write(folder / name, {"主题党日": [
        ["姓名", dt.date(2024, 3, 9), dt.date(2024, 4, 9)], ["张三", "√", "√"], ["李四", "√", "×"]]})


@pytest.mark.parametrize("dimension", [b"", b'<dimension ref="A1:B2"/>'])
def test_a_stray_cell_is_found_whatever_the_dimension_says(tmp_path: Path, dimension: bytes) -> None:
    wb.roster(tmp_path)
    path = signin(tmp_path)
    edit_sheet(path, {rb'<dimension ref="[^"]*"\s*/>': dimension,
                      rb"</sheetData>": rb'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                        rb"<is><t>x</t></is></c></row></sheetData>"}, regex=True)
    records = points.read_workbooks(tmp_path)  # no 17-billion-cell allocation
    skipped = records.issues[records.issues["code"] == "skipped_sheet"]
    assert skipped["source"].tolist() == ["签到.xlsx!主题党日!A1"]
    assert "1,048,576 行 × 16,384 列" in skipped["message"].iloc[0]


def test_the_extent_is_read_from_every_reference() -> None:
    assert _extent(b'<row r="7"><c r="AB12"/></row>') == (12, 28)
    assert _extent(b'<dimension ref="A1:C5"/><c r="B2"/>') == (5, 3)  # the larger of both
    assert _extent(b"<c\nr='XFD9'/>\t<x:c r=\"A1048577\"/>") == (1048577, 16384)
    assert _extent(b'<c r="ZZZZ1"/>') == (1, 475254)  # not a column: beyond any
    assert _extent(b'<c ref="XFD1"/><c sqref="XFD9"/>') == (0, 0)
    assert _extent(b"") == (0, 0)


def test_a_sheet_surely_small_is_not_counted_cell_by_cell() -> None:
    small = _scan(b'<dimension ref="A1:C5"/><row r="9999"><c r="ZZ9999"/></row>')
    assert (small.rows, small.cols) == (5, 3)  # within 9,999 x 702: the dimension's
    # the dimension's rows times the columns the cells name: counted
    tall = _scan(b'<dimension ref="A1:A1048576"/><c r="ZZ9"/>')
    assert (tall.rows, tall.cols) == (1048576, 702)
    assert (_scan(b'<c r="A10000"/>').rows, _scan(b'<c r="AAA1"/>').cols) == (10000, 703)


def test_long_text_and_odd_numbers_are_flagged() -> None:
    def long(xml: bytes) -> bool:
        return _scan(xml).long_text

    assert long(b"x" * 32768) and not long(b"x" * 32767)  # before the first tag
    assert long(b"<t>" + b"x" * 32766 + b"</t>") and not long(b"<t>" + b"x" * 32765 + b"</t>")
    assert long(b"<c/><t>" + b"x" * 32766) and not long(b"<c/><t>" + b"x" * 32765)
    assert [_scan(b"<c><v>" + v + b"</v></c>").odd_number
            for v in (b"NaN", b"-inf", b"+INF", b"1e5", b"-1")] == [True, True, True, False, False]
    both = _scan(b"<v>nan</v><t>" + b"x" * 40000 + b"</t><v>2</v>")
    assert both.odd_number and both.long_text


_PIECE = st.sampled_from([b"<", b"v>", b"f", b"r=", b'"', b"'", b't="e"', b"AB", b"Z", b"12",
                          b"345", b"n", b"I", b"+", b"-", b" ", b"x"])
_XML = st.lists(_PIECE, max_size=20).map(b"".join)


def _flag_tuple(facts: package._Facts) -> tuple[bool, ...]:
    return (facts.long_text, facts.odd_number, facts.error, facts.formula, facts.big_ref)


@settings(max_examples=examples(3))
@given(xmls=st.lists(_XML, min_size=1, max_size=4), chunk=st.sampled_from([5, 16, 1 << 24]))
def test_sheets_looked_at_together_get_their_own_flags(xmls: list[bytes], chunk: int) -> None:
    alone = [_flag_tuple(_scan(x)) for x in xmls]  # one sheet, one look
    old, package._CHUNK = package._CHUNK, chunk  # and in pieces that cut every pattern
    try:
        together = [_flag_tuple(f) for f in _scan_many(xmls)]
    finally:
        package._CHUNK = old
    assert together == alone
    assert alone[0][1:] == (bool(re.search(rb"<v>[+-]?[nNiI]", xmls[0])), b't="e"' in xmls[0],
                            b"<f" in xmls[0], bool(re.search(rb"""r=["'](?:[A-Z]{3}|[A-Z]{0,2}"""
                                                             rb"[0-9]{5})", xmls[0])))


_REF = st.tuples(st.text("ABCDXYZ", min_size=1, max_size=4), st.integers(1, 2_000_000))


@settings(max_examples=examples(3))
@given(refs=st.lists(_REF, max_size=6), dim=st.none() | _REF)
def test_the_quick_extent_decides_as_the_exact_one(refs: list[tuple[str, int]],
                                                   dim: tuple[str, int] | None) -> None:
    xml = (b"" if dim is None else f'<dimension ref="A1:{dim[0]}{dim[1]}"/>'.encode()) + b"".join(
        f'<c r="{c}{r}"/>'.encode() for c, r in refs)
    quick, exact = _scan(xml), _extent(xml)
    assert (quick.rows * quick.cols > MAX_CELLS) == (exact[0] * exact[1] > MAX_CELLS)
    if exact[0] * exact[1] > MAX_CELLS:
        assert (quick.rows, quick.cols) == exact


@pytest.mark.parametrize("value", [b"NaN", b"-INF", b"nan"])
def test_a_number_that_is_not_finite_is_a_bad_cell_not_a_panic(tmp_path: Path, value: bytes) -> None:
    wb.roster(tmp_path)
    path = wb.write(tmp_path / "签到.xlsx", {"主题党日": [
        ["姓名", 45000.25, dt.date(2024, 4, 9)], ["张三", "√", "√"]]})
    edit_sheet(path, {b"<v>45000.25</v>": b"<v>" + value + b"</v>"})
    records = points.read_workbooks(tmp_path)
    assert records.attendance["date"].tolist() == [dt.datetime(2024, 4, 9)]  # the rest is read
    issues = records.issues.set_index("source")
    assert issues.loc["签到.xlsx!主题党日!B1", "code"] in ("unknown_column", "bad_date", "bad_cell")
    assert value.decode() in issues.loc["签到.xlsx!主题党日!B1", "message"]


def test_an_error_value_the_reader_does_not_know_is_a_bad_cell(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    path = signin(tmp_path)
    edit_sheet(path, {rb'<c r="B2" t="inlineStr"><is><t>\xe2\x88\x9a</t></is></c>':
                      rb'<c r="B2" t="e"><v>#GETTING_DATA</v></c>'}, regex=True)
    records = points.read_workbooks(tmp_path)
    assert ("bad_cell", "签到.xlsx!主题党日!B2") in codes(records)
    assert "#GETTING_DATA" in records.issues["message"].str.cat()
    assert sorted(records.attendance["source"]) == [f"签到.xlsx!主题党日!{c}" for c in
                                                    ("B3", "C2", "C3")]  # the rest counts


def test_error_cells_before_the_readers_range_are_kept_in_place(tmp_path: Path) -> None:
    """python-calamine's range starts at the first cell it sees a value in, and a formula
    without its value is empty to it: the grid grows up and left to keep such cells."""
    path = wb.write(tmp_path / "签到.xlsx", {"主题党日": [
        [None, None, None], [None, "姓名", dt.date(2024, 3, 9)], [None, "张三", "√"]]})
    edit_sheet(path, {rb"<sheetData>": rb'<sheetData><row r="1"><c r="A1"><f>NOW()</f></c></row>',
                      rb'<row r="3"([^>]*)>': rb'<row r="3"\1><c r="A3" t="e"><v>#N/A</v></c>'},
               regex=True)
    (raw,) = read_sheets(path)
    assert raw.origin == (0, 0)
    assert raw.cells[0][0] == "公式（没有保存计算结果）" and isinstance(raw.cells[0][0], CellError)
    assert raw.cells[2][:3] == ["#N/A", "张三", "√"] and isinstance(raw.cells[2][0], CellError)
    assert raw.cells[1][1:] == ["姓名", dt.date(2024, 3, 9)]


def test_text_over_excels_limit_is_a_bad_cell(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    path = signin(tmp_path)
    edit_sheet(path, {rb'<c r="C3" t="inlineStr"><is><t>\xc3\x97</t></is></c>':
                      b'<c r="C3" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c>"},
               regex=True)
    records = points.read_workbooks(tmp_path)
    bad = records.issues[records.issues["source"] == "签到.xlsx!主题党日!C3"]
    assert bad["code"].tolist() == ["bad_cell"]
    assert "超过 32,767 字的文字（40,000 字）" in bad["message"].iloc[0]


def test_a_file_name_that_is_not_utf8_is_read_and_shown_in_gb18030(tmp_path: Path) -> None:
    wb.roster(tmp_path)
    name = os.fsdecode("签到".encode("gbk") + b".xlsx")
    signin(tmp_path, name)
    records = points.read_workbooks(tmp_path)
    assert set(records.attendance["source"].str.split("!").str[0]) == {"签到.xlsx"}
    assert {Path(p).name for p, _ in records.files} == {"党员名册.xlsx", name}  # the real path
    result = points.assess(records, year=2024)
    result.to_excel(tmp_path / "复核.xlsx")  # the name shown in GB18030, the input never written
    import openpyxl
    rules = openpyxl.load_workbook(tmp_path / "复核.xlsx", read_only=True)["积分规则"]
    assert "签到.xlsx" in [row[1] for row in rules.iter_rows(values_only=True)]
    with pytest.raises(points.OutputError):
        result.to_excel(tmp_path / name)


def test_a_csv_field_of_any_length_is_read_and_one_over_excels_limit_is_a_bad_cell(
        tmp_path: Path) -> None:
    wb.roster(tmp_path)
    (tmp_path / "签到.csv").write_text(
        "姓名,日期,活动类型,出勤情况\n张三,2024-03-05,党课,√\n"
        f"李四,2024-03-05,党课,\"{'√' * 1_000_000}\"\n", encoding="utf-8")
    records = points.read_workbooks(tmp_path)
    assert records.attendance["mark"].tolist() == ["√"]
    bad = records.issues[records.issues["source"] == "签到.csv!签到!D3"]
    assert bad["code"].tolist() == ["bad_cell"]
    assert "1,000,000 字" in bad["message"].iloc[0]
    import csv
    assert csv.field_size_limit() == 131072  # the module's limit is left as it was


def test_one_long_cell_never_makes_a_column_as_wide_as_itself() -> None:
    """Any format (an .ods cell may be longer than Excel allows): the data rows are found in
    memory that does not grow with the longest cell times the rows."""
    import tracemalloc

    from points.read.raw import RawSheet
    from points.read.sheet import Sheet
    cells: list[list[object]] = [["姓名", dt.date(2024, 3, 9)]]
    cells += [[f"人{i}", "√"] for i in range(300)] + [["张" * 200_000, "√"]]
    sheet = Sheet(RawSheet(file="a.ods", name="表", cells=cells, origin=(0, 0), merged=[]), 0, 2024)
    sheet.find_header()
    tracemalloc.start()
    rows = sheet.data_rows(1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(rows) == 301
    assert peak < 20_000_000  # fixed-width text: 301 rows × 200,000 characters × 4 bytes
