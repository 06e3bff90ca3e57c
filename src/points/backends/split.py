"""Scores split by chunk of branches: what scoring each chunk on its own would have given, cut
out of one run over several chunks (the score cache's first run, :mod:`.cache`), as the Arrow
tables of each chunk's entry.

Every per-member table goes by its member's chunk, in its order; the grouped data issues by
their rows of one member each (:func:`points.score.checks.grouped_issue`), merged again per
chunk; the other issues by their member; the member flags and their evidence (each one frame,
their kinds one after another) by their member. A member on no roster belongs to the first
chunk, as their records do in any partition (:mod:`.partition`).

Each table is converted to Arrow once for all chunks and cut into zero-copy slices, one per
run of rows of one chunk (the members of a branch are mostly numbered together): no copy of
a row, and no conversion, per chunk. (A loaded chunk's tables then hold a record batch per
run: Arrow takes rows from many chunks as fast as from a few.)
"""

from __future__ import annotations

import contextlib
import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..records import Records
from ..score import MemberScores
from ..score.checks import merge_groups
from ..vocab.frames import per_run
from .partition import MAX_RUNS, ORDER, drop_merged

__all__ = ["FRAMES", "UNCONVERTIBLE", "Tables", "arrow_table", "entry_tables", "falls",
           "known_sorted", "plain_issues", "split_entries"]

#: The frames of :class:`~points.score.MemberScores` an entry holds, one Arrow table each, in
#: this order; then ``flag_rows`` and ``evidence_rows`` (each one frame) when there are any.
FRAMES = ("members", "ledger", "totals", "monthly", "issues", "events", "logs", "grouped_issues")

