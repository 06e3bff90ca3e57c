"""The `points` command: every subcommand on the examples, clean failures, help with examples."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import points
from points import cli

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples" / "workbooks"
COMMANDS = ["score", "report", "check", "compare", "init", "rules", "explain"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "points", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_score_writes_the_review_and_prints_a_summary(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "复核.xlsx"
    assert cli.main(["score", str(EXAMPLES), "-o", str(out),
                     "--public", str(tmp_path / "公示.xlsx")]) == 0
    done = capsys.readouterr()
    assert "参评 152 人" in done.out and "数据问题 18 条" in done.out
    assert "新华村党支部2024年签到记录.xlsx!签到记录!C1051" in done.out
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "汇总"
    public = openpyxl.load_workbook(tmp_path / "公示.xlsx", read_only=True)
    assert public.sheetnames == ["公示", "发展对象公示"]
    assert done.err == ""  # no progress bar when stderr is not a terminal


def test_score_and_report_refuse_a_missing_output_folder_before_reading_anything(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_reading(*_: object, **__: object) -> None:
        raise AssertionError("read before the output was checked")
    monkeypatch.setattr(cli.commands, "read_workbooks", no_reading)
    for command in ("score", "report"):
        assert cli.main([command, str(EXAMPLES), "-o", str(tmp_path / "没有" / "结果.xlsx"),
                         *(["--as-of", "2024-06-30"] if command == "report" else [])]) == 1
        assert "不存在，请先创建" in capsys.readouterr().err


def test_check_lists_every_issue_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", str(EXAMPLES)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "发现 18 个数据问题："
    assert lines[1].split("\t")[:2] == ["新华村党支部2024年签到记录.xlsx!签到记录!C1051",
                                        "ambiguous_name"]
    assert len(lines) == 20
    assert lines[-1].startswith("请先打开 新华村党支部2024年签到记录.xlsx 的“签到记录”表：6 个问题")


def test_init_writes_a_template_that_scores_cleanly(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "我的支部"
    assert cli.main(["init", str(folder), "--year", "2024"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["积分模板.xlsx", "规则.toml"]
    assert "都江堰" in (folder / "规则.toml").read_text(encoding="utf-8")
    assert cli.main(["check", str(folder / "积分模板.xlsx"), "-r", str(folder / "规则.toml")]) == 0
    assert cli.main(["score", str(folder / "积分模板.xlsx"), "-o", str(tmp_path / "r.xlsx")]) == 0
    assert "参评 2 人" in capsys.readouterr().out
    assert cli.main(["init", str(folder)]) == 1  # never overwrites without --force
    assert "--force" in capsys.readouterr().err


def test_init_copies_the_ruleset_asked_for_and_builds_the_template_from_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "洪洞"
    assert cli.main(["init", str(folder), "--year", "2024", "-r", "hongtong"]) == 0
    shipped = ROOT / "src/points/rules/shipped/hongtong.toml"
    assert (folder / "规则.toml").read_bytes() == shipped.read_bytes()  # comments and all
    assert "洪洞县百分制扣分的副本" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(folder / "积分模板.xlsx")["负面清单"]
    (rule,) = sheet.data_validations.dataValidation
    listed = set(rule.formula1.strip('"').split(","))  # the drop-down of 负面清单 items
    assert listed and listed <= {i.name for i in points.load_ruleset("hongtong").negatives}
    assert not listed <= {i.name for i in points.default_ruleset().negatives}
    assert cli.main(["check", str(folder / "积分模板.xlsx"), "-r", str(folder / "规则.toml")]) == 0
    mine = tmp_path / "mine.toml"  # a ruleset file of one's own is copied as written
    mine.write_bytes(shipped.read_bytes() + "\n# 本地改过\n".encode())
    assert cli.main(["init", str(tmp_path / "b"), "-r", str(mine)]) == 0
    assert (tmp_path / "b" / "规则.toml").read_bytes() == mine.read_bytes()
    bad = tmp_path / "bad.toml"
    bad.write_text("[cycle\n", encoding="utf-8")
    assert cli.main(["init", str(tmp_path / "c"), "-r", str(bad)]) == 1  # nothing written
    assert not (tmp_path / "c").exists()


def test_compare_lists_who_changes_and_writes_the_whole_comparison(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "对比.xlsx"
    assert cli.main(["compare", str(EXAMPLES), "--with", "hongtong", "-o", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "都江堰式分类积分 → 洪洞县百分制扣分；2024年度；152 人"
    assert lines[1] == "等次变化 29 人，档次变化 21 人，支部排名变化 120 人"
    assert any("XH005" in line and "57.0 → 100.0" in line and "不合格 → 合格" in line
               for line in lines)
    assert lines[-2] == "……其余 25 人见对比工作簿" and lines[-1] == f"已写入：{out}"
    sheet = openpyxl.load_workbook(out, read_only=True)["规则对比"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("党员编号", "姓名", "支部", "类别", "原总积分", "新总积分", "变化", "原等次",
                       "新等次", "原档次", "新档次", "原支部排名", "新支部排名", "名次变化", "变化项")
    assert len(rows) == 153
    xh005 = next(r for r in rows if r[0] == "XH005")
    assert xh005[4:9] == (57, 100, 43, "不合格", "合格") and xh005[14] == "等次、排名"
    # the same rules, with a [rating]: its changes are counted under its label
    assert cli.main(["compare", str(EXAMPLES), "-r", "fangzi", "--with", "fangzi"]) == 0
    assert "等次变化 0 人，档次变化 0 人，星级变化 0 人，支部排名变化 0 人" in capsys.readouterr().out


def test_rules_prints_the_ruleset_as_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rules", "-r", "hongtong"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("洪洞") and "【负面清单】" in out and "【建议等次】" in out


def test_a_commands_assessment_is_let_go_when_the_next_command_starts(tmp_path: Path) -> None:
    """Not when the command returns: the console script ends the process at once, and a
    city's tables are never freed one by one (about half a second)."""
    assert cli.main(["score", str(EXAMPLES), "-o", str(tmp_path / "r.xlsx"), "-q",
                     "--no-cache"]) == 0
    kept = cli.commands.KEPT
    assert len(kept) == 1 and isinstance(kept[0], points.Assessment) and len(kept[0].totals)
    assert cli.main(["rules"]) == 0
    assert kept == []


