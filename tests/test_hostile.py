"""A fast subset of the hostile corpus (benchmarks/hostile), run in-process: a few cases of each
category, each checked for the same invariants and expected outcome as the full runner
(``python benchmarks/hostile/run.py``). Cases that fail today are strict xfails, so that a fix
shows up as an XPASS to be moved out of the list. Also: the checks themselves catch what
they are meant to catch."""

from __future__ import annotations

import importlib.util
import sys
import time
import traceback
import zipfile
from pathlib import Path

import openpyxl
import pytest

from points.cli import main


def _load_hostile() -> None:
    """Import benchmarks/hostile as the package ``hostile`` (without putting benchmarks/ on the
    path, where its scripts' names could shadow other modules)."""
    folder = Path(__file__).parent.parent / "benchmarks" / "hostile"
    spec = importlib.util.spec_from_file_location("hostile", folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile"] = module
    spec.loader.exec_module(module)


if "hostile" not in sys.modules:
    _load_hostile()

from hostile.checks import Outcome, english_words, snapshot, verify  # noqa: E402
from hostile.corpus import Case, make_corpus  # noqa: E402

#: case id → why it fails today ("" when it passes)
SUBSET: dict[str, str] = {
    # container
    "con-empty-xlsx": "",
    "con-not-zip-html": "",
    "con-ole-xlsx": "",
    "con-xxe-sheet": "",
    "con-dimension-absurd": "",
    "con-folder-broken-link": "",
    "con-folder-link-loop": "",
    # cell
    "cel-error-mark-1": "",
    "cel-error-mark-8": "",
    "cel-error-roster-name": "",
    "cel-date-number-3": "",
    "cel-fullwidth-title-and-dates": "",
    "cel-control-file": "",
    "cel-control-sheet": "",
    "cel-formula-roster-name": "",
    # semantic
    "sem-no-person-blank": "",
    "sem-roster-no-name-column": "",
    "sem-roster-none": "",
    # injection
    "inj-name-1": "",
    "inj-name-2": "",
    # rulesets
    "rul-type-1": "",
    "rul-number-3": "",
    "rul-nesting-array-100000": "",
    "rul-keys-misspelt": "",
    "rul-keys-escape-title": "",
    "rul-file-binary": "",
    "rul-shipped-yongzhou": "",  # a scheme the list once missed: taken from shipped_rulesets()
    # command line
    "cli-input-dev-null": "",
    "cli-output-missing-folder": "",
    "cli-as-of-feb-30": "",
    "cli-usage-no-args": "",
    "cli-usage-mask-names-alone": "",
    "cli-check-issues": "",
    "cli-path-gbk-bytes": "",
}


def run_inprocess(case: Case, capsys: pytest.CaptureFixture[str]) -> Outcome:
    """``points.cli.main(case.argv)`` in the case's folder (the caller changes into it)."""
    capsys.readouterr()
    start, escaped = time.perf_counter(), ""
    try:
        rc = main(list(case.argv))
    except SystemExit as exit_:  # argparse: usage errors and --help
        rc = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException as error:  # a PanicException from Rust is a BaseException
        if isinstance(error, KeyboardInterrupt):
            raise
        rc, escaped = 1, traceback.format_exc()
    out = capsys.readouterr()
    return Outcome(rc, out.out, out.err, time.perf_counter() - start, escaped)


@pytest.mark.parametrize("case_id", [
    pytest.param(case_id, marks=pytest.mark.xfail(strict=True, reason=reason)) if reason else case_id
    for case_id, reason in SUBSET.items()])
def test_hostile_case(case_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    (case,) = make_corpus(tmp_path, ids=[case_id])  # each case alone: cheap, and xdist-friendly
    assert case.inprocess, f"{case_id} may hang or exhaust memory: run it with run.py"
    before = snapshot(case.cwd)
    monkeypatch.chdir(case.cwd)
    outcome = run_inprocess(case, capsys)
    problems = verify(case, outcome, before, snapshot(case.cwd))
    assert problems == [], f"{case.title}: {problems}"


# -- the checks catch what they should --------------------------------------------------------------

def _case(tmp_path: Path, argv: tuple[str, ...] = ("score", "a.xlsx", "-o", "复核.xlsx"), **kw: object
          ) -> Case:
    return Case(id="self", category="cell", title="", argv=argv, cwd=tmp_path, **kw)  # type: ignore[arg-type]


def test_checks_catch_formulas_and_risky_ledgers(tmp_path: Path) -> None:
    case = _case(tmp_path)
    before = snapshot(tmp_path)
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.save(tmp_path / "复核.xlsx")
    (tmp_path / "复核-积分明细.csv").write_text('"姓名","积分"\n"=cmd|\' /C calc\'!A0",5\n"\'=ok",-3\n',
                                           encoding="utf-8-sig")
    ok = Outcome(0, "已写入：复核.xlsx\n", "", 0.1)
    problems = verify(case, ok, before, snapshot(tmp_path))
    assert any(p.startswith("formula in 复核.xlsx") for p in problems)
    assert any("formula-like text in 复核-积分明细.csv" in p for p in problems)
    assert not any("'=ok" in p for p in problems)


def test_checks_catch_tracebacks_crashes_leftovers_and_changed_inputs(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"input")
    case = _case(tmp_path, files=(tmp_path / "a.xlsx",))
    before = snapshot(tmp_path)
    (tmp_path / "a.xlsx").write_bytes(b"changed")
    (tmp_path / ".~复核abc.tmp").write_bytes(b"")
    crashed = Outcome(1, "", "Traceback (most recent call last):\n  ...\nValueError: boom\n", 0.1)
    problems = verify(case, crashed, before, snapshot(tmp_path))
    assert "traceback: ValueError: boom" in problems
    assert "input changed: a.xlsx" in problems
    assert any(p.startswith("output left by a failed run") for p in problems)
    assert any(p.startswith("temporary file left behind") for p in problems)
    assert verify(case, Outcome(None, "", "", 60), before, before)[0].startswith("timeout")
    assert verify(case, Outcome(-9, "", "", 1), before, before)[0].startswith("crash")


def test_checks_catch_english_and_control_characters(tmp_path: Path) -> None:
    assert english_words("UserWarning: Unknown extension is not supported") != []
    assert english_words("错误：无法读取（No such file or directory）") == ["such", "file", "directory"]
    # fine: quoted values, paths and addresses, codes, options, acronyms, format names, usage
    fine = ("用法：points score [-h] FILES -o REVIEW.xlsx\n错误：“Sheet1” 的 签到.xlsx!主题党日!D3 "
            "bad_cell $.activities.主题党日.cap --as-of XFD1048576 Excel/WPS 另存为 CSV（dujiangyan）")
    assert english_words(fine) == []
    case = _case(tmp_path, argv=("rules",))
    problems = verify(case, Outcome(0, "名单：\x1b[2J张三\n", "", 0.1), {}, {})
    assert problems == ["control characters on the terminal: U+001B"]


def test_checks_read_the_expected_issue(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "数据问题"
    ws.append(["位置", "问题代码", "说明", "党员编号"])
    ws.append(["签到.xlsx!主题党日!D3", "bad_cell", "……", None])
    book.save(tmp_path / "复核.xlsx")
    ok = Outcome(0, "已写入：复核.xlsx\n", "", 0.1)
    want = _case(tmp_path, expect="issue", issue=("bad_cell|bad_date", "签到.xlsx!主题党日!D3"))
    assert verify(want, ok, snapshot(tmp_path), snapshot(tmp_path)) == []
    other = _case(tmp_path, expect="issue", issue=("bad_cell", "签到.xlsx!主题党日!E3"))
    assert "not reported" in verify(other, ok, {}, {})[0]
    absent = _case(tmp_path, absent=(("bad_cell", "*"),))
    assert verify(absent, ok, {}, {}) == ["unexpected issue bad_cell @ 签到.xlsx!主题党日!D3"]
    error = _case(tmp_path, expect="error")
    assert verify(error, Outcome(1, "", "错误：文件不存在\n", 0.1), {}, {}) == []
    assert "not one 错误" in verify(error, Outcome(1, "", "错误：一\n错误：二\n", 0.1), {}, {})[0]


def test_corpus_is_large_and_deterministic(tmp_path: Path) -> None:
    from hostile.corpus import specs
    all_specs = specs()
    assert len(all_specs) >= 300
    assert {s.category for s in all_specs} == {"container", "cell", "semantic", "injection", "rulesets",
                                                "cli"}
    ids = ["cel-error-mark-1", "con-truncated-0_5", "inj-sheet-2"]
    first = [snapshot(c.cwd) for c in make_corpus(tmp_path / "a", ids=ids)]
    second = [snapshot(c.cwd) for c in make_corpus(tmp_path / "b", ids=ids)]
    assert first == second
    with zipfile.ZipFile(tmp_path / "a" / "inj-sheet-2" / "签到.xlsx") as package:
        assert "@SUM(1)" in package.read("xl/workbook.xml").decode()