Tables = list[tuple[str, pa.Table]]
#: What converting a table Arrow cannot hold raises (objects from Python).
UNCONVERTIBLE = (pa.ArrowException, TypeError, ValueError)


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` (numbered rows) as an Arrow table that reads back with the same dtypes and
    numbered rows: a categorical column keeps its categories even with no rows (Arrow drops
    the dictionary of an empty column)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for column, values in frame.items():
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = np.asarray(values.array.codes)
            array = pa.DictionaryArray.from_arrays(
                pa.array(codes, mask=codes < 0), pa.array(values.dtype.categories),
                ordered=bool(values.dtype.ordered))
            at = table.schema.get_field_index(str(column))
            table = table.set_column(at, table.schema.field(at).with_type(array.type), array)
    return table


#: The schema metadata of a table whose rows were found in order by its keys (the value: the
#: keys), so that putting the chunks together (:mod:`.assemble`) does not compare them again.
SORTED = b"points-sorted"


def falls(table: pa.Table, keys: list[str]) -> np.ndarray | None:
    """Where a row of ``table`` is below the row before by ``keys`` (a member, then at most
    one more key), as a mask of the rows after the first; None when a key is missing."""
    if any(table.column(k).null_count for k in keys):
        return None
    if table.num_rows < 2:
        return np.zeros(0, dtype=bool)
    first, rest = table.slice(0, table.num_rows - 1), table.slice(1)
    down = pc.less(rest.column(keys[0]), first.column(keys[0]))
    if len(keys) == 2:
        same = pc.equal(rest.column(keys[0]), first.column(keys[0]))
        down = pc.or_(down, pc.and_(same, pc.less(rest.column(keys[1]), first.column(keys[1]))))
    return np.array(down.to_numpy(), dtype=bool)  # (a copy: the caller may write to it)


def known_sorted(table: pa.Table, keys: list[str]) -> bool:
    """``table`` was found in order by ``keys`` when it was split (:data:`SORTED`)."""
    return (table.schema.metadata or {}).get(SORTED) == ",".join(keys).encode()


def _marked(table: pa.Table, name: str) -> pa.Table:
    """``table`` (a whole frame ``name`` of a run) with :data:`SORTED` when its rows are in
    order by their keys (:data:`.partition.ORDER`): so is every chunk's part of it."""
    keys = ORDER.get(name)
    if keys is None or len(keys) > 2:
        return table
    with contextlib.suppress(pa.ArrowException):  # (keys Arrow cannot compare: not marked)
        down = falls(table, keys)
        if down is not None and not down.any():
            return table.replace_schema_metadata(
                {**(table.schema.metadata or {}), SORTED: ",".join(keys).encode()})
    return table


def plain_issues(scores: MemberScores) -> pd.DataFrame:
    """The issues that are not grouped ones (those are rebuilt per chunk from their rows)."""
    return drop_merged(scores.issues, merge_groups(scores.grouped_issues))


def _positions(members: pd.Series, ids: pd.Index) -> np.ndarray:
    """Each row's member's position in ``ids`` (-1: none), looked up once per run of equal
    members (the tables are in member order)."""
    return per_run(members, lambda heads: ids.get_indexer(pd.Index(heads)))


def _pieces(table: pa.Table, part: np.ndarray, parts: int) -> list[pa.Table]:
    """``table``'s rows by part (0 … ``parts`` - 1), each part's rows in their order: the
    runs of rows of one part are zero-copy slices (a part's table is its runs' slices one
    after another, a record batch each); past :data:`.partition.MAX_RUNS` runs, one ``take`` puts the
    rows in part order first."""
    if not len(part):
        return [table] * parts
    firsts = np.flatnonzero(np.diff(part)) + 1
    if len(firsts) >= MAX_RUNS:
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(parts + 1)).tolist()
        taken = table.take(pa.array(order))
        return [taken.slice(a, b - a) for a, b in itertools.pairwise(bounds)]
    starts = [0, *firsts.tolist()]
    ends = [*firsts.tolist(), len(part)]
    runs: list[list[pa.Table]] = [[] for _ in range(parts)]
    for a, b, k in zip(starts, ends, part[starts].tolist(), strict=True):
        runs[k].append(table.slice(a, b - a))  # once per run, never per row
    return [pa.concat_tables(r) if r else table.slice(0, 0) for r in runs]


def _frames(scores: MemberScores) -> list[tuple[str, pd.DataFrame]]:
    """The frames an entry holds, as the whole run has them (see :data:`FRAMES`): the
    per-member tables, the plain issues, the grouped ones, the flags and their evidence."""
    frames = [(name, getattr(scores, name)) for name in FRAMES if name in ORDER]
    frames += [("issues", plain_issues(scores)), ("grouped_issues", scores.grouped_issues)]
    frames.sort(key=lambda item: FRAMES.index(item[0]))
    return [*((name, f.reset_index(drop=True)) for name, f in frames),
            *((name, pd.concat(kinds, ignore_index=True))
              for name, kinds in (("flag_rows", scores.flag_rows),
                                  ("evidence_rows", scores.evidence_rows)) if kinds)]


def entry_tables(scores: MemberScores) -> Tables:
    """The entry of ``scores`` of one chunk (see :data:`FRAMES`), as Arrow tables."""
    return [(name, arrow_table(frame)) for name, frame in _frames(scores)]


def split_entries(scores: MemberScores, records: Records, roster_chunk: np.ndarray,
                  chunks: list[int]) -> dict[int, Tables] | None:
    """``scores`` (of the members of ``chunks`` and no others) as each chunk's entry: the
    frames of :data:`FRAMES` and the flags, as Arrow tables; or None when a row cannot be
    placed (an issue about no member, a flag without one). A chunk's ``issues`` are its plain
    ones only: with the grouped ones merged from its ``grouped_issues``
    (:func:`points.score.checks.merge_groups`), they are what scoring it alone gives."""
    ids = pd.Index(records.roster["member_id"])
    local = np.full(int(roster_chunk.max()) + 1 if len(roster_chunk) else 1, -1, "int64")
    local[chunks] = np.arange(len(chunks))
    unknown = local[0]  # members on no roster: the first chunk's
    frames = _frames(scores)
    for name, frame in frames:
        column = "_member" if name == "grouped_issues" else "member_id"
        if column not in frame.columns or (name == "issues" and frame[column].isna().any()):
            return None
    try:
        tables = [_marked(arrow_table(frame), name) for name, frame in frames]
    except UNCONVERTIBLE:
        return None  # a table Arrow cannot hold: nothing is kept
    out: dict[int, Tables] = {chunk: [] for chunk in chunks}
    for (name, frame), table in zip(frames, tables, strict=True):
        at = _positions(frame["_member" if name == "grouped_issues" else "member_id"], ids)
        where = np.where(at >= 0, local[roster_chunk[np.maximum(at, 0)]], unknown)
        if (where < 0).any():
            return None  # a row of a member outside these chunks
        for chunk, piece in zip(chunks, _pieces(table, where, len(chunks)), strict=True):
            out[chunk].append((name, piece))
    return out
