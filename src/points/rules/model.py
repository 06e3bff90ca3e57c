"""The ruleset model: frozen, keyword-only attrs classes.

A :class:`Ruleset` is plain data. It is normally loaded from a TOML file by
:func:`points.load_ruleset`, which reports every problem of the file with its key path; the
validators here guard direct construction from Python and name the field, the expectation and
the value.

Points are signed: credits and bonuses are positive, deductions negative. Caps bound a sum
from above and are given as positive numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Literal

import attrs
from attrs import field, frozen

from ..vocab.frozen import FrozenMap
from ..vocab.statuses import STATUSES
from ..vocab.text import normalize_name

__all__ = [
    "Activity",
    "Appraisal",
    "Band",
    "Category",
    "Conversions",
    "Dimension",
    "FlagRules",
    "Grades",
    "Item",
    "Marks",
    "Minimum",
    "Rating",
    "RatingBand",
    "Ruleset",
    "ScoreBand",
    "ScoreRule",
]


Period = Literal["year", "quarter", "month"]
Aggregate = Literal["sum", "mean", "last"]


def _frozen_map(value: Mapping[Any, Any] | None) -> Mapping[Any, Any]:
    return FrozenMap(dict(value or {}))


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


def _is_number(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{attribute.name}: expected a number, got {value!r}")


def _optional_positive(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    _is_number(inst, attribute, value)
    if value < 0:  # type: ignore[operator]
        raise ValueError(f"{attribute.name}: expected a number ≥ 0 or nothing, got {value!r}")


def _not_positive(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _is_number(inst, attribute, value)
    if value > 0:  # type: ignore[operator]
        raise ValueError(f"{attribute.name}: expected a number ≤ 0 (a deduction), got {value!r}")


def _status_factors(inst: object, attribute: attrs.Attribute[Any], value: Mapping[str, Any]) -> None:
    for key, factor in value.items():
        if key not in STATUSES:
            raise ValueError(f"{attribute.name}: unknown status {key!r}; expected one of {STATUSES}")
        if isinstance(factor, bool) or not isinstance(factor, int | float) or factor < 0:
            raise ValueError(f"{attribute.name}.{key}: expected a number ≥ 0, got {factor!r}")


_str = attrs.validators.instance_of(str)


@frozen(kw_only=True)
class Activity:
    """An organisational-life activity whose attendance earns credit (and may cost points)."""

    name: str = field(validator=_str)
    id: str = field(validator=_str)
    points: float = field(validator=_is_number)
    dimension: str = field(default="participation", validator=_str)
    cap: float | None = field(default=None, validator=_optional_positive)
    absence_points: float = field(default=0.0, validator=_not_positive)
    late_points: float = field(default=0.0, validator=_not_positive)
    status_factors: Mapping[str, float] = field(
        default=FrozenMap({}), converter=_frozen_map, validator=_status_factors
    )
    org_life: bool = field(default=False, validator=attrs.validators.instance_of(bool))
    aliases: tuple[str, ...] = field(default=(), converter=_tuple)


@frozen(kw_only=True)
class Dimension:
    """A part of the total (日常表现, 民主评议, 先锋示范, 扣分, 基础分 …)."""

    id: str = field(validator=_str)
    label: str = field(validator=_str)
    cap: float | None = field(default=None, validator=_optional_positive)
    base: float = field(default=0.0, validator=_is_number)
    #: When set, the base of every period after the first is ``carry`` × the previous period's total.
    carry: float | None = field(default=None, validator=_optional_positive)
    #: ``period``: summed and capped per scoring period; ``year``: added once to the year's total.
    scope: Literal["period", "year"] = field(
        default="period", validator=attrs.validators.in_(("period", "year"))
    )
    #: The dimension's value never goes below this (per period; per year when ``scope = "year"``).
    floor: float | None = field(default=None)
    #: When set, the base of a member's first period is this × their total of the previous
    #: cycle, scored from the records of that cycle (members without any keep ``base``).
    carry_last_cycle: float | None = field(default=None, validator=_optional_positive)


@frozen(kw_only=True)
class Item:
    """A log item: a bonus (先锋示范) or an entry of the negative list (负面清单)."""

    name: str = field(validator=_str)
    id: str = field(validator=_str)
    kind: Literal["bonus", "negative"] = field(validator=attrs.validators.in_(("bonus", "negative")))
    points: float = field(default=0.0, validator=_is_number)
    dimension: str = field(validator=_str)
    #: Bound on the sum of this item's points per period (absolute value for deductions).
    cap: float | None = field(default=None, validator=_optional_positive)
    #: The year's total becomes 0 (受到党纪政务处分).
    zero_out: bool = field(default=False, validator=attrs.validators.instance_of(bool))
    #: A development candidate with such a record cannot reach the top candidate band.
    blocks_top_band: bool = field(default=False, validator=attrs.validators.instance_of(bool))
    aliases: tuple[str, ...] = field(default=(), converter=_tuple)


@frozen(kw_only=True)
class Category:
    """A member category (党员类别) and how its rules differ from the default."""

    name: str = field(validator=_str)
    id: str = field(validator=_str)
    kind: Literal["member", "candidate"] = field(
        default="member", validator=attrs.validators.in_(("member", "candidate"))
    )
    probation: bool = field(default=False, validator=attrs.validators.instance_of(bool))
    status_factors: Mapping[str, float] = field(
        default=FrozenMap({}), converter=_frozen_map, validator=_status_factors
    )
    #: Points per attendance that replace the activity's own, by activity name.
    activity_points: Mapping[str, float] = field(default=FrozenMap({}), converter=_frozen_map)
    exempt_absence_deductions: bool = field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    #: Dimensions that do not apply to this category (their rows are not created).
    skip_dimensions: tuple[str, ...] = field(default=(), converter=_tuple)
    aliases: tuple[str, ...] = field(default=(), converter=_tuple)


@frozen(kw_only=True)
class Band:
    """A named band of totals: ``min`` ≤ total (the highest matching band wins)."""

    name: str = field(validator=_str)
    min: float = field(validator=_is_number)
    flag: str | None = field(default=None)


@frozen(kw_only=True)
class Grades:
    """Suggested 民主评议 grades by bands, with the per-branch quota for the top grade."""

    bands: tuple[Band, ...] = field(converter=_tuple)
    top: str = field(validator=_str)
    #: At most ⌊n × top_quota⌋ of a branch's graded members keep the top grade (None: no quota).
    top_quota: Fraction | None = field(default=None)
    #: Grades that count as "low" for ``bottom_min_share`` (洪洞: 基本合格 and 不合格).
    bottom: tuple[str, ...] = field(default=(), converter=_tuple)
    #: At least this share of a branch should be in ``bottom``; the lowest are flagged, never regraded.
    bottom_min_share: Fraction | None = field(default=None)


@frozen(kw_only=True)
class Appraisal:
    """How a 民主评议 result becomes points."""

    dimension: str = field(validator=_str)
    results: Mapping[str, float] = field(converter=_frozen_map)
    #: Raise ``appraisal_missing`` for members without a result when the whole year is scored.
    required: bool = field(default=True, validator=attrs.validators.instance_of(bool))
    #: A result given as a score (0 … ``score_max``) earns score × ``score_weight`` (None: only
    #: the words of ``results`` are known).
    score_weight: float | None = field(default=None, validator=_optional_positive)
    score_max: float = field(default=100.0, validator=_is_number)


@frozen(kw_only=True)
class FlagRules:
    """Thresholds of the review flags."""

    six_month_run: int = 6
    escalation_level1: int = 2
    escalation_level2: int = 4
    unexcused_absences: int = 3
    frequent_leave_share: Fraction = Fraction(1, 3)
    frequent_leave_min: int = 3
    #: The negative-list item whose monthly records make the dues run (未按时交纳党费), by id.
    dues_item: str | None = None


@frozen(kw_only=True)
class Conversions:
    """Late arrivals and leaves that add up to an unexcused absence (None: no conversion)."""

    #: Every this many late arrivals (迟到、早退) in the period make one unexcused absence.
    late_per_absence: int | None = None
    #: Every this many leaves (请假) in the period make one unexcused absence.
    leave_per_absence: int | None = None


@frozen(kw_only=True)
class Minimum:
    """A minimum frequency (每月至少参加一次主题党日): the members of ``categories`` (all when
    empty) attend ``activity`` (any activity when None) at least ``count`` times each month,
    quarter or year; a period that falls short deducts ``points`` and/or raises a flag."""

    name: str = field(validator=_str)
    id: str = field(validator=_str)
    activity: str | None = None
    categories: tuple[str, ...] = field(default=(), converter=_tuple)
    count: int = 1
    per: Literal["month", "quarter", "year"] = field(
        default="month", validator=attrs.validators.in_(("month", "quarter", "year")))
    #: Deducted for each period that falls short (≤ 0: a minimum never credits).
    points: float = field(default=0.0, validator=_not_positive)
    #: Raise ``missed_minimum`` with the periods as evidence.
    flag: bool = field(default=True, validator=attrs.validators.instance_of(bool))
    #: ``skip``: a period with no record of the activity (none was held) is not judged;
    #: ``missed``: it falls short too (records are kept only of what was attended).
    unrecorded: Literal["skip", "missed"] = field(
        default="skip", validator=attrs.validators.in_(("skip", "missed")))


@frozen(kw_only=True)
class ScoreBand:
    """A band of exam scores or study points: ``min`` ≤ score earns ``points``."""

    min: float = field(validator=_is_number)
    points: float = field(validator=_is_number)


@frozen(kw_only=True)
class ScoreRule:
    """How exam scores (``[quiz]``, 以考促学) or study-platform points (``[study]``, 学习强国)
    become credits: by ``bands`` (the highest band whose ``min`` the score reaches), or
    ``points`` for every ``per`` of the score; at most ``cap`` per scoring period."""

    kind: Literal["quiz", "study"] = field(validator=attrs.validators.in_(("quiz", "study")))
    dimension: str = field(default="vanguard", validator=_str)
    bands: tuple[ScoreBand, ...] = field(default=(), converter=_tuple)
    per: float | None = field(default=None, validator=_optional_positive)
    points: float = field(default=0.0, validator=_is_number)
    cap: float | None = field(default=None, validator=_optional_positive)
    #: At most this much in the whole year (cycle), when the periods are months or quarters.
    year_cap: float | None = field(default=None, validator=_optional_positive)


@frozen(kw_only=True)
class Marks:
    """The mark vocabulary: normalised mark → canonical status, and the blank-cell policy."""

    vocabulary: Mapping[str, str] = field(converter=_frozen_map)
    blank: Literal["absent", "ignore"] = field(
        default="absent", validator=attrs.validators.in_(("absent", "ignore"))
    )


@frozen(kw_only=True)
class RatingBand:
    """A band of a rating (★5, 红榜 …): ``min`` ≤ total, with shares of each branch's members."""

    name: str = field(validator=_str)
    min: float = field(validator=_is_number)
    flag: str | None = field(default=None)
    #: At most ⌊n × at_most⌋ of a branch's members in this band; the rest move one band down.
    at_most: Fraction | None = field(default=None)
    #: At least ⌈n × at_least⌉ in this band or below; when short, the lowest above are flagged.
    at_least: Fraction | None = field(default=None)


