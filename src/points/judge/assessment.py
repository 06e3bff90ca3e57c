"""The tables of an assessment: what :func:`points.assess` returns, as data.

:class:`points.Assessment` adds the writer methods (``to_excel``, ``to_excel_per_branch``) to
these tables; everything below the report stage works on :class:`AssessmentTables`.
"""

from __future__ import annotations

import attrs
import pandas as pd

from ..rules.model import Ruleset
from ..score.calendar import Calendar, cycle_month
from ..score.ledger import ADJUSTMENT

__all__ = ["AssessmentTables"]


@attrs.frozen(kw_only=True)
class AssessmentTables:
    """The result of :func:`points.assess`: DataFrames, deterministic for the same inputs.

    - ``ledger``: one row per credit, deduction or adjustment (``member_id, date, period,
      dimension, rule, item, status, points, source``); a member's total is the sum of theirs.
      ``dimension`` and ``rule`` are categoricals whose categories the ruleset fixes
      (:mod:`points.score.dtypes`); the other text columns are ``string``.
    - ``totals``: one row per assessed member: each dimension's points (NaN where the dimension
      does not apply to the category), ``adjustment`` (floors, aggregation, caps on the total)
      and ``total``.
    - ``monthly``: one row per member and month of their window: points per dimension, the
      month's ``total`` and the ``cumulative`` total.
    - ``issues``: data issues (``code, message, source, member_id``).
    - ``members``: the roster as assessed (category resolved, window in the year).
    - ``events``: the attendance events that were scored, as recorded (status resolved);
      ``activity`` (the ruleset's name), ``activity_id`` and ``status`` are categoricals.
    - ``logs``: the bonus and negative-list records that were scored (``kind`` tells which).
    - ``rankings``: one row per assessed person: ranks in branch, category and overall
      (members and candidates apart), suggested grade with the 优秀 quota, probation and
      candidate bands (see :mod:`points.judge.ranking`).
    - ``flags``: review flags, one row per member and code, with label, evidence (text with
      source addresses) and suggested action (see :data:`points.FLAG_CODES`).
    - ``evidence``: one row per record behind a flag (``member_id, code, month, date, record,
      status, detail, source``).
    - ``candidates``: the development candidates' merit list (:func:`points.select_candidates`
      with no limit).
    - ``files``: the input files as ``(path, SHA-256)`` pairs (see ``Records.files``).
    """

    ruleset: Ruleset
    year: int
    as_of: pd.Timestamp | None
    members: pd.DataFrame
    ledger: pd.DataFrame
    totals: pd.DataFrame
    monthly: pd.DataFrame
    issues: pd.DataFrame
    events: pd.DataFrame
    logs: pd.DataFrame
    rankings: pd.DataFrame
    flags: pd.DataFrame
    evidence: pd.DataFrame
    candidates: pd.DataFrame
    files: tuple[tuple[str, str], ...] = ()

    @property
    def dimension_labels(self) -> dict[str, str]:
        """Column → Chinese label for the dimension columns of ``totals`` and ``monthly``."""
        labels = {d.id: d.label for d in self.ruleset.dimensions}
        labels[ADJUSTMENT] = "调整"
        labels["total"] = "总积分"
        return labels

    @property
    def calendar(self) -> Calendar:
        """The period scored (the year or cycle, up to the as-of date)."""
        return Calendar(self.year, self.as_of, self.ruleset.period,
                        cycle_month(self.ruleset.cycle_start))

    @property
    def period_text(self) -> str:
        """The period in words: ``2024年度`` or ``2024年（截至2024-06-30）``; with a cycle off
        the calendar year ``2024年度（2023-07-01至2024-06-30）`` or
        ``2024年度（2023-07-01起，截至2023-12-31）``."""
        cal = self.calendar
        if cal.first_month == 1:
            if self.as_of is None:
                return f"{self.year}年度"
            return f"{self.year}年（截至{self.as_of:%Y-%m-%d}）"
        end = f"起，截至{self.as_of:%Y-%m-%d}" if self.as_of is not None else f"至{cal.year_end:%Y-%m-%d}"
        return f"{self.year}年度（{cal.start:%Y-%m-%d}{end}）"