def test_explain_by_id_and_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.main(["explain", "JG007", str(EXAMPLES)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("贺慧超（JG007") and "总积分 10.0" in out
    assert "河西镇机关党支部2024年签到表.xlsx!党小组会!J9" in out
    assert "· 连续六个月不参加组织生活或不交党费 → " in out  # its flags, in Chinese only:
    assert not re.search(r"[a-z]+_[a-z_]+", out)  # no stable code such as six_month_rule
    assert cli.main(["explain", "贺 慧超", str(EXAMPLES)]) == 0
    assert capsys.readouterr().out == out
    cli.main(["init", str(tmp_path), "--year", "2024"])
    assert cli.main(["explain", "张 三", str(tmp_path / "积分模板.xlsx")]) == 0
    assert "张三（DY001" in capsys.readouterr().out
    assert cli.main(["explain", "王芳", str(EXAMPLES)]) == 1  # two people: ask for the id
    assert "XH003（新华村党支部）、XH009" in capsys.readouterr().err
    monkeypatch.setattr(cli.commands, "assess", lambda *_, **__: pytest.fail("scored for nobody"))
    assert cli.main(["explain", "无此人", str(EXAMPLES)]) == 1  # refused before any scoring
    assert "找不到党员“无此人”" in capsys.readouterr().err
    assert cli.main(["explain", "贺慧起", str(EXAMPLES)]) == 1
    assert "'贺慧超'？）" in capsys.readouterr().err  # (did you mean …)


@pytest.mark.parametrize("args, message", [
    (["score", "nope.xlsx", "-o", "r.xlsx"], "文件不存在"),
    (["score", str(EXAMPLES), "-r", "nope", "-o", "r.xlsx"], "规则 nope 有 1 处错误：$: 找不到此文件"),
    (["score", str(EXAMPLES), "-o", str(EXAMPLES / "河西镇党员名册.xlsx"), "--no-cache"],
     "输入文件"),  # (no cache: the example folder is never written to, even for a moment)
    (["score", str(EXAMPLES), "--as-of", "someday", "-o", "r.xlsx"], "应为日期，如 2024-09-30"),
    (["score", str(EXAMPLES), "--year", "2023", "--as-of", "2024-05-01", "-o", "r.xlsx"],
     "2024-05-01 不在 2023 年度内"),
])
def test_input_problems_are_one_line_and_exit_1(tmp_path: Path, args: list[str], message: str,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # in-process (the entry point itself: see below), no traceback
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_python_m_points_exits_with_the_status_and_one_line(tmp_path: Path) -> None:
    """The entry point passes main's status on: 1 for an input problem, 2 for a usage error."""
    done = run("score", "nope.xlsx", "-o", "r.xlsx", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("错误：") and "文件不存在" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    done = run("frobnicate", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("用法：points") and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("错误：参数 命令 的值 'frobnicate' 无效，可选：")

_ENTRY = """
import atexit, pathlib, sys, threading, time
from points.cli import main_exit
atexit.register(lambda: pathlib.Path("清理过.txt").write_text("是"))  # (prints nothing)
if sys.argv[1:2] == ["--thread"]:
    def late():
        time.sleep(0.3)
        pathlib.Path("线程.txt").write_text("结束")
    threading.Thread(target=late).start()
    del sys.argv[1]
main_exit()
"""


@pytest.mark.parametrize("thread", [False, True])
def test_the_entry_point_ends_fast_but_runs_exit_handlers_flushes_and_waits_for_threads(
        tmp_path: Path, thread: bool) -> None:
    """``main_exit`` ends the process without freeing its objects one by one, yet what was
    registered with atexit runs, piped output is flushed and a thread still running is waited
    for (the status passed on: ``test_python_m_points_exits_with_the_status_and_one_line``)."""
    args = [sys.executable, "-c", _ENTRY, *(["--thread"] if thread else []), "rules"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # (a pipe: buffered)
    done = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120)
    assert done.returncode == 0 and "出勤" in done.stdout
    assert (tmp_path / "清理过.txt").read_text() == "是"
    assert (tmp_path / "线程.txt").exists() == thread
    if thread:
        assert (tmp_path / "线程.txt").read_text() == "结束"



def test_a_ruleset_with_several_problems_is_still_one_line(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "规则.toml"
    bad.write_text('name = "x"\ntitle = 3\nperiod = "week"\n', encoding="utf-8")
    assert cli.main(["rules", "-r", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"错误：规则 {bad} 有 ")
    assert "$.title: 应为非空的文字，实际是 3；$.period: 应为 'year'、'quarter'、'month' 之一" in err


@pytest.mark.parametrize("args, message", [
    (["score"], "错误：缺少参数：FILES, -o/--output（用法：points score --help）"),
    (["frobnicate"], "错误：参数 命令 的值 'frobnicate' 无效，可选："),
    (["score", "x", "-o", "y", "--year", "abc"], "错误：参数 --year 的值 'abc' 不是整数"),
    (["check", "x", "--bogus"], "错误：无法识别的参数：--bogus"),
])
def test_usage_errors_exit_2_with_a_chinese_line(args: list[str], message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:  # argparse's exit; `python -m points` passes it on
        cli.main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith(message), err
    assert err.startswith("用法：points") and "error:" not in err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    sub = cli.parser()._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    assert f"例：points {command}" in sub.format_help()


def test_the_parser_has_exactly_the_documented_commands() -> None:
    sub = cli.parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert sorted(sub) == sorted(COMMANDS)


def test_control_characters_never_reach_the_terminal(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    shipped = ROOT / "src" / "points" / "rules" / "shipped" / "dujiangyan.toml"
    text = shipped.read_text(encoding="utf-8")
    rules = tmp_path / "规则.toml"
    rules.write_text(text.replace('title = "都江堰式分类积分"',
                                  'title = "\\u001b[2J\\u001b]0;规则\\u0007都江堰\\u0085🎉"', 1),
                     encoding="utf-8")
    assert cli.main(["rules", "-r", str(rules)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\\x1b[2J\\x1b]0;规则\\x07都江堰\\x85🎉")  # visible, inert
    assert cli.terminal_text("a\x00b\x7fc\td\r\n") == "a\\x00b\\x7fc\td\r\n"
    # a right-to-left override would show "gpj.exe" as "exe.jpg": written out instead
    assert cli.terminal_text("张三\u202egpj.exe") == "张三\\u202egpj.exe"


def test_printing_never_fails_on_a_console_that_cannot_encode(tmp_path: Path) -> None:
    import io
    rules = tmp_path / "规则🎉.toml"
    rules.write_bytes(b"not = [toml")
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="gbk")
    before = sys.stderr
    sys.stderr = console
    try:
        assert cli.main(["rules", "-r", str(rules)]) == 1
    finally:
        sys.stderr = before
    console.flush()
    assert "规则\\U0001f389.toml" in raw.getvalue().decode("gbk")
    assert sys.stderr is before
    assert console.errors == "strict"  # the caller's stream is given back as it was


class _Terminated(Exception):
    """What this test's own SIGTERM handler raises (so that a run that does not take the
    signal over fails here instead of ending the test process)."""


def _terminated(*_: object) -> None:
    raise _Terminated


def test_sigterm_stops_a_run_as_ctrl_c_does_and_the_callers_handler_is_given_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``kill``, a stopped service or ``timeout`` end the run through its cleanup (temporary
    folders of the workers and of the prefetch removed), with 已中断, not abruptly."""
    import os
    import signal

    from points.cli import commands

    real = commands.assess

    def terminated_while_scoring(*args: object, **kwargs: object) -> object:
        os.kill(os.getpid(), signal.SIGTERM)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(commands, "assess", terminated_while_scoring)
    before = signal.signal(signal.SIGTERM, _terminated)
    try:
        folder = tmp_path / "支部"
        assert cli.main(["init", str(folder), "--year", "2024"]) == 0
        capsys.readouterr()
        rc = cli.main(["score", str(folder / "积分模板.xlsx"), "-o", str(tmp_path / "r.xlsx")])
        assert (rc, capsys.readouterr().err.strip()) == (130, "已中断")
        assert signal.getsignal(signal.SIGTERM) is _terminated
    finally:
        signal.signal(signal.SIGTERM, before)
    assert not (tmp_path / "r.xlsx").exists()
