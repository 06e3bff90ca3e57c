"""The scan cache (#14 item 3): a re-run reads again only the files that changed, gives the
same records as a run without it, and survives a damaged entry."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import EXAMPLE_FILES, assert_same_frame, example_town, examples
from points.read.cache import (
    CACHE_NAME,
    TAG_NAME,
    _mixed,
    _unmixed,
    is_cache_dir,
    load_scan,
    lookup,
    prepare_cache,
    scan_and_store,
    scan_to_send,
)
from points.read.lastrun import PREFIX as RECORDS
from points.vocab.store import prune, written

TABLES = ("roster", "attendance", "negatives", "bonuses", "appraisals", "issues")


def _same(a: points.Records, b: points.Records) -> None:
    for name in TABLES:
        assert_same_frame(getattr(a, name), getattr(b, name))
    assert a.files == b.files


def _entries(folder: Path) -> dict[str, int]:
    """The scan entries (not the records of the last run, :mod:`points.read.lastrun`, nor
    the temporary file they are written through in the background)."""
    written()
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.arrow")
            if not p.name.startswith(RECORDS)}


@pytest.fixture
def town(tmp_path: Path) -> Path:
    return example_town(tmp_path / "town")


def test_a_warm_cache_gives_the_same_records_and_rescans_only_a_changed_file(
        town: Path, tmp_path: Path, example_records: points.Records) -> None:
    cache = town / CACHE_NAME  # inside the input folder, as `points score town -o town/…` does
    cold = points.read_workbooks(town, cache=cache)
    first = _entries(cache)
    assert len(first) == len(EXAMPLE_FILES) and is_cache_dir(cache)
    told: list[tuple[str, int, int]] = []
    warm = points.read_workbooks(town, cache=cache, progress=lambda *a: told.append(a))
    n = len(EXAMPLE_FILES)
    assert told == [("scan", 0, n), ("scan", n, n)]  # every scan from the cache at once
    _same(cold, warm)
    assert _entries(cache) == first  # nothing scanned again, nothing rewritten
    assert "skipped_file" not in set(warm.issues["code"])  # the cache folder is not input
    assert_same_frame(warm.attendance, example_records.attendance)

    path = next(p for p in town.glob("*.xlsx") if "新华村" in p.name)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet.cell(sheet.max_row, 1).value = "改过的单元格"
    book.save(path)
    told.clear()
    fixed = points.read_workbooks(town, cache=cache, progress=lambda *a: told.append(a))
    assert told == [("scan", 0, n), ("scan", n - 1, n), ("scan", n, n)]
    _same(fixed, points.read_workbooks(town))  # the edit is seen, as without a cache
    after = _entries(cache)
    assert {k: v for k, v in after.items() if k in first} == first
    assert len(after) == len(first) + 1  # exactly one file scanned again


def test_a_file_missing_from_the_cache_is_read_and_hashed_once(town: Path, tmp_path: Path) -> None:
    """The bytes read to look a file up are the ones scanned and stored: the file is not read
    again (here it is gone before its scan, and the scan is of what the lookup read)."""
    cache = tmp_path / "缓存"
    cache.mkdir()
    path = str(next(town.glob("*.xlsx")))
    scan, content = lookup(cache, path, None)
    assert scan is None and content is not None
    assert lookup(cache, path, None, keep=False) == (None, None)  # not kept: read again later
    os.unlink(path)
    stored = scan_and_store(path, None, cache, content)
    assert stored.sha256 == content.sha256 and stored.sheets
    again = load_scan(cache, path, content.sha256, None)
    assert again is not None and again.sheets == stored.sheets
    assert lookup(cache, path, None) == (None, None)  # gone: left to the scan to say so


def test_a_worker_sends_its_scan_as_the_bytes_of_its_entry(town: Path, tmp_path: Path) -> None:
    """A scan made for the cache goes back to the parent as the entry's bytes (nothing is
    pickled twice) and reads back as the scan made; without a cache folder, or when the
    bytes cannot be read back, the scan itself."""
    cache = tmp_path / "缓存"
    cache.mkdir()
    paths = sorted(str(p) for p in town.glob("*.xlsx"))
    for path in paths:
        sent = scan_to_send(path, None, cache)
        made = sent.scan
        assert made is not None and sent.entry is not None
        back = pickle.loads(pickle.dumps(sent))
        assert back.scan is None and back.entry == sent.entry  # the scan is not pickled
        _same_scan(back.received(), made)
    plain = pickle.loads(pickle.dumps(scan_to_send(paths[0], None, None)))
    assert plain.entry is None and plain.scan is not None  # no cache: the scan itself
    damaged = scan_to_send(paths[0], None, cache)
    damaged.entry = damaged.entry[:100] if damaged.entry else None
    _same_scan(pickle.loads(pickle.dumps(damaged)).received(), scan_to_send(paths[0], None, None).scan)


def _same_scan(a: object, b: object) -> None:
    assert a is not None and b is not None
    for name in ("path", "sha256", "sheets", "hints", "activities", "marks", "cell_issues",
                 "n_people"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.cell_sources.equals(b.cell_sources)  # type: ignore[attr-defined]
    parts_a, parts_b = a.parts, b.parts  # type: ignore[attr-defined]
    assert parts_a.keys() == parts_b.keys()
    for kind in parts_a:
        assert len(parts_a[kind]) == len(parts_b[kind]), kind
        for x, y in zip(parts_a[kind], parts_b[kind], strict=True):
            assert x.keys() == y.keys()
            for field in x:
                assert x[field].dtype == y[field].dtype, (kind, field)
                if x[field].dtype == object:  # each value's exact type and value (NaN too)
                    assert [(type(v), repr(v)) for v in x[field].tolist()] == \
                        [(type(v), repr(v)) for v in y[field].tolist()], (kind, field)
                else:
                    assert x[field].tobytes() == y[field].tobytes(), (kind, field)


def test_a_damaged_entry_is_ignored_and_written_again(town: Path, tmp_path: Path) -> None:
    cache = tmp_path / "缓存"
    plain = points.read_workbooks(town, cache=cache)
    written()  # (the records are kept in the background)
    for kept in cache.glob(RECORDS + "*"):  # (the scans are read: not the last run's records)
        kept.unlink()
    entries = sorted(cache.glob("*.arrow"))
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # a crash, a bad disk
    entries[1].write_bytes(b"")
    _same(plain, points.read_workbooks(town, cache=cache))
    written()
    assert all(p.stat().st_size > 1000 for p in entries)  # rewritten whole
    assert not list(cache.glob(".tmp-*"))


def test_a_cache_that_cannot_be_a_folder_is_a_clear_error(town: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(points.ArgumentError, match="无法使用缓存文件夹"):
        points.read_workbooks(town, cache=blocker)


def test_a_folder_of_other_files_is_never_made_a_cache(town: Path, tmp_path: Path) -> None:
    theirs = tmp_path / "资料"
    theirs.mkdir()
    (theirs / "别人的.arrow").write_bytes(b"not ours")
    with pytest.raises(points.ArgumentError, match="不是 points 的缓存文件夹"):
        points.read_workbooks(town, cache=theirs)
    assert sorted(p.name for p in theirs.iterdir()) == ["别人的.arrow"]  # untouched, no tag
    empty = tmp_path / "空"
    empty.mkdir()
    points.read_workbooks(town, cache=empty)
    assert is_cache_dir(empty)


def test_pruning_leaves_another_runs_temporary_files(tmp_path: Path) -> None:
    folder = prepare_cache(tmp_path / CACHE_NAME)
    (folder / ".tmp-abc.arrow").write_bytes(b"being written")
    (folder / "old.arrow").write_bytes(b"stale")
    assert prune(folder, [], ".arrow") == 1
    assert sorted(p.name for p in folder.iterdir()) == [".tmp-abc.arrow", TAG_NAME]


def test_only_a_tagged_folder_is_passed_over(town: Path) -> None:
    (town / "其他").mkdir()
    (town / "旧缓存").mkdir()
    (town / "旧缓存" / TAG_NAME).write_text("not the signature")
    skipped = points.read_workbooks(town).issues
    assert sorted(skipped.loc[skipped["code"] == "skipped_file", "source"].map(
        lambda s: Path(s).name)) == ["其他", "旧缓存"]


CELL_VALUES = st.one_of(
    st.text(max_size=5), st.floats(allow_nan=True), st.integers(-2**62, 2**62), st.booleans(),
    st.datetimes().map(lambda d: d.replace(fold=0)), st.dates(),  # cells have no fold
    st.times().map(lambda t: t.replace(fold=0)), st.timedeltas(), st.none(),
    st.text(max_size=3).map(points.read.cache.CellError))


@given(st.lists(CELL_VALUES, max_size=30))
@settings(max_examples=examples(5))
def test_mixed_cell_values_come_back_with_their_exact_types(values: list[object]) -> None:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    codes, tags, texts = _mixed(array)
    back = _unmixed(codes, tags, texts).tolist()
    assert [type(v) for v in back] == [type(v) for v in values]
    assert [repr(v) for v in back] == [repr(v) for v in values]


def test_dates_and_numbers_that_compare_equal_stay_apart() -> None:
    values = [1, 1.0, True, dt.date(2024, 1, 1), dt.datetime(2024, 1, 1), "1", 0.0, -0.0]
    array = np.empty(len(values), dtype=object)
    array[:] = values
    back = _unmixed(*_mixed(array)).tolist()
    assert [type(v) for v in back] == [type(v) for v in values]
    assert back[:6] == values[:6] and repr(back[6:]) == "[0.0, -0.0]"


def test_a_file_name_in_another_encoding_is_cached_too(town: Path, tmp_path: Path) -> None:
    roster = next(p for p in town.glob("*.xlsx") if "名册" in p.name)
    roster.rename(town / os.fsdecode("河西镇名册".encode("gbk") + b".xlsx"))  # GBK bytes
    cache = tmp_path / "缓存"
    cold = points.read_workbooks(town, cache=cache)
    first = _entries(cache)
    _same(cold, points.read_workbooks(town, cache=cache))
    assert _entries(cache) == first and len(first) == len(EXAMPLE_FILES)
