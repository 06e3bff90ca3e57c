"""What every backend shares: the members split into partitions by branch, and the partitions'
scores put back together exactly as one run over everyone would have made them.

:func:`points.score.score_members` depends on one member's records only, so it runs on each
partition on its own; the population-wide half (:func:`points.judge.judge`) runs once on the
combined scores. A partition is a set of whole branches (never a branch split), balanced by
records; records whose member is on no roster go with the first partition, where they are
reported as unknown members just as in one run. The record-level data issues stay out of the
partitions and are added once when the scores are combined.
"""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from ..records import Records
from ..score import MemberScores
from ..score.checks import merge_groups
from ..vocab.frames import MAX_RUNS, lexsort, positions, run_starts, sort_keys
from ..vocab.issues import ISSUE_COLUMNS, concat_issues, empty_issues

__all__ = ["MAX_RUNS", "branch_names", "branch_parts", "combine_scores", "drop_merged", "in_order",
           "member_order", "order_runs", "partition_records", "record_parts", "records_of",
           "roster_rows", "runs_by_weight", "split_records"]

#: The tables of :class:`~points.Records` kept per member (split with the roster).
RECORD_TABLES = ("attendance", "negatives", "bonuses", "appraisals", "quizzes", "study")


def branch_names(records: Records) -> pd.Series:
    """Each roster row's branch as text ("" when missing, all such members together), held by
    Arrow: factorized and sorted in Arrow's code point order, the order of Python's strings."""
    return records.roster["branch"].astype("string").fillna("")


def roster_rows(records: Records, ids: pd.Index | None = None) -> dict[str, np.ndarray]:
    """Each record's member's roster row (-1: a member on no roster), table by table: the
    first of each run of a member's records is looked up, all tables' in one call. ``ids``:
    the roster's member ids as an index (unique), when one is kept for several lookups."""
    columns = [getattr(records, name)["member_id"] for name in RECORD_TABLES]
    heads = [np.flatnonzero(run_starts(column)) for column in columns]
    looked = pd.concat([c.iloc[h] for c, h in zip(columns, heads, strict=True)],
                       ignore_index=True)
    found = (positions(looked, records.roster["member_id"]) if ids is None
             else np.asarray(ids.get_indexer(looked), dtype="int64"))
    return {name: np.repeat(at, np.diff(np.r_[first, len(column)]))
            for name, column, first, at in zip(
                RECORD_TABLES, columns, heads,
                np.split(found, np.cumsum([len(h) for h in heads])[:-1]), strict=True)}


def runs_by_weight(weights: np.ndarray, shares: list[float]) -> np.ndarray:
    """Each unit's group, the units (in their order) cut into ``len(shares)`` runs whose
    ``weights`` add up in proportion to ``shares`` as nearly as whole units allow: a run ends
    with the unit whose running total reaches its share. Groups are numbered from 0 without
    gaps, so there are fewer when a unit outweighs a share."""
    cuts = np.cumsum(shares)[:-1] * weights.sum() / sum(shares)
    ends = np.searchsorted(np.cumsum(weights), cuts, side="left") + 1
    starts = np.zeros(len(weights), dtype="int64")
    starts[np.unique(ends[ends < len(weights)])] = 1
    return np.cumsum(starts)


def branch_parts(records: Records, parts: int, rows: dict[str, np.ndarray] | None = None,
                 shares: list[float] | None = None) -> tuple[np.ndarray, int]:
    """Each roster row's partition and the number of partitions: at most ``parts`` (none
    empty), each a run of whole branches in name order, of about equal records (of records in
    proportion to ``shares``, one a partition, when given). ``rows``: :func:`roster_rows`,
    when known."""
    rows = roster_rows(records) if rows is None else rows
    weight = np.ones(len(records.roster))
    for at in rows.values():
        weight += np.bincount(at[at >= 0], minlength=len(weight))
    codes, names = pd.factorize(branch_names(records), sort=True)
    if not len(names):
        return np.zeros(0, dtype="int64"), 0
    per_branch = np.bincount(codes, weights=weight, minlength=len(names))
    group = runs_by_weight(per_branch, shares or [1.0] * max(1, parts))
    return group[codes], int(group[-1]) + 1


def partition_records(records: Records, parts: int) -> list[Records]:
    """``records`` split into at most ``parts`` partitions of whole branches (none empty),
    without the record-level issues (see :func:`combine_scores`)."""
    rows = roster_rows(records)
    roster_part, n = branch_parts(records, parts, rows)
    return split_records(records, roster_part, n, rows)


