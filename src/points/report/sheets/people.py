"""The rows of assessed people that 汇总, 支部统计 and 公示 share, and how names are masked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...judge.assessment import AssessmentTables
from ...vocab.frames import sort_frame

__all__ = ["mask_name", "people", "suggested"]


def people(assessment: AssessmentTables) -> pd.DataFrame:
    """One row per assessed person, members first within each branch, by branch rank."""
    ranked = assessment.rankings
    kind = np.where(ranked["kind"] == "member", 0, 1)
    return sort_frame(ranked.assign(_kind=kind), ["branch", "_kind", "branch_rank", "member_id"]
                      ).drop(columns="_kind").reset_index(drop=True)


def suggested(rows: pd.DataFrame) -> pd.Series:
    """建议等次: the grade, or for a candidate the 择优档次."""
    return rows["grade"].fillna(rows["candidate_band"]).astype("string")


def mask_name(names: pd.Series) -> pd.Series:
    """``张三`` → ``张*``, ``张三丰`` → ``张*丰``, ``欧阳小明`` → ``欧**明``; one character stays."""
    text = names.astype("string").fillna("")
    n = text.str.len()
    middle = pd.Series(["*" * max(k - 2, 1) for k in range(int(n.max() or 0) + 1)],
                       dtype="string")
    stars = middle.reindex(n.to_numpy()).reset_index(drop=True)
    stars.index = text.index
    masked = text.str.slice(0, 1) + stars + text.str.slice(-1).where(n > 2, "")
    return masked.where(n > 1, text)
