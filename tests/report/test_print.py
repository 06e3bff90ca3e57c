"""The paper a secretary signs (#15, items 1, 2, 3 and 8): a title block on every printed sheet,
evidence that fits on paper and links to its source cells, print areas that make sense, and
terminal output aligned for Chinese. (The example year as LibreOffice prints it:
tests/report/test_pdf.py.)"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import warnings
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import attrs
import openpyxl
import pandas as pd
import pytest

import points
from conftest import EXAMPLE_FILES, build, load_book
from points import cli
from points.cli import terminal
from points.report import page, review
from points.report.sheets.summary import SIGN_OFF

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PRINTED = ["汇总", "复核提示", "依据明细", "支部统计", "积分规则"]
EXCEL_ROW_LIMIT = 409  # points: the tallest row Excel allows


load = load_book


def sheet_files(path: Path) -> dict[str, str]:
    """Sheet name → the part that holds it (``xl/worksheets/sheetN.xml``)."""
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    return {s.get("name"): "xl/" + str(targets[s.get(R_ID)]).removeprefix("/xl/")
            for s in book.iter(f"{MAIN}sheet")}


def header_footer(path: Path, sheet: str) -> tuple[str, str]:
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read(sheet_files(path)[sheet]))
    return (root.findtext(f"{MAIN}headerFooter/{MAIN}oddHeader") or "",
            root.findtext(f"{MAIN}headerFooter/{MAIN}oddFooter") or "")


def font_sizes(text: str) -> list[int]:
    """The font sizes a header sets, read as Excel reads the codes (``&&`` is a literal ``&``;
    ``&14`` followed by digits would be one long number)."""
    sizes, i = [], 0
    while i < len(text):
        if text.startswith("&&", i):
            i += 2
        elif (m := re.match(r"&(\d+)", text[i:])) is not None:
            sizes.append(int(m.group(1)))
            i += len(m.group(0))
        else:
            i += 1
    return sizes


@pytest.fixture(scope="module")
def written(example_book: Path) -> Path:
    """The example year's review workbook (``review.write_review`` with its defaults), written
    once for the session (tests/conftest.py)."""
    return example_book


@pytest.fixture(scope="module")
def book(written: Path) -> openpyxl.Workbook:
    """The example year's review workbook, loaded once (never change it)."""
    return load(written)


# -- 1. the title block ------------------------------------------------------------------------

def test_every_sheet_carries_the_title_block(written: Path, book: openpyxl.Workbook) -> None:
    assert PRINTED[:3] == book.sheetnames[:3]
    for sheet in book.sheetnames:
        header, footer = header_footer(written, sheet)
        assert "河西镇 2024年度党员积分复核 · &A" in header, sheet  # org, period, sheet name
        assert footer == "&L规则：都江堰式分类积分&C第 &P 页 共 &N 页&R制表日期：2024-12-31", sheet
        assert font_sizes(header) == [14]


def test_the_summary_ends_with_a_line_to_sign(book: openpyxl.Workbook,
                                              example: points.Assessment) -> None:
    ws = book["汇总"]
    rows = len(example.rankings) + 1
    assert ws.max_row == rows + 2
    assert all(c.value is None for c in ws[rows + 1])  # a blank row: outside the table
    assert ws.cell(rows + 2, 1).value == SIGN_OFF
    assert "制表人" in SIGN_OFF and "审核人" in SIGN_OFF and "日期" in SIGN_OFF
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{rows}"