@frozen(kw_only=True)
class Rating:
    """Stars or boards by total (评星定级), beside the grades, with shares per branch."""

    label: str = field(default="星级", validator=_str)
    bands: tuple[RatingBand, ...] = field(converter=_tuple)


@frozen(kw_only=True)
class Ruleset:
    """A complete set of rules: what earns and costs points, and how totals are judged."""

    name: str = field(validator=_str)
    title: str = field(validator=_str)
    description: str = ""
    period: Period = field(default="year", validator=attrs.validators.in_(("year", "quarter", "month")))
    aggregate: Aggregate = field(default="sum", validator=attrs.validators.in_(("sum", "mean", "last")))
    floor: float | None = 0.0
    total_cap: float | None = None
    status_factors: Mapping[str, float] = field(converter=_frozen_map, validator=_status_factors)
    dimensions: tuple[Dimension, ...] = field(converter=_tuple)
    activities: tuple[Activity, ...] = field(converter=_tuple)
    bonuses: tuple[Item, ...] = field(default=(), converter=_tuple)
    negatives: tuple[Item, ...] = field(default=(), converter=_tuple)
    categories: tuple[Category, ...] = field(converter=_tuple)
    default_category: str = field(validator=_str)
    appraisal: Appraisal | None = None
    grades: Grades | None = None
    probation: tuple[Band, ...] = field(default=(), converter=_tuple)
    candidate_bands: tuple[Band, ...] = field(default=(), converter=_tuple)
    flags: FlagRules = field(factory=FlagRules)
    conversions: Conversions = field(factory=Conversions)
    minimums: tuple[Minimum, ...] = field(default=(), converter=_tuple)
    quiz: ScoreRule | None = None
    study: ScoreRule | None = None
    #: The first day of the assessment cycle, ``MM-01`` (``"07-01"``: July to June).
    cycle_start: str = field(default="01-01", validator=attrs.validators.matches_re(
        r"(0[1-9]|1[0-2])-01"))
    marks: Marks = field(factory=lambda: Marks(vocabulary={}))
    rating: Rating | None = None
    #: SHA-256 of the file the ruleset was loaded from ("" when built in Python).
    sha256: str = ""

    # -- lookups -------------------------------------------------------------------------
    def activity_names(self) -> dict[str, str]:
        """Normalised name or alias → activity name."""
        return _names(self.activities)

    def item_names(self, kind: Literal["bonus", "negative"]) -> dict[str, str]:
        """Normalised name or alias → item name, for the bonus or the negative list."""
        return _names(self.bonuses if kind == "bonus" else self.negatives)

    def category_names(self) -> dict[str, str]:
        """Normalised name or alias → category name."""
        return _names(self.categories)


def _names(things: tuple[Activity, ...] | tuple[Item, ...] | tuple[Category, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for thing in things:
        for alias in (thing.name, *thing.aliases):
            out[normalize_name(alias)] = thing.name
    return out
