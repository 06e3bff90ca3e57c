"""Data issues: problems in the input, as data.

A data issue never stops a run. Each has a stable English ``code``, a Chinese ``message`` for
the secretary, the ``source`` address (``file!sheet!A1``) of the cell to fix, and the member it
concerns when known. :data:`ISSUE_CODES` lists every code with its Chinese label.
"""

from __future__ import annotations

import pandas as pd

from .records import ISSUE_COLUMNS, empty_issues
from .text import sort_frame

__all__ = ["ISSUE_CODES", "concat_issues", "make_issues"]

#: Every data-issue code → Chinese label (what kind of problem it is).
ISSUE_CODES: dict[str, str] = {
    "unknown_member": "名册中无此党员",
    "unknown_activity": "未知活动类型",
    "unknown_item": "未知的加分/扣分事项",
    "unknown_category": "未知党员类别",
    "unknown_appraisal_result": "未知评议结果",
    "appraisal_missing": "缺少民主评议结果",
    "appraisal_not_applicable": "该类别不参加民主评议",
    "conflicting_appraisal": "评议结果冲突",
    "outside_year": "日期不在考核年度内",
    "after_as_of": "日期晚于统计截止日",
    "duplicate_record": "重复记录",
    "conflicting_records": "签到冲突",
    "unknown_mark": "无法识别的签到符号",
    "ambiguous_name": "重名无法确定",
    "bad_date": "无法识别的日期",
    "unknown_column": "无法识别的列",
    "missing_column": "缺少必需的列",
    "unknown_sheet": "无法识别的工作表",
    "duplicate_member": "名册编号重复",
}


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
