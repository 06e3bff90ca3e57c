"""Every output is inert and accounted for (#13): no formula in any file, numbers always finite,
every workbook marked as written by points (the template is not), and a command that fails
writes nothing."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import attrs
import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

import points
from conftest import EXAMPLE_FILES, build, load_book
from points import cli
from points.report import common, files, ledger_table, xlsx
from points.report.outputs import plan_outputs, write_outputs
from points.report.sheets import ledger as ledger_sheets
from points.report.sheets.ledger import literal_frame
from points.vocab.codes import OUTPUT_PROPERTY

NAMES = ['=HYPERLINK("x")', "@SUM(1)", "-2+3", "＝1+1", "＋1", "－1", "＠A1", "+1", "张三"]
RISKY = re.compile(xlsx.RISKY)


load = load_book


def cells(book: openpyxl.Workbook) -> list[openpyxl.cell.Cell]:
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def marker(path: Path) -> str | None:
    props = {p.name: p.value for p in load(path).custom_doc_props.props}
    return props.get(OUTPUT_PROPERTY)


@pytest.fixture(scope="module")
def nasty() -> points.Assessment:
    """People named like formulas, under a ruleset whose first dimension label is one too."""
    rules = points.default_ruleset()
    dims = tuple(attrs.evolve(d, label="=" + d.label) if i == 0 else d
                 for i, d in enumerate(rules.dimensions))
    members = [(f"M{i}", name, "支部一" if i % 2 else "@支部二", "在职党员")
               for i, name in enumerate(NAMES)]
    attendance = [(m[0], "2024-03-01", "党小组会", "present") for m in members]
    return points.assess(build(members, attendance), attrs.evolve(rules, dimensions=dims),
                         year=2024)


def expected_literal(values: pd.Series) -> list[object]:
    return [f"'{v}" if isinstance(v, str) and RISKY.match(v) else v for v in values]


@pytest.mark.parametrize("option", ["csv", "parquet"])
def test_ledger_files_hold_no_formula(nasty: points.Assessment, tmp_path: Path,
                                      option: str) -> None:
    path = tmp_path / "复核.xlsx"
    written = nasty.to_excel(path, ledger=option)  # type: ignore[arg-type]
    side = written[1]
    frame = (pd.read_csv(side, encoding="utf-8-sig", keep_default_na=False) if option == "csv"
             else pd.read_parquet(side))
    table = ledger_table(nasty)
    assert len(frame) == len(table)
    for column in ("姓名", "维度", "来源", "规则"):
        assert list(frame[column]) == expected_literal(table[column]), column
    assert "'=HYPERLINK(\"x\")" in set(frame["姓名"]) and "张三" in set(frame["姓名"])
    assert "'＝1+1" in set(frame["姓名"]) and "'=日常表现" in set(frame["维度"])
    assert pd.api.types.is_float_dtype(frame["积分"])  # numbers stay numbers
    assert frame["积分"].tolist() == pytest.approx(table["积分"].tolist())
    texts = [v for column in frame.columns if frame[column].dtype == object
             for v in frame[column] if isinstance(v, str)]
    assert not any(RISKY.match(v) for v in texts)
    if option == "csv":  # every text field quoted, as OWASP advises
        first = side.read_text(encoding="utf-8-sig").splitlines()[1]
        assert first.startswith('"M0","\'=HYPERLINK(""x"")"')


def test_literal_frame_prefixes_every_risky_start() -> None:
    starts = ["=1", "+1", "-1", "@A", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠A"]
    frame = pd.DataFrame({"text": pd.Series([*starts, "a=1", "", None], dtype="object"),
                          "points": [1.5] * 10 + [-2.0, np.inf, -np.inf],
                          "date": pd.to_datetime(["2024-03-01"] * 13)})
    csv_side = literal_frame(frame, infinity_as_text=True)
    assert list(csv_side["text"][:10]) == ["'" + s for s in starts]
    assert list(csv_side["text"][10:12]) == ["a=1", ""] and pd.isna(csv_side["text"][12])
    assert list(csv_side["points"][-3:]) == [-2.0, "∞", "−∞"]
    assert csv_side["date"].equals(frame["date"])
    parquet_side = literal_frame(frame, infinity_as_text=False)
    assert parquet_side["points"].dtype == "float64"
    assert parquet_side["points"][-3:].isna().tolist() == [False, True, True]
    assert frame["text"][0] == "=1" and frame["points"].iloc[-1] == -np.inf  # not changed


def test_workbook_holds_no_formula_and_quotes_every_risky_text(nasty: points.Assessment,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "复核.xlsx"
    nasty.to_excel(path)
    public = tmp_path / "公示.xlsx"
    nasty.to_excel(public, public=True)
    for written in (path, public):
        found = cells(load(written))
        assert found and all(c.data_type != "f" for c in found)
        risky = [c for c in found if isinstance(c.value, str) and RISKY.match(c.value)]
        assert risky and all(c.quotePrefix for c in risky), [c.value for c in risky
                                                            if not c.quotePrefix]
        safe = [c for c in found if isinstance(c.value, str) and not RISKY.match(c.value)]
        assert not any(c.quotePrefix for c in safe)
    summary = load(path)["汇总"]
    header = {c.value: c for c in summary[1]}
    assert header["=日常表现"].quotePrefix and not header["姓名"].quotePrefix
    names = {c.value for c in cells(load(path)) if c.quotePrefix}
    assert set(NAMES[:-1]) <= names and "@支部二" in names


def test_tabs_full_width_headers_and_notes_in_the_engine(tmp_path: Path) -> None:
    book = xlsx.Book(title="t", footer="f", created=dt.datetime(2024, 12, 31))
    values = ["\t=1", "\r=1", "＝1", "＋1", "－1", "＠A", "1＝1"]
    ws = book.table("t", pd.DataFrame({"a": values}), [xlsx.Column("＝表头")])
    book.write_text(ws, 20, 2, "@注")
    book.write_text(ws, 21, 2, "注")
    path = tmp_path / "t.xlsx"
    book.save(path)
    sheet = load(path)["t"]
    assert sheet["A1"].value == "＝表头" and sheet["A1"].quotePrefix and sheet["A1"].font.b
    shown = [(c.value, c.quotePrefix) for c in sheet["A"][1:8]]
    assert shown == [(v, v != "1＝1") for v in values]
    assert sheet["C21"].quotePrefix and not sheet["C22"].quotePrefix
    assert all(c.data_type != "f" for c in cells(load(path)))


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


def test_numbers_are_always_finite(nasty: points.Assessment, tmp_path: Path) -> None:
    totals = nasty.totals.copy()
    rankings = nasty.rankings.copy()
    ledger = nasty.ledger.copy()
    for frame, column in ((totals, "total"), (totals, "participation"), (rankings, "total"),
                          (ledger, "points")):
        frame[column] = frame[column].astype("float64")
        frame.loc[frame["member_id"] == "M0", column] = np.inf
        frame.loc[frame["member_id"] == "M1", column] = -np.inf
    broken = attrs.evolve(nasty, totals=totals, rankings=rankings, ledger=ledger)
    review, public = tmp_path / "复核.xlsx", tmp_path / "公示.xlsx"
    broken.to_excel(review, ledger="csv")
    broken.to_excel(tmp_path / "p.xlsx", ledger="parquet")
    broken.to_excel(public, public=True)
    broken.to_excel_per_branch(tmp_path / "各支部")
    for path in (review, public, tmp_path / "p.xlsx", *(tmp_path / "各支部").iterdir()):
        xml = _sheet_xml(path)
        assert not re.search(r"<v>[^<]*(inf|nan)", xml, re.IGNORECASE), path
        load(path)  # openpyxl opens it
    summary = {row[0].value: row for row in load(review)["汇总"].iter_rows(min_row=2)}
    header = [c.value for c in load(review)["汇总"][1]]
    at = header.index("总积分")
    assert (summary["M0"][at].value, summary["M1"][at].value) == xlsx.INFINITY
    assert summary["M2"][at].data_type == "n"
    shown = pd.read_csv(tmp_path / "复核-积分明细.csv", encoding="utf-8-sig")
    assert set(shown.loc[shown["党员编号"].isin(["M0", "M1"]), "积分"]) == {"∞", "−∞"}
    stored = pd.read_parquet(tmp_path / "p-积分明细.parquet")
    assert stored["积分"].dtype == "float64"
    assert stored.loc[stored["党员编号"].isin(["M0", "M1"]), "积分"].isna().all()
    assert np.isfinite(stored["积分"].dropna()).all()


def test_huge_numbers_stay_numbers(tmp_path: Path) -> None:
    book = xlsx.Book(title="t", footer="f", created=dt.datetime(2024, 12, 31))
    frame = pd.DataFrame({"a": [1e308, -1e300, 1.23456789012, np.nan]})
    book.table("t", frame, [xlsx.Column("a", "points")])
    path = tmp_path / "t.xlsx"
    book.save(path)
    shown = [c.value for c in load(path)["t"]["A"][1:]]
    assert shown == [1e308, -1e300, 1.234567890, None]
    assert frame["a"][2] == 1.23456789012  # the frame itself is not rounded


def test_every_output_carries_the_marker_and_the_template_does_not(
        nasty: points.Assessment, tmp_path: Path) -> None:
    review, public = tmp_path / "复核.xlsx", tmp_path / "公示.xlsx"
    nasty.to_excel(review)
    nasty.to_excel(public, public=True, mask_names=True)
    branches = nasty.to_excel_per_branch(tmp_path / "各支部")
    other = points.assess(build([("M0", "张三", "支部一", "在职党员")]), year=2024)
    compared = points.write_comparison(points.compare_assessments(nasty, other),
                                       tmp_path / "对比.xlsx", before=nasty, after=other)
    for path in (review, public, *branches.values(), compared):
        assert marker(path) == points.__version__, path
    assert cli.main(["init", str(tmp_path / "模板"), "--year", "2024"]) == 0
    assert marker(tmp_path / "模板" / "积分模板.xlsx") is None


def test_marked_workbooks_are_still_deterministic(example: points.Assessment,
                                                  tmp_path: Path) -> None:
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        example.to_excel(tmp_path / run / "r.xlsx", ledger="csv")
        example.to_excel(tmp_path / run / "p.xlsx", ledger="parquet")
    for name in ("r.xlsx", "r-积分明细.csv", "p.xlsx", "p-积分明细.parquet"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert marker(tmp_path / "a" / "r.xlsx") == points.__version__


def test_the_parquet_ledger_does_not_depend_on_how_its_text_is_chunked(tmp_path: Path) -> None:
    # Parquet's pages follow the chunks it is given (past about 60,000 rows): a ledger combined
    # from partitions holds its text in many chunks, a plain run's in one
    text = pd.Series([f"第{i % 300}村党支部.xlsx!一月!B{i}" for i in range(80_000)], dtype="string")
    whole = pd.DataFrame({"来源": text, "积分": np.arange(len(text), dtype="float64")})
    pieces = pd.concat([whole.iloc[a:a + 40] for a in range(0, len(whole), 40)],
                       ignore_index=True)
    assert pa.array(pieces["来源"].array).num_chunks == 2_000
    for name, frame in (("a", whole), ("b", pieces)):
        ledger_sheets._write_side(tmp_path / f"{name}.parquet", frame, "parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "b.parquet"), whole)


def test_the_parquet_ledger_in_row_groups_cut_by_member(
        example: points.Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a long ledger is made and written a row group at a time, cut where a member begins
    # (report/rowgroups.py); the file holds the ledger's rows; 规则编号 is text
    import pyarrow.parquet as pq

    from points.report import rowgroups

    monkeypatch.setattr(rowgroups, "SPREAD", 4)
    monkeypatch.setattr(rowgroups, "LEAST", 100)
    monkeypatch.setattr(rowgroups, "MOST", 700)
    assert len(example.ledger) > 2 * 700
    ledger_sheets._write_file(tmp_path / "sliced.parquet", example, "parquet")
    whole = ledger_table(example)
    assert isinstance(whole["规则编号"].dtype, pd.CategoricalDtype)  # the ledger's coded rule
    back = pd.read_parquet(tmp_path / "sliced.parquet")
    assert back["规则编号"].dtype == "string"  # text, as before the column was coded
    pd.testing.assert_frame_equal(back, literal_frame(whole.assign(
        规则编号=whole["规则编号"].astype("string")), infinity_as_text=False))
    metadata = pq.ParquetFile(tmp_path / "sliced.parquet").metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert len(sizes) > 2 and sum(sizes) == len(whole) and max(sizes) <= 700
    starts = np.cumsum([0, *sizes[:-1]])
    ids = example.ledger["member_id"].to_numpy()
    assert all(ids[s] != ids[s - 1] for s in starts[1:] if s)  # a member is never cut in two
    chunks = {metadata.schema.column(i).name: metadata.row_group(0).column(i)
              for i in range(metadata.num_columns)}
    assert not chunks["来源"].has_dictionary_page  # an address a row: no dictionary
    assert chunks["规则"].has_dictionary_page and chunks["党员编号"].has_dictionary_page


def test_a_re_run_builds_only_the_changed_row_groups_and_writes_the_same_file(
        example: points.Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from points.report import rowgroups

    monkeypatch.setattr(rowgroups, "SPREAD", 4)
    monkeypatch.setattr(rowgroups, "LEAST", 100)
    made: list[str] = []
    put = rowgroups.Kept.put
    monkeypatch.setattr(rowgroups.Kept, "put", lambda self, key, file: (
        made.append(key), put(self, key, file))[1])
    cache = tmp_path / "cache"
    cache.mkdir()
    ledger_sheets._write_file(tmp_path / "first.parquet", example, "parquet", cache)
    groups = len(made)
    assert groups > 2 and len(list(cache.glob("ledger-*.pq"))) == groups
    led = example.ledger.copy()
    member = led["member_id"].iloc[len(led) // 2]
    led.loc[led["member_id"] == member, "points"] += 1  # one member's rows change
    changed = attrs.evolve(example, ledger=led)
    made.clear()
    ledger_sheets._write_file(tmp_path / "again.parquet", changed, "parquet", cache)
    assert len(made) == 1  # the group of that member only
    ledger_sheets._write_file(tmp_path / "plain.parquet", changed, "parquet")
    assert (tmp_path / "again.parquet").read_bytes() == (tmp_path / "plain.parquet").read_bytes()
    assert len(list(cache.glob("ledger-*.pq"))) == groups  # the old group's entry pruned
    entry = next(cache.glob("ledger-*.pq"))
    entry.write_bytes(entry.read_bytes()[:-9] + b"damaged!!")  # rebuilt, not trusted
    made.clear()
    ledger_sheets._write_file(tmp_path / "third.parquet", changed, "parquet", cache)
    assert len(made) == 1
    assert (tmp_path / "third.parquet").read_bytes() == (tmp_path / "plain.parquet").read_bytes()


# -- a failed command writes nothing ---------------------------------------------------------

@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "输入"
    folder.mkdir()
    for path in EXAMPLE_FILES:
        shutil.copy(path, folder / path.name)
    return folder


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), lines
    return lines[0]


def test_score_whose_public_target_is_an_input_writes_nothing(
        inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p.name: p.read_bytes() for p in inputs.iterdir()}
    review = tmp_path / "复核.xlsx"
    victim = inputs / EXAMPLE_FILES[0].name
    assert cli.main(["score", str(inputs), "-o", str(review), "--public", str(victim),
                     "--per-branch", str(tmp_path / "各支部"), "--ledger", "csv"]) == 1
    assert "输入文件" in _error(capsys)
    assert not review.exists() and not (tmp_path / "复核-积分明细.csv").exists()
    assert not (tmp_path / "各支部").exists()
    assert {p.name: p.read_bytes() for p in inputs.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["输入"]


@pytest.fixture
def template(tmp_path: Path) -> Path:
    assert cli.main(["init", str(tmp_path / "模板"), "--year", "2024"]) == 0
    return tmp_path / "模板" / "积分模板.xlsx"


@pytest.mark.parametrize(("extra", "message"), [
    (["--public", "{tmp}/没有/公示.xlsx"], "不存在"),
    (["--public", "{tmp}/公示.xls"], ".xlsx"),
    (["--public", "{tmp}/复核.xlsx"], "同一个文件"),
    (["--public", "{tmp}/目录.xlsx"], "这是一个文件夹"),
    (["--per-branch", "{tmp}/旧.xlsx"], "已存在同名文件"),
    (["--per-branch", "{tmp}/旧.xlsx/各支部"], "是一个文件"),
    (["--per-branch", "{tmp}/模板"], "输入文件"),  # 模板/第一党支部.xlsx is read as well
])
def test_score_checks_every_target_before_writing_any(
        template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str],
        message: str) -> None:
    (tmp_path / "复核.xlsx").write_bytes(b"old")
    (tmp_path / "旧.xlsx").write_bytes(b"old")
    (tmp_path / "目录.xlsx").mkdir()
    if "{tmp}/模板" in extra:  # a branch workbook that would land on an input file
        shutil.copy(template, tmp_path / "模板" / "第一党支部.xlsx")
        args = [str(template), str(tmp_path / "模板" / "第一党支部.xlsx")]
    else:
        args = [str(template)]
    capsys.readouterr()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    extra = [e.replace("{tmp}", str(tmp_path)) for e in extra]
    assert cli.main(["score", *args, "-o", str(tmp_path / "复核.xlsx"), *extra]) == 1
    assert message in _error(capsys)
    assert (tmp_path / "复核.xlsx").read_bytes() == b"old"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_score_writes_everything_when_every_target_is_fine(
        template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["score", str(template), "-o", str(tmp_path / "复核.xlsx"), "--ledger", "parquet",
            "--public", str(tmp_path / "公示.xlsx"), "--per-branch", str(tmp_path / "新" / "各支部")]
    assert cli.main(args) == 0
    assert sorted(p.name for p in (tmp_path / "新" / "各支部").iterdir()) == [
        "全部支部.xlsx", "第一党支部.xlsx"]
    assert (tmp_path / "复核-积分明细.parquet").exists() and (tmp_path / "公示.xlsx").exists()
    assert not [p for p in tmp_path.rglob(".~*")]  # no temporary file left


def test_a_long_ledger_goes_to_parquet_and_the_summary_says_where(
        template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    review = tmp_path / "复核.xlsx"
    assert cli.main(["score", str(template), "-o", str(review)]) == 0  # short: in the workbook
    assert "积分明细" in load(review).sheetnames and not list(tmp_path.glob("*.parquet"))
    assert "另存为" not in capsys.readouterr().out
    monkeypatch.setattr(ledger_sheets, "SHEET_LEDGER_ROWS", 3)  # as if it were long
    assert cli.main(["score", str(template), "-o", str(review), "--per-branch",
                     str(tmp_path / "各支部")]) == 0
    side = tmp_path / "复核-积分明细.parquet"
    out = capsys.readouterr().out
    assert f"超过 3 行，另存为 {side}（要写在工作簿中请加 --ledger sheets）" in out
    assert f"各支部工作簿 1 个（含各支部的积分明细）及全部支部.xlsx：在 {tmp_path / '各支部'}" in out
    assert str(tmp_path / "各支部" / "第一党支部.xlsx") not in out  # a folder, not 2,000 names
    assert len(pd.read_parquet(side)) > 3
    assert "另存为 复核-积分明细.parquet" in str(load(review)["积分明细"]["A1"].value)
    branch = load(tmp_path / "各支部" / "第一党支部.xlsx")["积分明细"]  # each branch: its ledger
    assert branch.max_row == len(pd.read_parquet(side)) + 1


def test_compare_refuses_to_write_over_an_input(
        inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = inputs / EXAMPLE_FILES[0].name
    before = victim.read_bytes()
    assert cli.main(["compare", str(inputs), "--with", "hongtong", "-o", str(victim)]) == 1
    assert "输入文件" in _error(capsys)
    assert victim.read_bytes() == before


def test_plan_outputs_names_every_file_in_order(nasty: points.Assessment, tmp_path: Path) -> None:
    planned = plan_outputs(nasty, tmp_path / "r.xlsx", public=tmp_path / "p.xlsx",
                           per_branch=tmp_path / "各支部", ledger="csv")
    written = write_outputs(nasty, tmp_path / "r.xlsx", public=tmp_path / "p.xlsx",
                            per_branch=tmp_path / "各支部", ledger="csv")
    assert planned == written
    assert [p.name for p in planned[:3]] == ["r.xlsx", "r-积分明细.csv", "p.xlsx"]
    assert all(p.exists() for p in written)


def test_all_or_nothing_puts_back_what_it_replaced(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    first.write_bytes(b"old")
    with pytest.raises(RuntimeError), files.all_or_nothing():
        files.write_file(first, b"new")
        files.write_file(second, b"new")
        raise RuntimeError("a later step fails")
    assert first.read_bytes() == b"old" and not second.exists()
    # a rename that fails at the end (the target became a folder): the first is put back
    with pytest.raises(points.OutputError), files.all_or_nothing():
        files.write_file(first, b"new")
        files.write_file(second, b"new")
        second.mkdir()
        (second / "x").write_bytes(b"")
    assert first.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]
    with files.all_or_nothing():
        files.write_file(first, b"new")
        with files.all_or_nothing():  # joins the outer block
            files.write_file(tmp_path / "c.xlsx", b"new")
        assert first.read_bytes() == b"old" and not (tmp_path / "c.xlsx").exists()
    assert first.read_bytes() == b"new" and (tmp_path / "c.xlsx").read_bytes() == b"new"


def test_a_folder_made_for_a_failed_run_is_removed(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), common.folder_made(tmp_path / "新" / "各支部"):
        assert (tmp_path / "新" / "各支部").is_dir()
        raise RuntimeError("a write fails")
    assert list(tmp_path.iterdir()) == []
