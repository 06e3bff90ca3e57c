"""The last run's records kept in the cache folder (points.read.lastrun): a re-run reads only
the files that changed, and its records are those of a reading of every file."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

import points
from conftest import EXAMPLE_FILES, assert_same_frame, example_town, examples
from points.read import lastrun, stamps
from points.read.lastrun import entry_names
from points.vocab.store import written

ROSTER = next(i for i, p in enumerate(EXAMPLE_FILES) if "名册" in p.name)
OTHERS = [i for i in range(len(EXAMPLE_FILES)) if i != ROSTER]


def _same(a: points.Records, b: points.Records) -> None:
    for field in attrs.fields(points.Records):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, pd.DataFrame):
            assert_same_frame(x, y, check_exact=True, obj=field.name)
        else:
            assert x == y, field.name


def _edit(path: Path, row: int, column: int, value: object) -> None:
    book = openpyxl.load_workbook(path)
    cell = book.worksheets[0].cell(row, column)
    if not isinstance(cell, MergedCell):  # (inside a merged title: left as it is)
        cell.value = value
        book.save(path)


@pytest.mark.parametrize("mapped", [True, False])  # (False: as on Windows)
def test_a_rerun_reads_only_the_changed_file_and_gives_the_records_of_a_full_reading(
        tmp_path: Path, mapped: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lastrun, "MAP", mapped)
    town, cache = example_town(tmp_path / "town"), tmp_path / "缓存"
    _same(points.read_workbooks(town, cache=cache), points.read_workbooks(town))
    written()  # (the base is written in the background)
    base, delta = (cache / name for name in entry_names(None))
    assert base.exists() and not delta.exists()
    sign_in = sorted(town.glob("*签到表.xlsx"))
    _edit(sign_in[0], 5, 5, "请假")
    told: list[tuple[str, int, int]] = []
    again = points.read_workbooks(town, cache=cache, progress=lambda *a: told.append(a))
    n = len(EXAMPLE_FILES)
    assert told == [("scan", 0, n), ("scan", n - 1, n), ("scan", n, n)]  # one file read
    _same(again, points.read_workbooks(town))
    assert delta.exists()  # only what changed written, beside the base
    _edit(sign_in[1], 6, 4, "")  # a second file: the delta holds both
    _same(points.read_workbooks(town, cache=cache), points.read_workbooks(town))
    (town / sign_in[0].name).unlink()  # a file removed, another added (a copy under a new name)
    shutil.copy(sign_in[1], town / ("副本" + sign_in[1].name))
    _same(points.read_workbooks(town, cache=cache), points.read_workbooks(town))


def _pad(path: Path, size: int) -> None:
    """``path`` (a zip) made ``size`` bytes long by its comment."""
    with zipfile.ZipFile(path, "a") as book:
        book.comment = b" " * (size - path.stat().st_size + len(book.comment))


def test_a_settled_file_is_not_hashed_again_unless_written_even_to_the_same_size_and_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stamps, "SETTLED_NS", 0)  # (a file settles at once)
    hashed: list[str] = []
    sha256 = stamps._sha256
    monkeypatch.setattr(stamps, "_sha256", lambda path: hashed.append(path) or sha256(path))
    town, cache = example_town(tmp_path / "town"), tmp_path / "缓存"
    sign_in = sorted(town.glob("*签到表.xlsx"))[0]
    _pad(sign_in, sign_in.stat().st_size + 4000)
    points.read_workbooks(town, cache=cache)
    hashed.clear()
    _same(points.read_workbooks(town, cache=cache), points.read_workbooks(town))
    assert hashed == []  # nothing written since: nothing read to hash it
    before = sign_in.stat()
    _edit(sign_in, 5, 5, "请假")
    _pad(sign_in, before.st_size)  # same size, inode and modification time: only the
    os.utime(sign_in, ns=(before.st_atime_ns, before.st_mtime_ns))  # change time tells
    after = sign_in.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino)
    _same(points.read_workbooks(town, cache=cache), points.read_workbooks(town))
    assert hashed == [str(sign_in)]


def test_a_file_changed_just_before_a_run_is_hashed_by_the_next(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    hashed: list[str] = []
    sha256 = stamps._sha256
    monkeypatch.setattr(stamps, "_sha256", lambda path: hashed.append(path) or sha256(path))
    town, cache = example_town(tmp_path / "town"), tmp_path / "缓存"
    points.read_workbooks(town, cache=cache)
    points.read_workbooks(town, cache=cache)
    assert len(hashed) == len(EXAMPLE_FILES)  # (written a moment ago: not settled)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_the_delta_folded_into_the_base_or_kept_gives_the_same_records(
        tmp_path: Path, share: float, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lastrun, "DELTA_SHARE", share)
    town, cache = example_town(tmp_path / "town"), tmp_path / "缓存"
    points.read_workbooks(town, cache=cache)
    base, delta = (cache / name for name in entry_names(None))
    for step, path in enumerate(sorted(town.glob("*签到*.xlsx"))[:2]):
        _edit(path, 4 + step, 3 + step, "√")
        _same(points.read_workbooks(town, cache=cache), points.read_workbooks(town))
        written()
        assert delta.exists() is (share == 1.0)  # share 0: every change makes a new base
    assert base.exists()


def test_a_changed_roster_reads_every_file_again(tmp_path: Path) -> None:
    town, cache = example_town(tmp_path / "town"), tmp_path / "缓存"
    points.read_workbooks(town, cache=cache)
    written()
    base = cache / entry_names(None)[0]
    before = base.read_bytes()
    roster = town / EXAMPLE_FILES[ROSTER].name
    book = openpyxl.load_workbook(roster)
    sheet = book.worksheets[0]
    sheet.cell(sheet.max_row + 1, 2).value = "新来的党员"  # a member more: all matched again
    book.save(roster)
    _same(points.read_workbooks(town, cache=cache), points.read_workbooks(town))
    written()
    assert base.read_bytes() != before  # a new base, not a delta


@pytest.mark.parametrize("damage", ["base", "delta"])
def test_a_damaged_entry_is_no_entry(tmp_path: Path, damage: str) -> None:
    town, cache = example_town(tmp_path / "town"), tmp_path / "缓存"
    points.read_workbooks(town, cache=cache)
    path = sorted(town.glob("*签到表.xlsx"))[0]
    _edit(path, 5, 5, "请假")
    points.read_workbooks(town, cache=cache)  # base and delta
    written()
    _edit(path, 5, 5, "出差")
    entry = cache / entry_names(None)[damage == "delta"]
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])  # a crash, a bad disk
    _same(points.read_workbooks(town, cache=cache), points.read_workbooks(town))


def test_files_of_one_name_in_two_folders_are_read_whole(tmp_path: Path) -> None:
    town, cache = example_town(tmp_path / "town"), tmp_path / "缓存"
    other = tmp_path / "另一个镇"
    other.mkdir()
    shutil.copy(EXAMPLE_FILES[OTHERS[0]], other)  # its addresses could be either file's
    points.read_workbooks([town, other], cache=cache)
    written()
    assert not (cache / entry_names(None)[0]).exists()
    points.read_workbooks(town, cache=cache)  # kept; then a file of the same name comes
    for _ in range(2):
        _same(points.read_workbooks([town, other], cache=cache),
              points.read_workbooks([town, other]))
        _edit(next(other.iterdir()), 5, 5, "请假")


@settings(deadline=None, max_examples=examples(0.15),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(OTHERS), st.integers(1, 25), st.integers(1, 14),
                                st.sampled_from(["√", "请假", "", "出差", "张三", "2024-03-01", 7])),
                      min_size=1, max_size=3))
def test_any_edits_give_the_records_of_a_full_reading(
        tmp_path_factory: pytest.TempPathFactory,
        steps: list[tuple[int, int, int, object]]) -> None:
    """Whatever cells change (a mark, a name, a header, a date, in any file but the roster),
    the records of a re-run are those of a reading of every file."""
    tmp = tmp_path_factory.mktemp("edits")
    town, cache = example_town(tmp / "town"), tmp / "缓存"
    points.read_workbooks(town, cache=cache)
    for file, row, column, value in steps:
        _edit(town / EXAMPLE_FILES[file].name, row, column, value)
        try:
            plain = points.read_workbooks(town)
        except points.PointsError as error:  # (an edit may make a file unreadable as a whole)
            with pytest.raises(type(error)):
                points.read_workbooks(town, cache=cache)
            return
        _same(points.read_workbooks(town, cache=cache), plain)
