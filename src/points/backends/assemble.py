"""A re-run's chunks put together (:mod:`.cache`): every chunk's Arrow tables, the loaded
entries and the freshly scored chunks' pieces (:func:`.split.split_entries`) alike, taken in
chunk order and made into the scores of everyone.

Each per-member table's chunks are concatenated (zero-copy), put in member order as Arrow
slices (the order is :func:`.partition.combine_scores`'s, found from the key columns alone:
a member's rows are one run, so the runs are sorted, not the rows) and only then converted to
pandas, once: no pandas ``take`` of the whole table, no second copy. The issues are the
chunks' plain ones, the grouped ones merged over all chunks and the records' own, sorted once.
The result is :func:`.partition.combine_scores`'s on the same chunks: the same tables, row
for row. When the chunks' tables do not line up (a categorical whose categories differ by
chunk, columns that differ), nothing is assembled and the caller combines partitions instead.
"""

from __future__ import annotations

import contextlib

import pandas as pd
import pyarrow as pa

from ..records import Records
from ..rules.model import Ruleset
from ..score import Calendar, MemberScores
from ..score.checks import merge_groups
from ..vocab.issues import ISSUE_COLUMNS, concat_issues
from .partition import ORDER, member_order, order_runs
from .split import FRAMES

__all__ = ["Entry", "assemble", "same_dictionaries", "together"]

#: A chunk's frames as Arrow tables by name (one table each; the flags' frames may be absent).
Entry = dict[str, list[pa.Table]]


def same_dictionaries(tables: list[pa.Table]) -> bool:
    """Every dictionary column of ``tables`` has one dictionary in all of them (Arrow would
    unify different ones, in another order than pandas combines categoricals)."""
    for at, field in enumerate(tables[0].schema):
        if pa.types.is_dictionary(field.type):
            dictionaries = [c.dictionary for t in tables for c in t.column(at).chunks]
            if any(not d.equals(dictionaries[0]) for d in dictionaries[1:]):
                return False
    return True


def together(entries: list[Entry], name: str) -> tuple[pd.DataFrame, ...]:
    """The frames ``name`` of all ``entries`` as one, converted once (their rows one entry
    after another, as :func:`points.judge.judge` concatenates them); one a table when their
    columns differ (a chunk whose flags of some kind all had no rows)."""
    tables = [t for entry in entries for t in entry.get(name, [])]
    if len(tables) > 1:
        with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):
            return (pa.concat_tables(tables).to_pandas().reset_index(drop=True),)
    return tuple(t.to_pandas() for t in tables)


def in_member_order(table: pa.Table, keys: list[str]) -> pd.DataFrame:
    """``table`` (each member's rows one run, in their order) stably sorted by ``keys`` as
    :func:`.partition.combine_scores` sorts a table, as pandas: the order is found on the key
    columns, the rows moved as Arrow slices (one a run of consecutive rows), then converted."""
    if table.num_rows < 2:
        return table.to_pandas()
    order = member_order(table.select(keys).to_pandas(), keys)
    runs = order_runs(order)
    if runs is None:
        return table.take(pa.array(order)).to_pandas()
    starts, lengths = runs
    if len(starts) > 1:
        table = pa.concat_tables([table.slice(a, n) for a, n in zip(starts, lengths, strict=True)])
    return table.to_pandas()


def assemble(records: Records, entries: list[Entry], ruleset: Ruleset,
             calendar: Calendar) -> MemberScores | None:
    """The scores of all members from every chunk's ``entries`` (in chunk order), with the
    record-level issues of ``records``; None when the chunks' tables do not line up."""
    frames: dict[str, pd.DataFrame] = {}
    try:
        for name in FRAMES:
            tables = [entry[name][0] for entry in entries]
            if not same_dictionaries(tables):
                return None
            table = pa.concat_tables(tables)
            keys = ORDER.get(name)
            frames[name] = table.to_pandas() if keys is None else in_member_order(table, keys)
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError, IndexError):  # tables that differ
        return None
    grouped = frames.pop("grouped_issues")
    merged = merge_groups(grouped)[ISSUE_COLUMNS]
    issues = concat_issues([records.issues, frames.pop("issues"), merged])
    return MemberScores(ruleset=ruleset, calendar=calendar, **frames, issues=issues,
                        flag_rows=together(entries, "flag_rows"),
                        evidence_rows=together(entries, "evidence_rows"),
                        grouped_issues=grouped)
