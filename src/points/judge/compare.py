"""What-if: the same records under two rulesets — who changes grade, band, rating or rank.

:func:`compare_assessments` lines up two assessments of the same people (usually the same
records scored with two rulesets, or one ruleset before and after an edit) and says, person by
person, what changed. Nothing is recomputed: it reads the two ``rankings`` tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocab.frames import sort_frame
from .assessment import AssessmentTables

__all__ = ["COMPARE_COLUMNS", "COMPARE_HEADERS", "RATING_COMPARE_COLUMNS", "compare_assessments"]

#: Chinese header of each column of :func:`compare_assessments` shown to a secretary (the
#: rating's are named after the ruleset's ``[rating]`` label in the workbook, e.g. 原红黄白榜).
COMPARE_HEADERS = {
    "member_id": "党员编号", "name": "姓名", "branch": "支部", "category": "类别",
    "total_before": "原总积分", "total_after": "新总积分", "total_change": "变化",
    "grade_before": "原等次", "grade_after": "新等次", "band_before": "原档次",
    "band_after": "新档次", "rating_before": "原星级", "rating_after": "新星级",
    "branch_rank_before": "原支部排名", "branch_rank_after": "新支部排名", "rank_change": "名次变化"}

COMPARE_COLUMNS = ["member_id", "name", "branch", "category", "kind",
                   "total_before", "total_after", "total_change",
                   "grade_before", "grade_after", "band_before", "band_after",
                   "rating_before", "rating_after",
                   "branch_rank_before", "branch_rank_after", "rank_change",
                   "grade_changed", "band_changed", "rating_changed", "rank_changed"]

#: The columns about the ``[rating]`` band, shown only when a side has one.
RATING_COMPARE_COLUMNS = ("rating_before", "rating_after")


def _side(assessment: AssessmentTables) -> pd.DataFrame:
    r = assessment.rankings
    band = r["probation_band"].fillna(r["candidate_band"])
    return r[["member_id", "name", "branch", "category", "kind", "total", "grade",
              "branch_rank"]].assign(band=band.astype("string"),
                                     rating=r["rating"].astype("string"))


def compare_assessments(before: AssessmentTables, after: AssessmentTables) -> pd.DataFrame:
    """One row per person assessed in ``before`` or ``after``, sorted by branch and 党员编号.

    Columns: ``member_id, name, branch, category, kind`` (from ``after`` where the person is in
    both; the category may differ when the rulesets name categories differently),
    ``total_before, total_after, total_change`` (after − before), ``grade_before,
    grade_after`` (suggested grade after the 优秀 quota; members only), ``band_before,
    band_after`` (the probation band of 预备党员 or the candidate band of 发展对象 /
    入党积极分子), ``rating_before, rating_after`` (the ``[rating]`` band after its shares,
    e.g. 星级 or 红黄白榜; members only, empty under a ruleset without ``[rating]``),
    ``branch_rank_before, branch_rank_after`` and ``rank_change`` (before − after: positive
    means the person moved up), and four booleans ``grade_changed, band_changed,
    rating_changed, rank_changed``. A person assessed on one side only has the other side empty
    and counts as changed.
    """
    a, b = _side(before), _side(after)
    both = a.merge(b, on="member_id", how="outer", suffixes=("_before", "_after"),
                   indicator=True)
    for column in ("name", "branch", "category", "kind"):
        both[column] = both[f"{column}_after"].fillna(both[f"{column}_before"])
    both["total_change"] = both["total_after"] - both["total_before"]
    rank_b = both["branch_rank_before"].astype("Int64")
    rank_a = both["branch_rank_after"].astype("Int64")
    both["branch_rank_before"], both["branch_rank_after"] = rank_b, rank_a
    both["rank_change"] = rank_b - rank_a
    one_side = (both["_merge"] != "both").to_numpy()
    for column in ("grade", "band", "rating", "branch_rank"):
        x, y = both[f"{column}_before"], both[f"{column}_after"]
        same = (x == y).fillna(False).to_numpy(dtype=bool) | (x.isna() & y.isna()).to_numpy()
        name = "rank_changed" if column == "branch_rank" else f"{column}_changed"
        both[name] = ~same | one_side
    both["total_change"] = both["total_change"].round(6)
    out = sort_frame(both, ["branch", "member_id"]).reset_index(drop=True)
    return out[COMPARE_COLUMNS].astype({"grade_changed": bool, "band_changed": bool,
                                        "rating_changed": bool, "rank_changed": bool,
                                        "total_change": np.float64})

