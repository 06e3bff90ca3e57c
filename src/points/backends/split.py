"""Scores split by chunk of branches: what scoring each chunk on its own would have given, cut
out of one run over several chunks (the score cache's first run, :mod:`.cache`).

Every per-member table goes by its member's chunk, in its order; the grouped data issues by
their rows of one member each (:func:`points.score.checks.grouped_issue`), merged again per
chunk; the other issues by their member. A member on no roster belongs to the first chunk, as
their records do in any partition (:mod:`.partition`).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from ..records import Records
from ..score import MemberScores
from ..score.checks import merge_groups
from ..vocab.issues import ISSUE_COLUMNS
from .partition import ORDER

__all__ = ["plain_issues", "split_scores"]


def _rows(frame: pd.DataFrame, part: np.ndarray, parts: int, reset: bool
          ) -> list[pd.DataFrame]:
    """``frame``'s rows by part (0 … ``parts`` - 1), each part's rows in their order."""
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(parts + 1)).tolist()
    taken = frame.take(order)  # one copy of the rows, then slices of it (no copy)
    pieces = [taken.iloc[a:b] for a, b in itertools.pairwise(bounds)]
    return [p.reset_index(drop=True) for p in pieces] if reset else pieces


def plain_issues(scores: MemberScores) -> pd.DataFrame:
    """The issues that are not grouped ones (those are rebuilt per chunk from their rows)."""
    merged = merge_groups(scores.grouped_issues)
    if not len(merged):
        return scores.issues
    seen = pd.MultiIndex.from_frame(merged[ISSUE_COLUMNS].astype("string").fillna("\x00"))
    mine = pd.MultiIndex.from_frame(scores.issues[ISSUE_COLUMNS].astype("string").fillna("\x00"))
    return scores.issues[~mine.isin(seen)]


def split_scores(scores: MemberScores, records: Records, roster_chunk: np.ndarray,
                 chunks: list[int]) -> dict[int, MemberScores] | None:
    """``scores`` (of the members of ``chunks`` and no others) as each chunk's, or None when a
    row cannot be placed (an issue about no member, a flag without one). A chunk's ``issues``
    are its plain ones only: with the grouped ones merged from its ``grouped_issues``
    (:func:`points.score.checks.merge_groups`), they are what scoring it alone gives."""
    ids = pd.Index(records.roster["member_id"])
    local = np.full(int(roster_chunk.max()) + 1 if len(roster_chunk) else 1, -1, "int64")
    local[chunks] = np.arange(len(chunks))
    unknown = local[0]  # members on no roster: the first chunk's

    def part(members: pd.Series) -> np.ndarray:
        at = ids.get_indexer(members)
        return np.where(at >= 0, local[roster_chunk[np.maximum(at, 0)]], unknown)

    plain = plain_issues(scores)
    frames = [*scores.flag_rows, *scores.evidence_rows]
    if plain["member_id"].isna().any() or any("member_id" not in f.columns for f in frames):
        return None
    wheres = {name: part(getattr(scores, name)["member_id"]) for name in ORDER}
    wheres["_plain"] = part(plain["member_id"])
    wheres["_grouped"] = part(scores.grouped_issues["_member"])
    if any((w < 0).any() for w in wheres.values()):
        return None  # a row of a member outside these chunks
    n = len(chunks)
    tables = {name: _rows(getattr(scores, name), wheres[name], n, True) for name in ORDER}
    grouped = _rows(scores.grouped_issues, wheres["_grouped"], n, True)
    issues = _rows(plain, wheres["_plain"], n, False)
    flags = [_rows(f, part(f["member_id"]), n, False) for f in scores.flag_rows]
    evidence = [_rows(f, part(f["member_id"]), n, False) for f in scores.evidence_rows]
    return {chunk: MemberScores(
        ruleset=scores.ruleset, calendar=scores.calendar,
        **{name: t[k] for name, t in tables.items()},
        issues=issues[k].reset_index(drop=True),
        grouped_issues=grouped[k], flag_rows=tuple(f[k] for f in flags),
        evidence_rows=tuple(f[k] for f in evidence)) for k, chunk in enumerate(chunks)}
