"""Data issues: problems in the input, as data.

A data issue never stops a run. Each has a stable English ``code``, a Chinese ``message`` for
the secretary, the ``source`` address (``file!sheet!A1``) of the cell to fix, and the member it
concerns when known. :data:`ISSUE_CODES` lists every code with its Chinese label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codes import ISSUE_CODES
from .frames import empty_table, lexsort, sort_keys

__all__ = ["ISSUE_COLUMNS", "concat_issues", "empty_issues", "make_issues"]

ISSUE_COLUMNS = ["code", "message", "source", "member_id"]


def empty_issues() -> pd.DataFrame:
    """An empty data-issues table."""
    return empty_table(ISSUE_COLUMNS)



def make_issues(
    code: str,
    message: pd.Series,
    source: pd.Series,
    member_id: pd.Series | None = None,
) -> pd.DataFrame:
    """Build issue rows from aligned Series (vectorized: one call per code, not per row)."""
    if code not in ISSUE_CODES:
        raise KeyError(f"unknown data-issue code {code!r}")
    frame = pd.DataFrame(
        {
            "code": pd.Series(code, index=message.index, dtype="string"),
            "message": message.astype("string"),
            "source": source.astype("string"),
            "member_id": (member_id if member_id is not None
                          else pd.Series(pd.NA, index=message.index)).astype("string"),
        }
    )
    return frame.reset_index(drop=True)


def concat_issues(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate issue tables into one, sorted by source, code, member, message, without
    repeated rows: as ``sort_frame`` then ``drop_duplicates``, but the code, member and message
    are ranked (and rows compared) only among the rows that share an address — most rows
    have one of their own."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_issues()
    out = pd.concat(frames, ignore_index=True)[ISSUE_COLUMNS]
    if len(out) < 2:
        return out.reset_index(drop=True)
    by_source = sort_keys(out, ["source"])  # (least significant first)
    order = lexsort(by_source)
    same = np.ones(len(out) - 1, dtype=bool)
    for key in by_source:
        ranked = key[order]
        same &= ranked[1:] == ranked[:-1]
    if not same.any():  # every address once: no more keys, no duplicates
        return out.iloc[order].reset_index(drop=True)
    tied = np.zeros(len(out), dtype=bool)
    tied[order[1:][same]] = tied[order[:-1][same]] = True
    rows = np.flatnonzero(tied)
    rest = []
    for key in sort_keys(out.iloc[rows], ["code", "member_id", "message"]):
        whole = np.zeros(len(out), dtype=key.dtype)
        whole[rows] = key
        rest.append(whole)
    repeated = np.zeros(len(out), dtype=bool)  # (a row twice has one address)
    repeated[rows] = out.iloc[rows].duplicated().to_numpy()
    order = lexsort([*rest, *by_source])
    return out.iloc[order[~repeated[order]]].reset_index(drop=True)
