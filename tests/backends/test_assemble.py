"""A re-run's chunks put together as Arrow (backends/assemble.py): the tables that combining
the chunks' scores as partitions gives, row for row; None when their categories differ."""

from __future__ import annotations

import attrs
import pandas as pd
import pyarrow as pa

import points
from conftest import assert_same_frame
from points.assess import calendar_for
from points.backends.assemble import Entry, assemble, by_blocks, member_blocks
from points.backends.partition import ORDER, combine_scores, partition_records
from points.backends.split import entry_tables
from points.rules import default_ruleset
from points.score import score_members


def _entry(scores: points.MemberScores) -> Entry:
    entry: Entry = {}
    for name, table in entry_tables(scores):
        entry.setdefault(name, []).append(table)
    return entry


def test_chunks_put_together_are_the_combined_partitions(example_records: points.Records) -> None:
    rules = default_ruleset()
    calendar = calendar_for(example_records, rules)
    parts = [score_members(p, rules, calendar) for p in partition_records(example_records, 3)]
    assert len(parts) == 3
    # the chunks in reverse: each table's members interleave and must be put in order
    whole = assemble(example_records, [_entry(p) for p in reversed(parts)], rules, calendar)
    expected = combine_scores(example_records, parts)
    assert whole is not None
    for name in ORDER:
        assert_same_frame(getattr(whole, name), getattr(expected, name))
    assert_same_frame(whole.issues, expected.issues)
    flags = pd.concat(expected.flag_rows, ignore_index=True)
    assert len(whole.flag_rows) == 1 and len(whole.flag_rows[0]) == len(flags) > 0

    odd = attrs.evolve(parts[0], events=parts[0].events.astype({"source": "category"}))
    other = attrs.evolve(parts[1], events=parts[1].events.astype({"source": "category"}))
    assert assemble(example_records, [_entry(odd), _entry(other)], rules, calendar) is None


def test_chunks_merge_as_slices_in_member_order_only_when_that_is_the_sort() -> None:
    """by_blocks: each chunk's sorted rows cut where another chunk's members come between;
    None when a chunk is not sorted or a member's rows lie in two chunks (a stable sort would
    interleave them)."""
    def table(ids: list[str], dates: list[int] | None = None) -> pa.Table:
        return pa.table({"member_id": pa.array(ids, pa.large_string()),
                         "date": pa.array(dates or list(range(len(ids))), pa.int64())})

    members = [table(["A", "C", "E"]), table(["B", "D"])]
    blocks = member_blocks(members)
    assert blocks == [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2)]
    ledger = [table(["A", "A", "E"], [1, 2, 1]), table(["B", "D", "D"], [5, 1, 3])]
    merged = by_blocks(ledger, members, blocks, ["member_id", "date"])
    assert merged is not None
    assert merged.column("member_id").to_pylist() == ["A", "A", "B", "D", "D", "E"]
    assert merged.column("date").to_pylist() == [1, 2, 5, 1, 3, 1]
    unsorted = [table(["A", "A", "E"], [2, 1, 1]), ledger[1]]
    assert by_blocks(unsorted, members, blocks, ["member_id", "date"]) is None
    shared = [table(["A", "B"]), ledger[1]]  # B's rows in both chunks
    assert by_blocks(shared, members, blocks, ["member_id"]) is None
    assert member_blocks([table(["C", "A"]), table(["B"])]) is None  # a chunk out of order


def test_a_split_tables_order_is_noted_and_trusted_when_the_chunks_are_put_together() -> None:
    """split marks a whole table found in order (so is every chunk's slice of it); assemble
    compares only the tables not so marked."""
    from points.backends.assemble import _sorted_by
    from points.backends.split import _marked, known_sorted

    keys = ["member_id", "date"]
    rows = pa.table({"member_id": pa.array(["A", "A", "B"], pa.large_string()),
                     "date": pa.array([1, 2, 1], pa.int64())})
    marked = _marked(rows, "ledger")
    assert known_sorted(marked, keys) and known_sorted(marked.slice(1), keys)
    assert marked.to_pandas().equals(rows.to_pandas())  # (the mark is not a column)
    backwards = rows.take([1, 0, 2])
    assert not known_sorted(_marked(backwards, "ledger"), keys)
    assert not known_sorted(_marked(rows, "issues"), keys)  # (not a table kept in order)
    assert _sorted_by([marked, rows], keys) and not _sorted_by([marked, backwards], keys)
    trusted = backwards.replace_schema_metadata(marked.schema.metadata)
    assert _sorted_by([trusted], keys)  # what split noted is not compared again
