"""The words the reader recognises sheet layouts by — the same whatever ruleset scores them.

Header texts name the columns of every sheet kind; activity and mark words help find the row
of activity names above or below a matrix's dates. None of these words decides a score: marks
and activity names are kept as written, and the ruleset turns them into statuses and
activities when the records are scored. Every activity name and alias of the shipped rulesets
is an activity word here (a test keeps it so).
"""

from __future__ import annotations

from ..vocab.text import normalize_name

__all__ = ["ACTIVITY_WORDS", "HEADERS", "MARK_WORDS", "SKIPPED", "field_of", "is_activity_word",
           "is_mark_word", "is_skipped"]

#: Header texts recognised for each field (compared after NFKC and removing white space).
HEADERS: dict[str, tuple[str, ...]] = {
    "member_id": ("党员编号", "编号", "党员号", "人员编号"),
    "name": ("姓名", "党员姓名", "名字"),
    "branch": ("支部", "所在支部", "党支部", "所属支部", "支部名称"),
    "category": ("类别", "党员类别", "人员类别"),
    "joined": ("入党（转入）日期", "入党日期", "转入日期", "入党时间", "入党（转入）时间"),
    "left": ("转出日期", "转出时间"),
    "admitted": ("接收预备党员日期", "接收为预备党员日期", "接收日期", "入党日期（预备）"),
    "confirmed": ("转正日期", "转为正式党员日期", "转正时间"),
    "date": ("日期", "活动日期", "时间", "活动时间", "记录日期", "发生日期"),
    "activity": ("活动类型", "活动名称", "活动", "会议类型", "会议名称"),
    "status": ("出勤情况", "签到情况", "出勤", "签到", "状态", "参加情况", "出席情况"),
    "item": ("事项", "扣分事项", "加分事项", "负面清单事项", "先锋示范事项", "项目", "扣分项目",
             "加分项目"),
    "result": ("评议结果", "民主评议结果", "等次", "评议等次", "民主评议等次", "评议得分", "民主评议得分",
               "评议分数", "民主评议分数"),
    "seq": ("序号",),
    # exam scores (以考促学) and study-platform points (学习强国)
    "exam": ("考试名称", "测试名称", "考试", "考试项目", "测试项目", "竞赛名称", "答题名称"),
    "score": ("得分", "成绩", "考试成绩", "考试得分", "测试成绩", "分数"),
    "month": ("月份", "统计月份", "积分月份", "年度", "统计年度", "年份"),
    "study_points": ("学习积分", "学习强国积分", "强国积分", "学习强国学习积分", "学习强国积分数"),
}
#: Columns recognised and skipped: totals, signatures and personal data (never read).
SKIPPED = ("合计", "小计", "总计", "出勤率", "出勤次数", "缺勤次数", "请假次数", "签名", "本人签名",
           "联系电话", "电话", "手机", "手机号码", "身份证号", "身份证号码", "性别", "职务", "党小组",
           "年龄", "民族", "学历", "出生日期", "积分", "得分", "分值", "扣分", "加分", "备注", "说明")
#: Activity names as branches write them (the names and aliases of every shipped ruleset).
ACTIVITY_WORDS: tuple[str, ...] = (
    "支部党员大会", "支部大会", "党员大会", "支部党员会", "支委会", "支委会议", "支部委员会",
    "党小组会", "党小组会议", "小组会", "党课", "上党课", "听党课", "主题党日", "主题党日活动",
    "固定主题党日", "组织生活会", "专题组织生活会", "集中学习", "集体学习", "主题教育集中学习", "学习")
#: Marks as branches write them (every mark of every shipped ruleset).
MARK_WORDS: tuple[str, ...] = (
    "√", "✓", "✔", "☑", "到", "出席", "已到", "签到", "参加", "是", "迟", "迟到", "早退", "迟到早退",
    "线上", "网上", "视频", "送学", "送学上门", "线上签到", "线上学习", "补学", "补课", "已补学",
    "请假", "假", "事假", "病假", "公假", "因公请假", "×", "✗", "✘", "x", "X", "缺", "缺席", "旷",
    "旷会", "未到", "无故缺席", "否")

_FIELD = {normalize_name(text): field for field, texts in HEADERS.items() for text in texts}
_SKIP = frozenset(normalize_name(text) for text in SKIPPED)
_ACTIVITIES = frozenset(normalize_name(text) for text in ACTIVITY_WORDS)
_MARKS = frozenset(normalize_name(text) for text in MARK_WORDS)


def field_of(text: str) -> str | None:
    """The field a (normalised) header text names, or None."""
    return _FIELD.get(text)


def is_skipped(text: str) -> bool:
    """True for a (normalised) header of a column that is never read."""
    return text in _SKIP


def is_activity_word(text: str) -> bool:
    """True for a (normalised) text that is a known activity name."""
    return text in _ACTIVITIES


def is_mark_word(text: str) -> bool:
    """True for a (normalised) text that is a known mark."""
    return text in _MARKS


def find_activity(*texts: str) -> str | None:
    """The longest activity word found in the first of ``texts`` that holds one."""
    for text in texts:
        key = normalize_name(text)
        found = [word for word in _ACTIVITIES if word in key]
        if found:
            return max(sorted(found), key=len)
    return None
