"""Stable codes and what they mean to a secretary: review flags and data issues.

Codes are English and never change (scripts filter on them); the labels and actions are the
Chinese words printed beside them.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["FLAG_CODES", "ISSUE_CODES", "OUTPUT_PROPERTY", "FlagCode"]


class FlagCode(NamedTuple):
    """What a flag code means to the secretary: a short label and the suggested action."""

    label: str
    action: str


#: Every review-flag code, in the order flags are listed (gravest first).
FLAG_CODES: dict[str, FlagCode] = {
    "six_month_rule": FlagCode("连续六个月不参加组织生活或不交党费", "按党章第九条进行自行脱党审查"),
    "zeroed": FlagCode("受到党纪政务处分", "组织处理"),
    "probation_revoke": FlagCode("建议取消预备资格", "取消预备资格"),
    "grade_unqualified": FlagCode("建议等次：不合格", "组织处置"),
    "absence_escalation": FlagCode("连续多月缺席组织生活", "一级：批评教育；二级：限期改正"),
    "probation_extend": FlagCode("建议延长预备期", "延长预备期"),
    "grade_basic": FlagCode("建议等次：基本合格", "诫勉谈话"),
    "rating_low": FlagCode("评星落入最低档", "督促整改"),
    "unexcused_absences": FlagCode("无故缺席次数较多", "通报批评"),
    "missed_minimum": FlagCode("未达到最低参加次数", "谈心谈话，督促按时参加"),
    "frequent_leave": FlagCode("请假频繁", "谈心谈话"),
    "quota_tie": FlagCode("优秀名额边界同分", "支部研究确定"),
    "quota_demoted": FlagCode("超出优秀名额", "支部研究确定"),
    "bottom_share": FlagCode("基本合格、不合格比例不足", "支部研究确定"),
    "rating_tie": FlagCode("评星名额边界同分", "支部研究确定"),
    "rating_demoted": FlagCode("超出评星名额", "支部研究确定"),
    "rating_short": FlagCode("评星低档比例不足", "支部研究确定"),
    "no_records": FlagCode("全年无任何记录", "失联党员排查"),
}

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
    "bad_number": "无法识别的分数或积分",
    "unknown_column": "无法识别的列",
    "missing_column": "缺少必需的列",
    "unknown_sheet": "无法识别的工作表",
    "duplicate_member": "名册编号重复",
    "skipped_file": "未读取的文件",
    "hidden_sheet": "隐藏的工作表（已读取）",
    "skipped_sheet": "未读取的工作表",
    "bad_cell": "错误值或无结果的公式",
    "no_person": "有记录但没有姓名和编号",
    "missing_value": "缺少必填内容",
    "roster_date": "名册日期有误",
    "history": "往年记录（只用于回溯）",
    "branch_without_records": "支部没有签到记录",
}

#: The custom document property every workbook ``points`` writes carries (its value: the
#: version that wrote it), so that a run never reads last run's outputs back as input.
OUTPUT_PROPERTY = "points_output"
