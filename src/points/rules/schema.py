"""The ruleset schema, declared once: every key of a ruleset file, section by section.

Each :class:`Key` says how its value is read (``kind``), its bounds, its default, and a Chinese
label and help text. The loader (:mod:`.load`) checks unknown keys, required keys, types and
bounds from these declarations; the rule table (:mod:`points.report.ruletable`) takes its labels
from them; the docs test checks that every declared key is documented.

Kinds of value:

``text``       non-empty text (stripped)
``id``         English id: lower-case letters, digits and ``_``, starting with a letter
``number``     a finite number within ``minimum`` … ``maximum``; ``optional``: ``""``, ``"none"``
               or ``"无"`` mean "not set" (None)
``integer``    a whole number ≥ ``minimum``
``share``      a share between 0 and 1, written ``"1/3"`` or ``0.25``
``bool``       true or false
``texts``      a list of texts
``choice``     one of ``choices`` (value → Chinese label)
``factors``    a table status → factor ≥ 0
``dimension``  the id of a dimension of the ruleset
``table``      a table with its own section or entries, read by hand in the loader
``bands``      a list of bands (:data:`BAND`), read by hand in the loader

Every number is also held to the sane magnitude of its kind (:data:`LIMITS`): ±10,000 for
points, caps, bases and band minimums, 1,000 for counts, 100 for status factors (shares are
0 … 1). A value beyond it (``1e308``, ``2**70``, ``inf``, ``nan``) is a typo, not a rule.

Keys are listed in the order they are checked, so problems are reported in that order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Literal

import attrs
from attrs import field, frozen

from ..vocab.frozen import FrozenMap
from ..vocab.statuses import EFFECTIVE, STATUS_LABELS

__all__ = [
    "ACTIVITY", "APPRAISAL", "BAND", "BONUS", "CANDIDATES", "CATEGORY", "CONVERSIONS",
    "DIMENSION", "FLAGS",
    "GRADES", "LIMITS", "MARKS", "MINIMUM", "NEGATIVE", "PROBATION", "QUIZ", "RATING",
    "RATING_BAND", "SCORE_BAND", "SECTIONS", "STUDY", "TOP", "Key", "Kind", "Section",
]

Kind = Literal["text", "id", "number", "integer", "share", "bool", "texts", "choice", "factors",
               "dimension", "table", "bands"]
#: A default value of a key (None: not set).
Default = str | float | Fraction | bool | tuple[str, ...] | Mapping[str, float] | None


#: The largest magnitude a value of each numeric kind may have (``factors``: each factor).
LIMITS: Mapping[str, int] = FrozenMap({"number": 10_000, "integer": 1_000, "factors": 100})


def _frozen(choices: Mapping[str, str]) -> Mapping[str, str]:
    return FrozenMap(dict(choices))


@frozen(kw_only=True)
class Key:
    """One key of a ruleset section."""

    name: str
    kind: Kind
    label: str
    help: str
    required: bool = False
    default: Default = None
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False
    choices: Mapping[str, str] = field(factory=dict, converter=_frozen)

    def with_default(self, default: Default) -> Key:
        """This key, not required, with a default known only while loading (e.g. the first band)."""
        return attrs.evolve(self, required=False, default=default)


@frozen(kw_only=True)
class Section:
    """The keys of one table of a ruleset file; ``path`` is its key path, ``<…>`` for a name."""

    path: str
    label: str
    keys: tuple[Key, ...]

    def __getitem__(self, name: str) -> Key:
        for key in self.keys:
            if key.name == name:
                return key
        raise KeyError(name)

    def __iter__(self) -> Iterator[Key]:
        return iter(self.keys)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    def with_key(self, key: Key) -> Section:
        """This section with ``key`` in place of the key of the same name."""
        return attrs.evolve(self, keys=tuple(key if k.name == key.name else k for k in self.keys))

    def without(self, *names: str) -> tuple[Key, ...]:
        """The keys but those named, in order."""
        return tuple(key for key in self.keys if key.name not in names)


_NONE: Mapping[str, float] = FrozenMap({})


def _cap(what: str) -> Key:
    return Key(name="cap", kind="number", minimum=0, optional=True, label="封顶", help=what)


def _aliases(what: str) -> Key:
    return Key(name="aliases", kind="texts", default=(), label="别名", help=what)


def _factors(what: str) -> Key:
    return Key(name="status_factors", kind="factors", default=_NONE, label="出勤计分系数",
               help=what)


def _id(what: str) -> Key:
    return Key(name="id", kind="id", required=True, label="编号", help=what)


# -- dimensions.<id> -------------------------------------------------------------------------
DIMENSION = Section(path="$.dimensions.<id>", label="计分维度", keys=(
    Key(name="label", kind="text", required=True, label="名称", help="维度的中文名，如 日常表现"),
    _cap("每期封顶（scope = \"year\" 时为全年封顶）"),
    Key(name="base", kind="number", default=0.0, label="基础分", help="每期的基础分"),
    Key(name="carry", kind="number", minimum=0, maximum=1, label="结转",
        help="第二期起基础分 = carry × 上期总分"),
    Key(name="scope", kind="choice", default="period", label="计分范围",
        choices={"period": "每期", "year": "全年计一次"},
        help="period：按期计分并封顶；year：不分期，直接加到年度分"),
    Key(name="floor", kind="number", optional=True, label="保底",
        help="每期（scope = \"year\" 时为全年）该维度不低于此值，如“基础分 20，只扣不加，扣完为止”写 0"),
    Key(name="carry_last_cycle", kind="number", minimum=0, maximum=1, label="上一周期结转",
        help="首期基础分 = carry_last_cycle × 上一周期总分（由一并给出的上一周期记录算出）；"
             "上一周期没有记录的人仍按 base"),
))

# -- activities.<名称> -----------------------------------------------------------------------
ACTIVITY = Section(path="$.activities.<名称>", label="组织生活与活动", keys=(
    _id("台账中的规则名 credit.<id> 等"),
    Key(name="points", kind="number", required=True, label="分值",
        help="出席一次的分值（乘以出勤状态系数）"),
    Key(name="dimension", kind="dimension", default="participation", label="计入维度",
        help="计入哪个维度"),
    _cap("每期封顶"),
    Key(name="absence_points", kind="number", maximum=0, default=0.0, label="缺席扣分",
        help="每次无故缺席扣分（负数）"),
    Key(name="late_points", kind="number", maximum=0, default=0.0, label="迟到扣分",
        help="每次迟到早退扣分（负数）"),
    _factors("覆盖全局的出勤计分系数"),
    Key(name="org_life", kind="bool", default=False, label="属组织生活",
        help="计入“连续缺席月份”的组织生活"),
    _aliases("别名，如 支部大会"),
))

# -- bonuses.<名称>, negatives.<名称> --------------------------------------------------------
_ZERO_OUT = Key(name="zero_out", kind="bool", default=False, label="当年总分为 0",
                help="有此记录者当年总分为 0（受到党纪政务处分）")
_BLOCKS_TOP = Key(name="blocks_top_band", kind="bool", default=False,
                  label="发展对象不得列为最高档", help="发展对象有此记录不得列为最高档")


def _item(path: str, label: str, kind: Literal["bonus", "negative"], dimension: str) -> Section:
    bonus = kind == "bonus"
    return Section(path=path, label=label, keys=(
        _id(f"台账中的规则名 {kind}.<id>"),
        Key(name="points", kind="number", required=True, label="分值",
            minimum=0 if bonus else None, maximum=None if bonus else 0,
            help=f"每条记录的分值（{'≥ 0' if bonus else '≤ 0'}）；zero_out 的事项可不写"),
        Key(name="dimension", kind="dimension", default=dimension, label="计入维度",
            help="计入哪个维度"),
        _cap("每期封顶（扣分按绝对值）"),
        _ZERO_OUT,
        _BLOCKS_TOP,
        _aliases("别名"),
    ))


BONUS = _item("$.bonuses.<名称>", "加分项目", "bonus", "vanguard")
NEGATIVE = _item("$.negatives.<名称>", "负面清单", "negative", "deductions")

# -- categories.<名称> -----------------------------------------------------------------------
CATEGORY = Section(path="$.categories.<名称>", label="党员类别", keys=(
    Key(name="activity_points", kind="table", default=_NONE, label="活动分值",
        help="覆盖活动分值：活动名称 → 每次的分值"),
    Key(name="skip_dimensions", kind="texts", default=(), label="不计维度",
        help="不适用的维度（发展对象无民主评议）"),
    _id("类别代码"),
    Key(name="kind", kind="choice", default="member", label="类型",
        choices={"member": "党员", "candidate": "发展对象/入党积极分子"},
        help="candidate：发展对象、入党积极分子，单独排名"),
    Key(name="probation", kind="bool", default=False, label="预备党员",
        help="预备党员，适用 probation 档次"),
    _factors("覆盖出勤计分系数（流动党员线上计满分）"),
    Key(name="exempt_absence_deductions", kind="bool", default=False,
        label="缺席、迟到不扣分", help="不扣缺席、迟到分"),
    _aliases("别名"),
))

# -- appraisal -------------------------------------------------------------------------------
APPRAISAL = Section(path="$.appraisal", label="民主评议", keys=(
    Key(name="dimension", kind="dimension", required=True, label="计入维度",
        help="评议分计入哪个维度"),
    Key(name="results", kind="table", label="评议结果",
        help="评议结果 → 分值，如 { \"优秀\" = 20, \"合格\" = 15 }；设了 score_weight 时可不写"),
    Key(name="required", kind="bool", default=True, label="必须有评议结果",
        help="整年计分时缺评议结果记为数据问题"),
    Key(name="score_weight", kind="number", minimum=0, maximum=100, label="评议分数折算系数",
        help="评议结果写成分数（如按票数得出的 0–100 分）时，计分 = 分数 × 系数（0.2 即 20%）；"
             "不写则只认 results 中的结果"),
    Key(name="score_max", kind="number", minimum=1, default=100.0, label="评议分数满分",
        help="评议分数应在 0 到此值之间，超出的记为数据问题"),
))

# -- bands of grades, probation, candidates --------------------------------------------------
BAND = Section(path="$.<grades|probation|candidates>.bands[<n>]", label="档次", keys=(
    Key(name="name", kind="text", required=True, label="档次名称", help="档次名称"),
    Key(name="min", kind="number", required=True, label="下限", help="下限（含）：总分 ≥ min 即入该档"),
    Key(name="flag", kind="id", label="复核提示", help="落入该档时的复核提示代码，如 grade_basic"),
))


def _bands(what: str) -> Key:
    return Key(name="bands", kind="bands", required=True, label="档次",
               help=f"{what}，按 min 从高到低排列，最低一档兜底")


GRADES = Section(path="$.grades", label="建议等次", keys=(
    _bands("等次档"),
    Key(name="top", kind="text", label="最高等次", help="受名额限制的等次（默认为第一档）"),
    Key(name="bottom", kind="texts", default=(), label="低等次", help="计入最低比例的等次"),
    Key(name="top_quota", kind="share", label="最高等次名额",
        help="每支部最多 ⌊n × 比例⌋ 人（向下取整）"),
    Key(name="bottom_min_share", kind="share", label="低等次最低比例",
        help="低等次至少占比（洪洞 1/10），只提示不改等次"),
))
PROBATION = Section(path="$.probation", label="预备党员", keys=(
    _bands("预备党员档次：按期转正 / 延长预备期 / 取消预备资格"),))
CANDIDATES = Section(path="$.candidates", label="发展对象择优", keys=(
    _bands("发展对象档次：优先发展 / 重点培养 / 一般"),))

# -- rating: stars or boards, with shares per branch -------------------------------------------
RATING_BAND = Section(path="$.rating.bands[<n>]", label="评星档次", keys=(
    Key(name="name", kind="text", required=True, label="档次名称", help="档次名称，如 ★★★★★ 红榜"),
    Key(name="min", kind="number", required=True, label="下限",
        help="下限（含）：总分 ≥ min 即可入该档（可与上一档相同，只按比例分档）"),
    Key(name="at_most", kind="share", label="最多占比",
        help="每支部该档最多 ⌊n × 比例⌋ 人（向下取整），超出的按总分从低到高移入下一档"),
    Key(name="at_least", kind="share", label="至少占比",
        help="每支部该档及以下至少 ⌈n × 比例⌉ 人，不足时提示上面几档中总分最低的人，只提示不改档"),
    Key(name="flag", kind="id", label="复核提示", help="落入该档时的复核提示代码，如 rating_low"),
))
RATING = Section(path="$.rating", label="评星定级", keys=(
    Key(name="label", kind="text", default="星级", label="名称",
        help="汇总表中这一列的标题，如 星级、上榜"),
    Key(name="bands", kind="bands", required=True, label="档次",
        help="评星档次，按 min 从高到低排列（可相同），最低一档兜底"),
))

# -- flags -----------------------------------------------------------------------------------
FLAGS = Section(path="$.flags", label="复核提示", keys=(
    Key(name="six_month_run", kind="integer", minimum=1, default=6,
        label="连续缺席组织生活（或未交党费）满几个月提示自行脱党审查",
        help="连续缺席月数 → 自行脱党审查"),
    Key(name="escalation_level1", kind="integer", minimum=1, default=2,
        label="连续缺席几个月起为一级（批评教育）", help="连续缺席月数（一级提醒）"),
    Key(name="escalation_level2", kind="integer", minimum=1, default=4,
        label="连续缺席几个月起为二级（限期改正）", help="连续缺席月数（二级提醒）"),
    Key(name="unexcused_absences", kind="integer", minimum=1, default=3,
        label="全年无故缺席几次起提示通报批评", help="全年无故缺席次数 → 通报批评"),
    Key(name="frequent_leave_share", kind="share", default=Fraction(1, 3),
        label="请假超过应参加次数的比例", help="请假占应参加次数的比例"),
    Key(name="frequent_leave_min", kind="integer", minimum=1, default=3,
        label="且请假至少几次", help="且请假至少次数"),
    Key(name="dues_item", kind="text", label="按月记录、连续计算的党费事项",
        help="负面清单中“未按时交纳党费”的名称"),
))

# -- marks -----------------------------------------------------------------------------------
CONVERSIONS = Section(path="$.conversions", label="折合缺席", keys=(
    Key(name="late_per_absence", kind="integer", minimum=1, label="迟到（早退）几次折合一次无故缺席",
        help="全年按日期顺序累计，每满这么多次迟到早退记一次无故缺席（扣该活动的缺席分，计入无故缺席次数）；"
             "不写则不折合"),
    Key(name="leave_per_absence", kind="integer", minimum=1, label="请假几次折合一次无故缺席",
        help="全年按日期顺序累计，每满这么多次请假记一次无故缺席；不写则不折合"),
))

MINIMUM = Section(path="$.minimums.<名称>", label="最低参加次数", keys=(
    _id("台账中的规则名 minimum.<id>"),
    Key(name="activity", kind="text", label="活动", help="哪项活动；不写则任何活动都算"),
    Key(name="categories", kind="texts", default=(), label="适用类别", help="不写则适用于所有类别"),
    Key(name="count", kind="integer", minimum=1, default=1, label="至少参加次数",
        help="每期至少参加（出席、迟到、线上、补学）几次"),
    Key(name="per", kind="choice", default="month", label="每",
        choices={"month": "月", "quarter": "季度", "year": "年"}, help="按月、季度或年计"),
    Key(name="points", kind="number", maximum=0, default=0.0, label="未达到扣分",
        help="每个未达到的月（季度、年）扣分（负数，计入 deductions 维度）；0 表示只提示"),
    Key(name="flag", kind="bool", default=True, label="提示", help="未达到时提示 missed_minimum"),
    Key(name="unrecorded", kind="choice", default="skip", label="没有该活动记录的月份",
        choices={"skip": "不计（当月未开展）", "missed": "算未达到"},
        help="skip：当期没有该活动的任何记录（未开展）不算未达到；missed：也算未达到（只记参加的台账）"),
))

SCORE_BAND = Section(path="$.<quiz|study>.bands[<n>]", label="分数段", keys=(
    Key(name="min", kind="number", required=True, label="下限", help="下限（含）：得分 ≥ min 即入该段"),
    Key(name="points", kind="number", required=True, label="加分", help="该段每条记录的加分"),
))


def _scores(path: str, label: str, what: str) -> Section:
    return Section(path=path, label=label, keys=(
        Key(name="dimension", kind="dimension", default="vanguard", label="计入维度", help="计入哪个维度"),
        Key(name="bands", kind="bands", label="分数段",
            help=f"{what}的分数段，如 [{{ min = 90, points = 1.5 }}, {{ min = 80, points = 1 }}]；"
                 "入最高的一段，低于最低一段不加分"),
        Key(name="per", kind="number", minimum=0, optional=True, label="每多少分",
            help=f"不用分数段时：{what}每满 per 分加 points 分"),
        Key(name="points", kind="number", default=0.0, label="每满 per 分加分", help="与 per 一起用"),
        _cap("每期封顶"),
        Key(name="year_cap", kind="number", minimum=0, optional=True, label="全年封顶",
            help="全年封顶（按月、季度计分时另设的年度上限）"),
    ))


QUIZ = _scores("$.quiz", "以考促学", "每次考试的得分")
STUDY = _scores("$.study", "学习强国积分", "每月（或全年）的学习积分")

MARKS = Section(path="$.marks", label="签到标记", keys=(
    Key(name="blank", kind="choice", default="absent", label="空白单元格",
        choices={"absent": "按缺席计", "ignore": "不计"}, help="空白单元格按缺席计，或不计"),
    *(Key(name=status, kind="texts", default=(), label=STATUS_LABELS[status],
          help=f"表示“{STATUS_LABELS[status]}”的签到符号") for status in EFFECTIVE),
))

def _table(name: str, section: Section, what: str, *, required: bool = False) -> Key:
    return Key(name=name, kind="table", required=required, label=section.label, help=what)


# -- top level -------------------------------------------------------------------------------
TOP = Section(path="$", label="基本设置", keys=(
    Key(name="name", kind="text", required=True, label="规则名称", help="规则名（英文），如 dujiangyan"),
    Key(name="title", kind="text", required=True, label="标题", help="中文标题"),
    Key(name="description", kind="text", default="", label="说明", help="说明"),
    Key(name="period", kind="choice", default="year", label="计分周期",
        choices={"year": "年", "quarter": "季度", "month": "月"},
        help="计分周期：封顶、基础分、保底按周期计"),
    Key(name="aggregate", kind="choice", default="sum", label="年度合成方式",
        choices={"sum": "各期相加", "mean": "各期平均", "last": "取最后一期"},
        help="各周期如何合成年度分"),
    Key(name="cycle_start", kind="text", default="01-01", label="考核周期起始",
        help="考核周期从哪个月的 1 日开始，写 \"MM-01\"：\"07-01\" 为 7 月至次年 6 月，"
             "年度 2024 指 2024 年结束的周期（2023-07-01 至 2024-06-30）"),
    Key(name="floor", kind="number", optional=True, default=0.0, label="总分保底",
        help="总分下限（每期及全年）；写 \"\" 表示不设"),
    Key(name="total_cap", kind="number", minimum=0, optional=True, label="总分封顶",
        help="年度总分上限"),
    Key(name="default_category", kind="text", required=True, label="默认党员类别",
        help="名册未写或写错类别时使用的类别"),
    Key(name="status_factors", kind="factors", required=True, label="出勤计分系数",
        help="各出勤状态的计分系数，六个状态都要写"),
    _table("dimensions", DIMENSION, "计分维度", required=True),
    _table("activities", ACTIVITY, "组织生活活动"),
    _table("bonuses", BONUS, "先锋示范加分事项"),
    _table("negatives", NEGATIVE, "负面清单扣分事项"),
    _table("categories", CATEGORY, "党员类别", required=True),
    _table("appraisal", APPRAISAL, "民主评议结果 → 分值"),
    _table("grades", GRADES, "建议等次"),
    _table("probation", PROBATION, "预备党员档次"),
    _table("candidates", CANDIDATES, "发展对象档次"),
    _table("flags", FLAGS, "复核提示阈值"),
    _table("conversions", CONVERSIONS, "迟到、请假折合无故缺席"),
    _table("minimums", MINIMUM, "最低参加次数（每月至少参加一次主题党日）"),
    _table("quiz", QUIZ, "以考促学：考试得分 → 加分"),
    _table("study", STUDY, "学习强国学习积分 → 加分"),
    _table("marks", MARKS, "签到符号"),
    _table("rating", RATING, "评星定级（星级、红黄白榜），可设每档占比"),
))

#: Every section, top level first.
SECTIONS: tuple[Section, ...] = (TOP, DIMENSION, ACTIVITY, BONUS, NEGATIVE, CATEGORY, APPRAISAL,
                                 GRADES, PROBATION, CANDIDATES, BAND, FLAGS, CONVERSIONS, MARKS,
                                 RATING, RATING_BAND, MINIMUM, QUIZ, STUDY, SCORE_BAND)
