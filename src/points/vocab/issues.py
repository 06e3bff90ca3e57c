"""Data issues: problems in the input, as data.

A data issue never stops a run. Each has a stable English ``code``, a Chinese ``message`` for
the secretary, the ``source`` address (``file!sheet!A1``) of the cell to fix, and the member it
concerns when known. :data:`ISSUE_CODES` lists every code with its Chinese label.
"""

from __future__ import annotations

import pandas as pd

from .codes import ISSUE_CODES
from .frames import empty_table, sort_frame

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
    """Concatenate issue tables into one, sorted by source, code, member, message."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_issues()
    out = pd.concat(frames, ignore_index=True)[ISSUE_COLUMNS]
    out = sort_frame(out, ["source", "code", "member_id", "message"])
    return out.drop_duplicates().reset_index(drop=True)
