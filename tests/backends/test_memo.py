"""The chunk digests kept beside the score entries (points.backends.memo): a re-run of records
read from the workbooks hashes only the chunks whose files changed and gets the digests of
hashing every chunk; records changed after reading are hashed whole."""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest

import points
from conftest import assert_same_tables, example_town
from points.assess import calendar_for
from points.backends.cache import score_cached
from points.backends.digest import chunk_digests, chunks
from points.backends.memo import MEMO, Chunked, chunked
from points.backends.partition import record_parts, records_of
from points.judge import judge
from points.records import lineage
from points.rules import default_ruleset
from points.score import score_members
from points.vocab.store import prepare_cache


def _full(records: points.Records) -> list[str]:
    """Every chunk hashed (one a branch)."""
    roster_chunk, n = chunks(records, 1)
    return chunk_digests(records, record_parts(records, roster_chunk), n)


def _cut(records: points.Records, folder: Path) -> Chunked:
    roster_chunk, n = chunks(records, 1)
    return chunked(records, roster_chunk, n, folder, "this program")


def _edit_a_mark(town: Path) -> None:
    """One mark of one branch's sign-in sheet changed, as a secretary fixing a cell."""
    import openpyxl

    path = town / "河西社区党支部2024年签到表.xlsx"
    book = openpyxl.load_workbook(path)
    cell = next(c for row in book.worksheets[0].iter_rows() for c in row if c.value == "到")
    cell.value = "缺"
    book.save(path)


def test_a_rerun_hashes_the_changed_files_chunks_and_gets_every_chunks_digests(
        tmp_path: Path) -> None:
    town, cache = example_town(tmp_path / "town"), prepare_cache(tmp_path / "缓存")
    records = points.read_workbooks(town, cache=cache)
    first = _cut(records, cache)
    assert first.digests == _full(records) and (cache / MEMO).exists()
    _edit_a_mark(town)
    again = points.read_workbooks(town, cache=cache)  # only the changed file read
    assert lineage(again) is not None
    cut = _cut(again, cache)
    assert cut.digests == _full(again)
    changed = {k for k, (a, b) in enumerate(zip(first.digests, cut.digests, strict=True)) if a != b}
    assert changed and changed <= cut.dirty and len(cut.dirty) < len(cut.digests)
    which = sorted(cut.dirty)  # the rows looked at hold every row of the changed chunks
    roster_chunk, _ = chunks(again, 1)
    near, whole = cut.records_of(which), records_of(again, record_parts(again, roster_chunk), which)
    for name in ("roster", "attendance", "negatives", "bonuses", "appraisals"):
        pd.testing.assert_frame_equal(getattr(near, name), getattr(whole, name), obj=name)
    assert _cut(again, cache).digests == cut.digests  # nothing changed since: all kept

    rules = default_ruleset()  # and the score cache's result is the plain run's
    calendar = calendar_for(again, rules)
    folder = prepare_cache(tmp_path / "计分")
    score_cached(records, rules, calendar, folder, lambda r: score_members(r, rules, calendar))
    cached = score_cached(again, rules, calendar, folder,
                          lambda r: score_members(r, rules, calendar))
    assert_same_tables(judge(cached, again.files),
                       judge(score_members(again, rules, calendar), again.files))


@pytest.mark.parametrize("change", ["in place", "evolved"])
def test_records_changed_after_reading_are_hashed_whole(tmp_path: Path, change: str) -> None:
    """A changed record never reuses a kept digest: the records lose their lineage (a frame
    written in place no longer holds the data traced; ``attrs.evolve`` leaves it behind)."""
    town, cache = example_town(tmp_path / "town"), prepare_cache(tmp_path / "缓存")
    records = points.read_workbooks(town, cache=cache)
    before = _cut(records, cache).digests  # kept for these files
    row = len(records.attendance) // 2
    mark = "缺" if records.attendance.at[row, "mark"] != "缺" else "到"
    if change == "in place":
        records.attendance.loc[row, "mark"] = mark
        changed = records
    else:
        attendance = records.attendance.copy()
        attendance.loc[row, "mark"] = mark
        changed = attrs.evolve(records, attendance=attendance)
    assert lineage(changed) is None
    digests = _cut(changed, cache).digests
    assert digests == _full(changed) and digests != before


def test_a_file_with_roster_rows_changed_hashes_every_chunk(tmp_path: Path) -> None:
    town, cache = example_town(tmp_path / "town"), prepare_cache(tmp_path / "缓存")
    records = points.read_workbooks(town, cache=cache)
    _cut(records, cache)
    roster = next(p for p in town.glob("*.xlsx") if "名册" in p.name)
    renamed = roster.with_name("新" + roster.name)
    roster.rename(renamed)  # the same roster, another file: the members matched again
    again = points.read_workbooks(town, cache=cache)
    cut = _cut(again, cache)
    assert cut.near is None and cut.digests == _full(again)
    assert np.array_equal(cut.parts()["roster"], chunks(again, 1)[0])