def test_org_and_date_are_arguments(example: points.Assessment, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    review.write_review(example, path, org="中共河西镇委员会", date=dt.date(2025, 1, 6))
    header, footer = header_footer(path, "汇总")
    assert "中共河西镇委员会 2024年度党员积分复核" in header and "2025-01-06" in footer
    review.write_review(example, path, org="")  # no organisation: the title alone
    assert "&B&14 2024年度党员积分复核 · &A" in header_footer(path, "汇总")[0]


def test_the_default_organisation() -> None:
    def org(branches: list[str], roster: str = "名册.xlsx") -> str:
        members = [(f"M{i}", f"张{i}", b, "在职党员") for i, b in enumerate(branches)]
        result = points.assess(build(members), year=2024)
        sources = roster + "!" + result.members["source"]  # 名册.xlsx!名册!A2
        return page.default_org(attrs.evolve(result, members=result.members.assign(
            source=sources)))

    assert org(["红旗村党支部"]) == "红旗村党支部"  # one branch: the branch
    assert org(["河西镇机关党支部", "河西镇中心学校党支部"]) == "河西镇"  # the town they share
    assert org(["红旗村党支部", "新华村党支部"], "河西镇党员名册.xlsx") == "河西镇"  # the roster's
    assert org(["一支部", "二支部"], "2024年党员名册.xlsx") == ""  # nothing obvious


def test_an_ampersand_is_escaped(example: points.Assessment, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    ruled = attrs.evolve(example, ruleset=attrs.evolve(example.ruleset, title="甲&乙规则"))
    review.write_review(ruled, path, org="A&B 河西镇")
    header, footer = header_footer(path, "汇总")
    assert header == "&C&B&14 A&&B 河西镇 2024年度党员积分复核 · &A"
    assert footer.startswith("&L规则：甲&&乙规则&C第 &P 页 共 &N 页")
    with zipfile.ZipFile(path) as z:  # as stored: XML-escaped once more
        assert "&amp;B&amp;14 A&amp;&amp;B 河西镇" in z.read(sheet_files(path)["汇总"]).decode()


@pytest.mark.parametrize("org", ["A&B 河西镇", "R&G", "&[Picture]", "2024&14", "换\n行"])
def test_header_and_footer_survive_any_text(example: points.Assessment, tmp_path: Path,
                                            org: str) -> None:
    path = tmp_path / "r.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # XlsxWriter warns, and drops the header, when it refuses
        review.write_review(example, path, org=org)
    header, _ = header_footer(path, "复核提示")
    shown = org.replace("\n", " ").replace("&", "&&")
    assert shown.replace("&&", "") in header.replace("&&", "").replace("\u200b", "")
    assert "&&" in header or "&" not in org
    assert font_sizes(header) == [14]  # "&14 2024…", never "&142024…"
    assert "&G" not in header.replace("&&", "")  # no image placeholder


def test_long_text_is_cut_to_excels_limit() -> None:
    text = page.page_text(["规则" * 200], [page.Code(page.PAGES)], ["&" * 300])
    assert len(text.encode("utf-16-le")) // 2 <= page.LIMIT
    assert "…&C第 &P 页 共 &N 页&R" in text and text.endswith("&&…")
    assert abs(text.index("&C") - (len(text) - text.index("&R"))) < 8  # cut alike
    assert page.page_text(["短"], [page.Code("&A")]) == "&L短&C&A"  # short text: kept whole


# -- 2. evidence that fits on paper ------------------------------------------------------------

def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs: a CJK character is two units wide (as the writer counts)."""
    units = (len(text.encode()) + len(text)) / 2
    return max(math.ceil(units / max(width - 1, 1)), text.count("\n") + 1)


def test_no_cell_needs_more_than_excels_tallest_row(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.alignment.wrap_text:
                    width = ws.column_dimensions[cell.column_letter].width
                    assert _lines(cell.value, width) * 15 <= EXCEL_ROW_LIMIT, (ws.title,
                                                                               cell.coordinate)
        assert all((d.height or 0) < EXCEL_ROW_LIMIT for d in ws.row_dimensions.values())


def test_a_long_run_is_summarised_and_its_records_listed(book: openpyxl.Workbook,
                                                         example: points.Assessment) -> None:
    flags = {(r[0], r[-1]): r for r in book["复核提示"].iter_rows(min_row=2, values_only=True)}
    for member in ("HQ031", "JG007"):
        summary = flags[(member, "six_month_rule")][4]
        records = example.evidence[(example.evidence["member_id"] == member)
                                   & (example.evidence["code"] == "six_month_rule")]
        assert re.fullmatch(r"最长连续 \d+ 个月未参加组织生活（2024-\d\d 至 2024-\d\d），"
                            rf"共 {len(records)} 条记录，见依据明细", summary), summary
    headers = [c.value for c in book["复核提示"][1]]
    assert headers[-1] == "提示代码"  # the code last; Chinese before it
    assert not any(re.fullmatch(r"[a-z_]+", str(v)) for row in book["复核提示"].iter_rows(
        min_row=2, values_only=True) for v in row[:-1] if v is not None)


def test_the_evidence_sheet_lists_every_record(book: openpyxl.Workbook,
                                               example: points.Assessment) -> None:
    ws = book["依据明细"]
    rows = list(ws.iter_rows(values_only=True))
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    assert len(frame) == len(example.evidence)
    assert sorted(zip(frame["党员编号"], frame["提示代码"], frame["来源"], strict=True)) == sorted(
        zip(example.evidence["member_id"], example.evidence["code"], example.evidence["source"],
            strict=True))
    labels = {c: f.label for c, f in points.FLAG_CODES.items()}
    assert (frame["提示"] == frame["提示代码"].map(labels)).all()
    assert (frame["姓名"].notna()).all()


def hyperlinks(path: Path, sheet: str) -> list[tuple[str, str, str]]:
    """``(cell, target, location)`` of each hyperlink of ``sheet``, from the package itself."""
    part = sheet_files(path)[sheet]
    rels_part = str(PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels"))
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read(part))
        rels = {r.get("Id"): r for r in ElementTree.fromstring(z.read(rels_part))}
    out = []
    for link in root.iter(f"{MAIN}hyperlink"):
        rel = rels[link.get(R_ID)]
        assert rel.get("TargetMode") == "External"
        assert rel.get("Type", "").endswith("/hyperlink")
        out.append((str(link.get("ref")), str(rel.get("Target")), str(link.get("location"))))
    return out


def test_each_source_links_to_its_cell(written: Path, book: openpyxl.Workbook,
                                       example: points.Assessment) -> None:
    ws = book["依据明细"]
    links = hyperlinks(written, "依据明细")
    assert len(links) == len(example.evidence)
    inputs = {p.resolve() for p in EXAMPLE_FILES}
    for ref, target, location in links:
        source = ws[ref].value  # the 来源 cell: file!sheet!A1
        file, sheet, cell = re.fullmatch(r"(.+?)!(.+)!([A-Z]+\d+)", source).groups()  # type: ignore[union-attr]
        assert (written.parent / target).resolve() in inputs
        assert Path(target).name == file
        assert location == f"'{sheet}'!{cell}"
        assert ws[ref].hyperlink.location == location  # as a reader sees it
    assert len(hyperlinks(written, "数据问题")) > 0
    with zipfile.ZipFile(written) as z:  # never a formula, HYPERLINK or otherwise
        assert not any("<f>" in z.read(n).decode() or "<f " in z.read(n).decode()
                       for n in z.namelist() if n.startswith("xl/worksheets/sheet"))


def test_beside_the_inputs_a_link_is_the_bare_file_name(tmp_path: Path) -> None:
    inputs = [shutil.copy(p, tmp_path / p.name) for p in EXAMPLE_FILES]
    result = points.assess(points.read_workbooks(inputs))
    path = tmp_path / "复核.xlsx"
    review.write_review(result, path)
    _, target, location = hyperlinks(path, "依据明细")[0]
    assert "/" not in target and (tmp_path / target).is_file()
    assert re.fullmatch(r"'[^']+'![A-Z]+\d+", location)  # file.xlsx#'sheet'!A1


# -- 3. print areas ----------------------------------------------------------------------------

def test_the_ledger_prints_per_branch_not_for_the_whole_town(
        example: points.Assessment, written: Path, book: openpyxl.Workbook, tmp_path: Path) -> None:
    ledger = book["积分明细"]
    assert str(ledger.print_area) == "'积分明细'!$A$1:$H$1"  # the header row alone
    assert "默认不打印" in header_footer(written, "积分明细")[0]
    branch = review.branch_view(example, "红旗村党支部")
    path = tmp_path / "红旗村.xlsx"
    review.write_review(branch, path)
    with zipfile.ZipFile(path) as z:  # one branch: printed in full
        assert b"_xlnm.Print_Area" not in z.read("xl/workbook.xml")
    assert "红旗村党支部 2024年度" in header_footer(path, "积分明细")[0]


def test_branch_statistics_are_stacked_with_every_label(written: Path,
                                                       book: openpyxl.Workbook) -> None:
    ws = book["支部统计"]
    column_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert column_a.index("分数段") < column_a.index("提示")  # stacked below the main table
    assert ws.max_column <= 10  # every table readable on A4 landscape, nothing beside it
    # the flag counts per branch: stacked tables of 支部 and up to nine flags, same data
    rows = list(ws.iter_rows(values_only=True))
    tops = [k for k, row in enumerate(rows) if row[0] == "支部"]
    assert len(tops) >= 3 and tops[0] == 0 and tops[-1] < column_a.index("分数段")
    per_flag = {label: sum(r[i] for r in rows[top + 1:top + 1 + tops[1] - 2])
                for top in tops[1:] for i, label in enumerate(rows[top]) if i and label}
    codes = column_a.index("提示")
    assert per_flag == {r[0]: r[1] for r in rows[codes + 1:] if r[0]}  # = 提示/数量
    with zipfile.ZipFile(written) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3
    assert all('<c:tickLblSkip val="1"/>' in chart for chart in charts)


# -- 8. the terminal ---------------------------------------------------------------------------

def test_terminal_tables_align_by_display_width() -> None:
    assert terminal.width("党员abc") == 7 and terminal.width("“”") == 2
    frame = pd.DataFrame({"姓名": ["张三", "Li"], "积分": [2.0, -10.5], "来源": ["签到!A1", "x"]})
    lines = terminal.table(frame).splitlines()
    assert lines == ["姓名   积分  来源", "张三    2.0  签到!A1", "Li    -10.5  x"]


def test_check_in_a_terminal_is_aligned_in_sheet_order(capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert cli.main(["check", *map(str, EXAMPLE_FILES)]) == 1
    lines = capsys.readouterr().out.splitlines()
    rows = lines[2:-1]
    assert len(rows) == 18
    second = {terminal.width(re.match(r"\S+ +", row).group(0)) for row in rows}  # type: ignore[union-attr]
    assert len(second) == 1  # the second column starts at the same place on every line
    months = [r.split("!")[1] for r in rows if r.startswith("红旗村")]
    assert months == ["6月", "9月", "10月", "11月", "12月"]
    assert lines[-1].startswith("请先打开 ")


def test_score_says_what_to_open_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "复核.xlsx"
    assert cli.main(["score", *map(str, EXAMPLE_FILES), "-o", str(out), "--org", "河西镇党委",
                     "--date", "2025-01-06"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"请先打开 {out} 的“数据问题”表")
    header, footer = header_footer(out, "汇总")
    assert "河西镇党委 2024年度" in header and "制表日期：2025-01-06" in footer
    assert cli.main(["score", *map(str, EXAMPLE_FILES), "-o", str(out), "--date", "明天"]) == 1
    assert capsys.readouterr().err.startswith("错误：--date：应为日期")
