"""A re-run's chunks put together as Arrow (backends/assemble.py): the tables that combining
the chunks' scores as partitions gives, row for row; None when their categories differ."""

from __future__ import annotations

import attrs
import pandas as pd

import points
from points.assess import calendar_for
from points.backends.assemble import Entry, assemble
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
        pd.testing.assert_frame_equal(getattr(whole, name), getattr(expected, name))
    pd.testing.assert_frame_equal(whole.issues, expected.issues)
    flags = pd.concat(expected.flag_rows, ignore_index=True)
    assert len(whole.flag_rows) == 1 and len(whole.flag_rows[0]) == len(flags) > 0

    odd = attrs.evolve(parts[0], events=parts[0].events.astype({"source": "category"}))
    other = attrs.evolve(parts[1], events=parts[1].events.astype({"source": "category"}))
    assert assemble(example_records, [_entry(odd), _entry(other)], rules, calendar) is None
