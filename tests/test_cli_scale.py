"""The command line at scale (#14 items 3-5): the scan cache beside the output, ``--dask``,
progress on stderr."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import EXAMPLE_FILES
from points import cli
from points.backends.cache import PREFIX as SCORE_PREFIX
from points.cli.cachedir import cache_folder
from points.cli.progress import ProgressLine
from points.read.cache import CACHE_NAME
from points.read.lastrun import PREFIX as RECORDS
from points.read.lastrun import entry_names


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_the_units_and_estimates_the_time_left() -> None:
    out = _Terminal()
    line = ProgressLine(out, clock=100.0)
    line("scan", 0, 2000)
    line.clock = 130.0
    assert line.line("scan", 500, 2000) == "读取表格：500/2000 个文件，已用 30 秒，约剩 1 分 30 秒"
    line("scan", 500, 2000)
    line("scan", 2000, 2000)
    line("write", 0, 3)
    shown = out.getvalue()
    assert shown.count("\n") == 1 and "读取表格：2000/2000 个文件" in shown
    assert shown.endswith("写出工作簿：0/3 个，已用 0 秒")
    assert "\x1b" not in shown  # no escape sequence: the CLI would show it escaped
    assert "约剩" not in line.line("score", 0, 10)  # nothing to estimate from yet


@pytest.mark.parametrize("quiet", [False, True])
def test_progress_is_quiet_off_a_terminal_or_when_asked(quiet: bool) -> None:
    out = io.StringIO() if not quiet else _Terminal()
    line = ProgressLine(out, quiet=quiet)
    line("scan", 1, 1)
    assert out.getvalue() == ""


def test_score_keeps_its_scan_cache_beside_the_output(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in EXAMPLE_FILES]
    assert cli.main(["score", *files, "-o", str(tmp_path / "复核.xlsx")]) == 0
    entries = [p.name for p in (tmp_path / CACHE_NAME).glob("*.arrow")]
    scores = [name for name in entries if name.startswith(SCORE_PREFIX)]
    records = [name for name in entries if name.startswith(RECORDS)]
    assert records == [entry_names(None)[0]]  # the records read, kept whole
    assert len(entries) - len(scores) - 1 == len(EXAMPLE_FILES) and scores  # scans and scores
    assert list((tmp_path / CACHE_NAME).glob("xml-*.deflate"))  # and the workbook's rows as XML
    assert capsys.readouterr().err == ""  # stderr is not a terminal here: no progress


def test_a_file_no_longer_read_leaves_the_cache(tmp_path: Path) -> None:
    roster, *others = EXAMPLE_FILES[-3:]  # 河西镇党员名册 first, as sorted
    out = str(tmp_path / "复核.xlsx")
    assert cli.main(["score", str(roster), *map(str, others), "-o", out, "-q"]) == 0
    scans = {p.name for p in (tmp_path / CACHE_NAME).glob("*.arrow")
             if not p.name.startswith((SCORE_PREFIX, RECORDS))}
    assert cli.main(["score", str(roster), str(others[0]), "-o", out, "-q"]) == 0
    left = {p.name for p in (tmp_path / CACHE_NAME).glob("*.arrow")}
    assert len(scans) == 3 and len(left & scans) == 2  # the scan of the file left out is gone
    assert len([n for n in left if n.startswith(SCORE_PREFIX)]) >= 1
    assert set(entry_names(None)) <= left  # the records of the run, and of what changed


@pytest.mark.parametrize(("argv", "cache"), [
    (["score", "x.xlsx", "-o", "{tmp}/复核.xlsx"], f"{{tmp}}/{CACHE_NAME}"),
    (["score", "x.xlsx", "-o", "{tmp}/复核.xlsx", "--no-cache"], None),
    (["score", "x.xlsx", "-o", "{tmp}/复核.xlsx", "--cache", "{tmp}/别处"], "{tmp}/别处"),
    (["score", "x.xlsx", "-o", "{tmp}/没有/复核.xlsx"], None),  # reported when writing
    (["check", "x.xlsx"], None),
    (["explain", "某人", "x.xlsx", "--cache", "{tmp}/c"], "{tmp}/c"),
])
def test_where_each_command_keeps_its_cache(tmp_path: Path, argv: list[str],
                                            cache: str | None) -> None:
    args = cli.parser().parse_args([a.replace("{tmp}", str(tmp_path)) for a in argv])
    expected = None if cache is None else Path(cache.replace("{tmp}", str(tmp_path)))
    assert cache_folder(args) == expected


def test_a_dask_address_that_is_not_one_is_a_one_line_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["score", str(EXAMPLE_FILES[0]), "-o", str(tmp_path / "复核.xlsx"),
                     "--dask", "本机"]) == 1
    err = capsys.readouterr().err
    assert "--dask：应为 local 或调度器地址" in err and "Traceback" not in err
    assert not (tmp_path / "复核.xlsx").exists() and not (tmp_path / CACHE_NAME).exists()
