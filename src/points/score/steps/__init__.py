"""Scoring as a list of steps of one shape: each kind of rule is one module here.

A step takes a :class:`Scoring` — the ruleset, the calendar, the members, the validated
records and the ledger rows made by the steps before it — and returns the ledger rows it adds
and the data issues it finds (:class:`Produced`). :data:`STEPS` runs in order; a member's
total is the plain sum of their rows after the last step. Adding a kind of rule is a field in
the ruleset model and a module here, listed in :data:`STEPS`.
"""

from __future__ import annotations

from . import (
    appraisal,
    attendance,
    conversions,
    items,
    minimums,
    periods,
    scores,
    totals,
    year_dimensions,
)
from .base import Produced, Scoring, Step

__all__ = ["STEPS", "Produced", "Scoring", "Step"]

#: The steps in the order they run (the order of the ledger's blocks).
STEPS: tuple[Step, ...] = (
    attendance.step,        # credits and absence / late deductions, with activity caps
    conversions.step,       # N late arrivals or leaves = one unexcused absence
    minimums.step,          # a month (quarter, year) below a minimum frequency deducts
    items.step,             # 先锋示范 and 负面清单 items, with item caps
    scores.step,            # exam scores and study points (以考促学, 学习强国), with their caps
    appraisal.step,         # 民主评议 results
    periods.step,           # per period: bases, carry-forward, dimension caps, floor; aggregation
    year_dimensions.step,   # dimensions counted once a year: base and cap
    totals.zero_out,        # 受到党纪政务处分: the year's total becomes 0
    totals.floor,           # the total never below the floor
    totals.total_cap,       # the total never above the cap
)
