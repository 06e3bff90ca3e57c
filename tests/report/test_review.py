"""The review workbook: sheets and headers (the public contract), values, safety, 公示, per branch
(a real spreadsheet program opening it: tests/report/test_pdf.py)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
import pytest

import points
import workbooks
from conftest import EXAMPLE_FILES, build, load_book
from points.report import review, xlsx
from points.vocab.text import column_letter

EXAMPLES = EXAMPLE_FILES

CONTRACT = {
    "汇总": ["党员编号", "姓名", "支部", "类别", "日常表现", "民主评议", "先锋示范", "扣分", "调整",
             "总积分", "建议等次", "支部排名", "出勤率", "请假", "提示数", "转正建议",
             "择优档次"],
    "复核提示": ["党员编号", "姓名", "支部", "提示", "依据", "建议处理", "类别", "级别", "距六个月",
                 "提示代码"],
    "依据明细": ["党员编号", "姓名", "支部", "提示", "月份", "日期", "记录", "状态", "说明", "来源",
                 "提示代码"],
    "积分明细": ["党员编号", "姓名", "日期", "规则", "积分", "来源", "维度", "规则编号"],
    "发展对象": ["党员编号", "姓名", "支部", "类别", "总积分", "排名", "择优档次", "推荐", "推荐顺序",
                 "说明"],
    "支部统计": ["支部", "人数", "平均分", "出勤率", "请假率"],
    "数据问题": ["位置", "问题代码", "说明", "党员编号"],
    "积分规则": ["部分", "名称", "编号", "分值", "封顶", "说明"],
}


load = load_book


def table(book: openpyxl.Workbook, sheet: str) -> pd.DataFrame:
    """The sheet's table: its header row and the rows up to the first empty one (below it:
    汇总's sign-off line, 支部统计's smaller tables)."""
    rows = list(book[sheet].iter_rows(values_only=True))
    end = next((i for i, row in enumerate(rows) if all(v is None for v in row)), len(rows))
    return pd.DataFrame(rows[1:end], columns=rows[0])


@pytest.fixture(scope="module")
def written(example_book: Path) -> Path:
    """The example year's review workbook, written once for the session (tests/conftest.py,
    which also checks that ``to_excel`` returns its one path)."""
    return example_book


def test_sheets_and_headers_are_the_contract(written: Path) -> None:
    book = load(written)
    assert book.sheetnames == list(CONTRACT)
    for sheet, headers in CONTRACT.items():
        first = [c.value for c in book[sheet][1]]
        assert first[:len(headers)] == headers, sheet


def test_summary_holds_the_totals_grades_and_flag_counts(written: Path,
                                                         example: points.Assessment) -> None:
    summary = table(load(written), "汇总").set_index("党员编号")
    totals = example.totals.set_index("member_id")
    assert sorted(summary.index) == sorted(totals.index)
    assert summary["总积分"].astype(float).to_dict() == pytest.approx(totals["total"].to_dict())
    assert summary["日常表现"].astype(float).to_dict() == pytest.approx(
        totals["participation"].to_dict())
    flagged = example.flags["member_id"].value_counts()
    assert summary["提示数"].to_dict() == {m: int(flagged.get(m, 0)) for m in summary.index}
    grades = example.rankings.set_index("member_id")
    # a grade for members; candidates' bands in a column of their own, never in 建议等次
    def shown(column: pd.Series) -> dict[str, str]:  # (a blank cell reads as None)
        return column.astype(object).where(column.notna(), "").to_dict()

    assert shown(summary["建议等次"]) == shown(grades["grade"])
    assert shown(summary["择优档次"]) == shown(grades["candidate_band"])
    candidates = grades["kind"] == "candidate"
    assert grades.loc[candidates, "candidate_band"].notna().all() and candidates.any()
    # within a branch, people are listed by their rank
    for _, part in summary.groupby("支部", sort=False):
        members = part[part["类别"].isin(["发展对象", "入党积极分子"]) == False]  # noqa: E712
        assert list(members["支部排名"]) == sorted(members["支部排名"])


def test_ledger_sheet_sums_to_the_totals_and_names_its_sources(written: Path,
                                                                example: points.Assessment) -> None:
    ledger = table(load(written), "积分明细")
    assert len(ledger) == len(example.ledger)
    sums = ledger.groupby("党员编号")["积分"].sum()
    totals = example.totals.set_index("member_id")["total"]
    assert sums.reindex(totals.index).fillna(0).to_dict() == pytest.approx(totals.to_dict())
    assert set(ledger["来源"].dropna()) == set(example.ledger["source"]) - {""}
    first = example.ledger.iloc[0]
    assert ledger.loc[0, "日期"] == first["date"].to_pydatetime()
    assert ledger.loc[0, "规则编号"] == first["rule"]
    assert ledger["规则"].str.contains("（出席）").any()


def test_number_formats_frozen_header_filter_and_print_setup(written: Path) -> None:
    book = load(written)
    ws = book["积分明细"]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:H{ws.max_row}"
    assert ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["E2"].number_format == "0.0"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in ws.oddFooter.center.text and "都江堰" in ws.oddFooter.left.text
    assert ws.column_dimensions["F"].width > 30  # 来源: long Chinese addresses
    summary = book["汇总"]
    assert summary.conditional_formatting  # grades and flag counts are coloured


def test_flags_sheet_shows_code_label_evidence_and_action(written: Path,
                                                          example: points.Assessment) -> None:
    flags = table(load(written), "复核提示")
    assert len(flags) == len(example.flags)
    assert list(flags["提示代码"]) == list(example.flags["code"])
    row = flags.iloc[0]
    code = row["提示代码"]
    assert row["提示"] == points.FLAG_CODES[code].label
    assert row["建议处理"] == points.FLAG_CODES[code].action
    # the records themselves, or (a long run) the sentence and where the records are
    assert re.search(r"\.xlsx!.+![A-Z]+\d+", row["依据"]) or row["依据"].endswith("见依据明细")
    assert all(re.search(r"\.xlsx!.+![A-Z]+\d+|见依据明细$", text) for text in flags["依据"])


def test_branch_statistics_issues_and_rules(written: Path, example: points.Assessment) -> None:
    book = load(written)
    stats = table(book, "支部统计")
    branches = stats[stats["支部"].notna()]
    assert sorted(branches["支部"]) == sorted(example.members["branch"].unique())
    members = example.rankings[example.rankings["kind"] == "member"]
    assert branches.iloc[:, 1].sum() == len(members)  # 人数
    assert "优秀" in stats.columns
    below = [row[0] for row in book["支部统计"].iter_rows(min_row=len(stats) + 2, values_only=True)]
    assert "分数段" in below and "提示" in below  # the smaller tables, stacked below
    average = members.groupby("branch")["total"].mean().round(1)
    assert dict(zip(branches["支部"], branches["平均分"], strict=True)) == average.to_dict()
    with zipfile.ZipFile(written) as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 3
    issues = table(book, "数据问题")
    assert list(issues["位置"]) == list(example.issues["source"])
    assert list(issues["问题代码"]) == list(example.issues["code"])
    rules = table(book, "积分规则")
    assert "支部党员大会" in set(rules["名称"])
    files = rules[rules["部分"] == "输入文件"]
    assert sorted(files["名称"]) == sorted(p.name for p in EXAMPLES)
    assert files["说明"].str.contains(r"SHA-256 [0-9a-f]{64}").all()
    assert points.__version__ in set(rules["说明"])


def test_writing_is_deterministic(example: points.Assessment, tmp_path: Path) -> None:
    example.to_excel(tmp_path / "a.xlsx")
    example.to_excel(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


NASTY = ['=HYPERLINK("http://example.com","点我")', "+1+1", "-2", "@SUM(A1)", "\t制表",
         "\r回车", "_x0041_", "A&B<c>", "控\x01制"]


def no_formulas(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode()


def test_a_member_named_like_a_formula_stays_text(tmp_path: Path) -> None:
    members = [("M1", NASTY[0], "支部一", "在职党员"), ("M2", "李四", "=1+1", "在职党员")]
    result = points.assess(build(members, [("M1", "2024-03-01", "党小组会", "present")]), year=2024)
    path = tmp_path / "r.xlsx"
    result.to_excel(path)
    no_formulas(path)
    book = load(path)
    for sheet in ("汇总", "积分明细"):
        rows = {row[0].value: row for row in book[sheet].iter_rows(min_row=2)}
        cell = rows["M1"][1]
        assert cell.value == NASTY[0] and cell.data_type == "s" and cell.quotePrefix
    branch = {row[0].value: row[2] for row in book["汇总"].iter_rows(min_row=2)}["M2"]
    assert branch.value == "=1+1" and branch.quotePrefix


def test_every_risky_text_is_literal(tmp_path: Path) -> None:
    book = xlsx.Book(title="t", footer="f", created=dt.datetime(2024, 12, 31))
    book.table("t", pd.DataFrame({"a": NASTY}), [xlsx.Column("a")])
    path = tmp_path / "t.xlsx"
    book.save(path)
    no_formulas(path)
    cells = [row[0] for row in load(path)["t"].iter_rows(min_row=2)]
    shown = [c.value for c in cells]
    # "_x0041_" is how OOXML escapes "A": the literal text is stored as "_x005F_x0041_", which
    # Excel and LibreOffice show as "_x0041_" (openpyxl does not unescape it).
    assert shown[6] == "_x005F_x0041_"
    assert shown[:6] + shown[7:-1] == NASTY[:6] + NASTY[7:-1]
    assert shown[-1] == "控\ufffd制"  # a character XML cannot hold is shown, not dropped
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False] * 3


def test_overlong_text_is_cut_visibly() -> None:
    long = pd.DataFrame({"a": ["字" * 40_000]})
    xml = b"".join(bytes(c) for c in xlsx.rows_xml(long, ["text"], {"text": 1, "text_quoted": 2},
                                                   [10.0])).decode()
    assert xlsx.CUT in xml
    text = re.search(r"<t xml:space=\"preserve\">(.*)</t>", xml)
    assert text is not None and len(text.group(1)) == xlsx.MAX_CELL


def test_personal_columns_never_reach_any_output(tmp_path: Path) -> None:
    records = points.read_workbooks([workbooks.roster(tmp_path), workbooks.matrix(tmp_path)])
    result = points.assess(records)
    for public in (False, True):
        path = tmp_path / f"out-{public}.xlsx"
        result.to_excel(path, public=public)
        with zipfile.ZipFile(path) as z:
            text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
        assert "13800000001" not in text and "联系电话" not in text and "身份证" not in text


def test_public_version_has_only_name_branch_total_grade(example: points.Assessment,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "公示.xlsx"
    example.to_excel(path, public=True, mask_names=True)
    book = load(path)
    assert book.sheetnames == ["公示", "发展对象公示"]
    frame, others = table(book, "公示"), table(book, "发展对象公示")
    assert list(frame.columns) == ["姓名", "支部", "总积分", "建议等次"]
    assert list(others.columns) == ["姓名", "支部", "类别", "总积分", "择优档次"]
    assert len(frame) == (example.rankings["kind"] == "member").sum()
    assert len(others) == (example.rankings["kind"] == "candidate").sum()
    names = set(example.members["name"])
    shown = pd.concat([frame["姓名"], others["姓名"]])
    assert not names & set(shown)
    assert all("*" in n for n in shown)
    with zipfile.ZipFile(path) as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert not any(m in text for m in example.members["member_id"])


def test_mask_name() -> None:
    names = pd.Series(["张三", "张三丰", "欧阳小明", "李", "", None], dtype="string")
    assert list(review.mask_name(names)) == ["张*", "张*丰", "欧**明", "李", "", ""]


def test_long_ledger_is_split_never_truncated(example: points.Assessment, tmp_path: Path) -> None:
    path = tmp_path / "split.xlsx"
    review.write_review(example, path, rows_per_sheet=301)
    book = load(path)
    parts = [s for s in book.sheetnames if s.startswith("积分明细")]
    assert parts[:2] == ["积分明细", "积分明细2"]
    assert sum(book[s].max_row - 1 for s in parts) == len(example.ledger)
    assert all(book[s].max_row <= 301 for s in parts)


@pytest.mark.parametrize("option", ["csv", "parquet"])
def test_ledger_beside_the_workbook(example: points.Assessment, tmp_path: Path,
                                    option: str) -> None:
    path = tmp_path / "r.xlsx"
    written = example.to_excel(path, ledger=option)  # type: ignore[arg-type]
    side = tmp_path / f"r-积分明细.{option}"
    assert written == [path, side]
    frame = pd.read_csv(side) if option == "csv" else pd.read_parquet(side)
    assert len(frame) == len(example.ledger)
    assert "r-积分明细" in str(load(path)["积分明细"]["A1"].value)


def test_refuses_to_overwrite_an_input_file(tmp_path: Path) -> None:
    inputs = [shutil.copy(p, tmp_path / p.name) for p in EXAMPLES]
    before = {p: Path(p).read_bytes() for p in inputs}
    result = points.assess(points.read_workbooks(inputs))
    with pytest.raises(points.OutputError, match="输入文件"):
        result.to_excel(tmp_path / "河西镇党员名册.xlsx")
    assert {p: Path(p).read_bytes() for p in inputs} == before


def test_write_is_atomic(example: points.Assessment, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"old")

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx, "cached_rows", boom)
    with pytest.raises(RuntimeError):
        example.to_excel(path)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_bad_targets_are_one_clear_error(example: points.Assessment, tmp_path: Path) -> None:
    with pytest.raises(points.OutputError, match="不存在"):
        example.to_excel(tmp_path / "nope" / "r.xlsx")
    with pytest.raises(points.OutputError, match=r"\.xlsx"):
        example.to_excel(tmp_path / "r.xls")
    with pytest.raises(ValueError, match="ledger"):
        example.to_excel(tmp_path / "r.xlsx", ledger="sheet")  # type: ignore[arg-type]


def test_one_workbook_per_branch(tmp_path: Path) -> None:
    members = [("A1", "张三", "第一/支部:*", "在职党员"), ("A2", "李四", "第一/支部:*", "在职党员"),
               ("B1", "王五", "第二支部", "在职党员"), ("B2", "赵六", "CON", "在职党员")]
    attendance = [(m[0], "2024-03-01", "党小组会", "present") for m in members]
    result = points.assess(build(members, attendance), year=2024)
    out = result.to_excel_per_branch(tmp_path / "各支部")
    names = sorted(p.name for p in (tmp_path / "各支部").iterdir())
    assert names == sorted(["全部支部.xlsx", "第一_支部__.xlsx", "第二支部.xlsx", "_CON.xlsx"])
    first = table(load(out["第一/支部:*"]), "汇总")
    assert sorted(first["党员编号"]) == ["A1", "A2"]
    assert sorted(table(load(out["第一/支部:*"]), "积分明细")["党员编号"].unique()) == ["A1", "A2"]
    whole = load(out[""])
    assert "积分明细" not in whole.sheetnames
    assert sorted(table(whole, "汇总")["党员编号"]) == ["A1", "A2", "B1", "B2"]


def test_safe_filename_and_column_letters() -> None:
    taken: set[str] = set()
    assert xlsx.safe_filename("a/b", taken) == "a_b"
    assert xlsx.safe_filename("A_B", taken) == "A_B-2"  # case-insensitive file systems
    assert xlsx.safe_filename(" . ", taken) == "未命名"
    assert xlsx.safe_filename("nul.txt", taken) == "_nul.txt"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_branch_views_split_once_equal_branch_view(example: points.Assessment) -> None:
    views = dict(review.branch_views(example))
    assert sorted(views) == sorted(b for b in example.members["branch"].unique() if b)
    for branch, view in views.items():
        one = review.branch_view(example, branch)
        for field in attrs.fields(type(one)):
            mine, theirs = getattr(view, field.name), getattr(one, field.name)
            if isinstance(mine, pd.DataFrame):
                pd.testing.assert_frame_equal(mine, theirs)
    assert sum(len(v.ledger) for v in views.values()) == len(example.ledger)