def record_parts(records: Records, roster_part: np.ndarray,
                 rows: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Each record's partition, table by table, given each roster row's: its member's, or
    the first (0) for records whose member is on no roster. ``rows``: :func:`roster_rows`,
    when known."""
    rows = roster_rows(records) if rows is None else rows
    out = {"roster": roster_part}
    for name, at in rows.items():
        out[name] = np.where(at >= 0, roster_part[np.maximum(at, 0)], 0)
    return out


def records_of(records: Records, parts: dict[str, np.ndarray], which: list[int]) -> Records:
    """The records of the partitions ``which`` (``parts``: each table's rows' partitions, from
    :func:`record_parts`), without the record-level issues: their text shared with
    ``records`` (slices, :func:`in_order`) when the rows come in a few runs, as read from the
    workbooks (a file's rows together), else only their rows copied."""
    tables: dict[str, Any] = {}
    for name, part in parts.items():
        frame = getattr(records, name)
        tables[name] = in_order(frame, np.flatnonzero(np.isin(part, which)))
    return attrs.evolve(records, issues=empty_issues(), **tables)


def split_records(records: Records, roster_part: np.ndarray, parts: int,
                  rows: dict[str, np.ndarray] | None = None) -> list[Records]:
    """``records`` in ``parts`` partitions by each roster row's partition number (records of
    members on no roster with the first), without the record-level issues."""
    split = {name: _split(getattr(records, name), where, parts)  # each row copied once
             for name, where in record_parts(records, roster_part, rows).items()}
    tables: list[dict[str, Any]] = [{n: t[k] for n, t in split.items()} for k in range(parts)]
    return [attrs.evolve(records, issues=empty_issues(), **t) for t in tables]


def _split(frame: pd.DataFrame, part: np.ndarray, parts: int) -> list[pd.DataFrame]:
    """``frame``'s rows by partition number, each partition's rows in their order."""
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(parts + 1))
    return [frame.take(order[a:b]).reset_index(drop=True)
            for a, b in itertools.pairwise(bounds.tolist())]


def _frame(frames: list[pd.DataFrame], keys: list[str] | None) -> pd.DataFrame:
    whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if keys is None:
        return whole
    if len(whole) < 2:
        return whole.reset_index(drop=True)
    return in_order(whole, member_order(whole, keys))


def member_order(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """The stable order of ``frame`` by ``keys`` (each table's :data:`ORDER`): its runs of one
    member sorted when that gives it (:func:`_by_member_runs`), else its rows."""
    order = _by_member_runs(frame, keys)
    return lexsort(sort_keys(frame, keys)) if order is None else order


def _by_member_runs(frame: pd.DataFrame, keys: list[str]) -> np.ndarray | None:
    """The stable order of ``frame`` by ``keys`` (a member, then at most one more key) found
    by sorting its runs of one member instead of its rows: the same order, since a run's rows
    share their first key. With a second key, only when each member's rows are one run in
    that key's order (as in the partitions' tables, whole members each); None otherwise (the
    rows are then sorted)."""
    if len(keys) > 2:
        return None
    heads = np.flatnonzero(run_starts(frame[keys[0]]))
    head_keys = sort_keys(frame[keys[:1]].iloc[heads], keys[:1])
    runs = lexsort(head_keys)
    if len(keys) == 2:
        same = np.ones(max(len(runs) - 1, 0), dtype=bool)
        for key in head_keys:
            ranked = key[runs]
            same &= ranked[1:] == ranked[:-1]
        if same.any() or not _ascending_in_runs(frame, keys[1], heads):  # a member in two runs
            return None
    lengths = np.diff(np.r_[heads, len(frame)])[runs]
    shift = heads[runs] - np.r_[0, np.cumsum(lengths)[:-1]]  # each run's rows, moved
    return np.repeat(shift, lengths) + np.arange(len(frame))


def _ascending_in_runs(frame: pd.DataFrame, key: str, heads: np.ndarray) -> bool:
    """``frame[key]`` (a date or number; no missing values) never decreases within a run that
    begins at one of ``heads``: a stable sort by it keeps each run's rows as they are."""
    column = frame[key]
    values = column.to_numpy()
    if values.dtype.kind not in "Miu" or column.isna().any():
        return False
    falls = np.flatnonzero(values[1:] < values[:-1]) + 1  # rows below the row before
    return not np.isin(falls, heads, invert=True).any()


def order_runs(order: np.ndarray, max_runs: int = MAX_RUNS) -> tuple[list[int], list[int]] | None:
    """The runs of consecutive rows that ``order`` takes, as (first rows, lengths); None when
    there are ``max_runs`` or more of them, or no rows (the rows are then taken one by one)."""
    firsts = np.flatnonzero(np.diff(order) != 1) + 1
    if len(firsts) >= max_runs or not len(order):
        return None
    return order[np.r_[0, firsts]].tolist(), np.diff(np.r_[0, firsts, len(order)]).tolist()


def in_order(frame: pd.DataFrame, order: np.ndarray, *, max_runs: int = MAX_RUNS) -> pd.DataFrame:
    """``frame.take(order)`` with fresh row numbers. When ``order`` is a few runs of
    consecutive rows (the partitions' members are numbered branch by branch, so combining
    moves whole branches), each Arrow column is made of zero-copy slices, one per run, instead
    of a copy of every value; NumPy columns are taken (the values are the same either way)."""
    if not len(order):  # (a take of no rows still visits every Arrow chunk)
        return frame.iloc[:0].reset_index(drop=True)
    runs = order_runs(order, max_runs)
    if runs is None:
        return frame.take(order).reset_index(drop=True)
    starts, lengths = runs
    columns = {}
    for name, values in frame.items():
        array = values.array
        if isinstance(array, pd.arrays.ArrowStringArray):  # text: the bulk of the bytes
            chunked = pa.chunked_array(pa.array(array))  # its chunks, as they are (no copy)
            pieces = [chunked.slice(a, n) for a, n in zip(starts, lengths, strict=True)]
            slices = pa.chunked_array([c for p in pieces for c in p.chunks], type=chunked.type)
            # the stubs lack the dtype keyword of pandas 3's ArrowStringArray
            text = type(array)(slices, dtype=values.dtype)  # type: ignore[call-arg]
            columns[name] = pd.Series(text, name=name)
        else:
            columns[name] = values.take(order).reset_index(drop=True)
    return pd.DataFrame(columns, columns=frame.columns)


#: How each table of :class:`~points.score.MemberScores` is ordered in one run: the keys it is
#: (stably) sorted by — every table is in member order, a member's rows in their own order.
ORDER: dict[str, list[str]] = {
    "members": ["member_id"], "ledger": ["member_id", "date"], "totals": ["member_id"],
    "monthly": ["member_id"], "events": ["member_id"], "logs": ["member_id"]}


def combine_scores(records: Records, parts: list[MemberScores]) -> MemberScores:
    """The scores of the partitions of ``records`` as :func:`points.score.score_members`
    would give them for all of ``records`` at once (the record-level issues added back)."""
    first = parts[0]
    tables = {name: _frame([getattr(p, name) for p in parts], keys)
              for name, keys in ORDER.items()}
    # The flags stay one frame per kind and partition: the review list sorts them by member
    # first (stably), and each member's rows are in the order of one run.
    flags = tuple(f for p in parts for f in p.flag_rows)
    evidence = tuple(f for p in parts for f in p.evidence_rows)
    grouped = pd.concat([p.grouped_issues for p in parts], ignore_index=True)
    return MemberScores(ruleset=first.ruleset, calendar=first.calendar, **tables,
                        issues=concat_issues([records.issues, *_issues(parts, grouped)]),
                        flag_rows=flags, evidence_rows=evidence,
                        grouped_issues=grouped)


def _issues(parts: list[MemberScores], grouped: pd.DataFrame) -> list[pd.DataFrame]:
    """The partitions' issues: each grouped one once, its rows merged across partitions."""
    plain = concat_issues([p.issues for p in parts])
    if not len(grouped):
        return [plain]
    seen = pd.concat([merge_groups(p.grouped_issues) for p in parts], ignore_index=True)
    return [drop_merged(plain, seen), merge_groups(grouped)[ISSUE_COLUMNS]]


def drop_merged(issues: pd.DataFrame, merged: pd.DataFrame) -> pd.DataFrame:
    """``issues`` without the rows that are among ``merged`` (grouped issues as
    :func:`points.score.checks.merge_groups` made them): those are rebuilt from their rows."""
    if not len(merged):
        return issues
    seen = pd.MultiIndex.from_frame(merged[ISSUE_COLUMNS].astype("string").fillna("\x00"))
    mine = pd.MultiIndex.from_frame(issues[ISSUE_COLUMNS].astype("string").fillna("\x00"))
    return issues[~mine.isin(seen)]
