"""A re-run's chunks put together (:mod:`.cache`): every chunk's Arrow tables, the loaded
entries and the freshly scored chunks' pieces (:func:`.split.split_entries`) alike, taken in
chunk order and made into the scores of everyone.

Each per-member table's chunks are put in member order as Arrow slices and only then
converted to pandas, once: no pandas ``take`` of the whole table, no second copy. The order
is :func:`.partition.combine_scores`'s. It is found once, on the members tables (a row a
member): the runs of one chunk's members it takes (:func:`member_blocks`; a city whose member
ids follow its branches has about two a chunk). Every other table is cut at the first row of
each run's first member (a binary search in its sorted chunk) and its slices taken in that
order (:func:`by_blocks`): no key of a table's rows is hashed or ranked. That is the stable
sort only when each chunk's table is sorted by its keys and the member rises strictly from
slice to slice, which is checked; when not, the table's chunks are concatenated and its runs
of one member sorted instead (found from the key columns alone: a member's rows are one run,
so the runs are sorted, not the rows). The issues are the
chunks' plain ones, the grouped ones merged over all chunks and the records' own, sorted once.
The result is :func:`.partition.combine_scores`'s on the same chunks: the same tables, row
for row. When the chunks' tables do not line up (a categorical whose categories differ by
chunk, columns that differ), nothing is assembled and the caller combines partitions instead.
"""

from __future__ import annotations

import bisect
import contextlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..records import Records
from ..rules.model import Ruleset
from ..score import Calendar, MemberScores
from ..score.checks import merge_groups
from ..vocab.issues import ISSUE_COLUMNS, concat_issues
from .partition import ORDER, member_order, order_runs
from .split import FRAMES, falls, known_sorted

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


Block = tuple[int, int]


def member_blocks(members: list[pa.Table]) -> list[Block] | None:
    """The member order of the chunks' ``members`` tables (each sorted by member): the runs
    of consecutive members of one chunk it takes, as (chunk, the run's first member's row in
    the chunk), in order. None when a chunk's members come out of their own order."""
    sizes = np.array([t.num_rows for t in members], dtype="int64")
    if not sizes.sum():
        return []
    column = pa.concat_tables(members).column("member_id")
    if column.null_count == 0 and (pa.types.is_large_string(column.type)
                                   or pa.types.is_string(column.type)):
        order = pc.sort_indices(column).to_numpy()  # (stable, by code point, as pandas ranks)
    else:
        order = member_order(pa.table({"member_id": column}).to_pandas(), ["member_id"])
    chunk = np.repeat(np.arange(len(members)), sizes)[order]
    row = (np.arange(len(order)) - np.repeat(np.cumsum(sizes) - sizes, sizes))[order]
    starts = np.flatnonzero(np.r_[True, (chunk[1:] != chunk[:-1]) | (row[1:] != row[:-1] + 1)])
    blocks = list(zip(chunk[starts].tolist(), row[starts].tolist(), strict=True))
    seen: dict[int, int] = {}
    for c, first in blocks:  # each chunk's runs in its own order
        if seen.get(c, -1) >= first:
            return None
        seen[c] = first
    return blocks


def _sorted_by(tables: list[pa.Table], keys: list[str]) -> bool:
    """Each of ``tables``' rows never go down by ``keys`` (a member, then at most one more
    key), none of them missing: known for the tables found so when they were split
    (:func:`.split.known_sorted`), checked on all the others at once, the pairs across two
    tables left out."""
    others = [t for t in tables if t.num_rows and not known_sorted(t, keys)]
    if not others:
        return True
    down = falls(pa.concat_tables(others), keys)
    if down is None:
        return False
    down[np.cumsum([t.num_rows for t in others])[:-1] - 1] = False  # (from one to the next)
    return not down.any()


def _first_row(column: pa.ChunkedArray, member: str) -> int:
    """The first row of a sorted column of members at or after ``member`` (a binary search:
    a few values looked at)."""
    values = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return bisect.bisect_left(values, member, key=lambda value: value.as_py())


def by_blocks(tables: list[pa.Table], members: list[pa.Table], blocks: list[Block],
              keys: list[str]) -> pa.Table | None:
    """The chunks' ``tables`` (each sorted by ``keys``, a member's rows in one chunk) merged
    in member order as slices, a slice per block of :func:`member_blocks`: the rows of a
    chunk's members from the block's first member to the next block's of that chunk. The
    same rows and order as a stable sort of all by ``keys``, which is checked: each chunk's
    table sorted, and the member rising strictly from one slice to the next (so that rows of
    equal keys are never taken apart); None when not."""
    if len(keys) > 2 or not _sorted_by(tables, keys):
        return None
    bounds: dict[int, list[int]] = {}
    for c, first in blocks:  # where each block begins in its chunk's table
        at = 0 if first == 0 else _first_row(tables[c].column(keys[0]),
                                             members[c].column("member_id")[first].as_py())
        bounds.setdefault(c, []).append(at)
    ends = {c: [*at[1:], tables[c].num_rows] for c, at in bounds.items()}
    taken = dict.fromkeys(bounds, 0)
    slices = []
    for c, _ in blocks:
        a, b = bounds[c][taken[c]], ends[c][taken[c]]
        taken[c] += 1
        if b > a:
            slices.append(tables[c].slice(a, b - a))
    if sum(t.num_rows for t in slices) != sum(t.num_rows for t in tables):
        return None
    ids = [t.column(keys[0]) for t in slices]
    if any(ids[k][-1].as_py() >= ids[k + 1][0].as_py() for k in range(len(ids) - 1)):
        return None
    return pa.concat_tables(slices) if slices else pa.concat_tables(tables)


def assemble(records: Records, entries: list[Entry], ruleset: Ruleset,
             calendar: Calendar) -> MemberScores | None:
    """The scores of all members from every chunk's ``entries`` (in chunk order), with the
    record-level issues of ``records``; None when the chunks' tables do not line up."""
    frames: dict[str, pd.DataFrame] = {}
    members = [entry["members"][0] for entry in entries]
    try:
        blocks = member_blocks(members)
        for name in FRAMES:
            tables = [entry[name][0] for entry in entries]
            if not same_dictionaries(tables):
                return None
            keys = ORDER.get(name)
            merged = None
            if keys is not None and blocks is not None:
                with contextlib.suppress(pa.ArrowException):  # (keys Arrow cannot compare)
                    merged = by_blocks(tables, members, blocks, keys)
            if merged is not None:
                frames[name] = merged.to_pandas()
                continue
            table = pa.concat_tables(tables)
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
