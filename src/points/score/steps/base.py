"""The shape every scoring step shares."""

from __future__ import annotations

import weakref
from collections.abc import Callable

import attrs
import numpy as np
import pandas as pd

from ...rules.model import Ruleset
from ...vocab.frames import positions
from ..calendar import Calendar
from ..ledger import empty_rows
from ..members import Timeline

__all__ = ["Produced", "Scoring", "Step"]


@attrs.frozen(kw_only=True)
class Produced:
    """What a step adds: ledger rows and data issues."""

    rows: pd.DataFrame = attrs.field(factory=empty_rows)
    issues: tuple[pd.DataFrame, ...] = ()


@attrs.frozen(kw_only=True)
class Scoring:
    """What a step reads: the rules, the period, the members, the records and the rows so far.

    ``members``: every roster member with category facts and window (``in_scope`` marks
    those with a window in the period); ``events``: validated attendance events (with
    ``category_index``); ``logs``: validated ``bonus`` and ``negative`` records with their item
    facts; ``appraisals``: the 民主评议 records as given; ``blocks``: the ledger rows of the
    steps before, one frame per step; ``scores``: the validated exam scores and study points
    (``quizzes``, ``study``) when the ruleset scores them.
    """

    ruleset: Ruleset
    calendar: Calendar
    members: pd.DataFrame
    events: pd.DataFrame
    logs: dict[str, pd.DataFrame]
    appraisals: pd.DataFrame
    blocks: tuple[pd.DataFrame, ...] = ()
    scores: dict[str, pd.DataFrame] = attrs.field(factory=dict)
    #: Each member's total of the previous cycle (those with records in it), by ``member_id``,
    #: when a dimension carries it forward (``carry_last_cycle``).
    previous: pd.Series | None = None
    #: When members changed category during the period (None: nobody did, or not known).
    timeline: Timeline | None = None
    #: Each block's sums per member, worked out once for all the steps that read the running
    #: totals (block id → the block, weakly, its distinct ids and their sums); shared by the
    #: states evolved from this one, never compared or shown.
    _block_sums: dict[int, tuple[weakref.ref[pd.DataFrame], pd.Series, np.ndarray]] = \
        attrs.field(factory=dict, eq=False, repr=False, alias="block_sums")

    @property
    def scope(self) -> pd.DataFrame:
        """The members with a window in the period, indexed by ``member_id``."""
        return self.members[self.members["in_scope"]].set_index("member_id")

    def rows(self) -> pd.DataFrame:
        """The ledger rows so far, in one table."""
        frames = [b for b in self.blocks if len(b)]
        return pd.concat(frames, ignore_index=True) if frames else empty_rows()

    def running_totals(self) -> pd.Series:
        """Each in-scope member's total so far (the sum of their rows), by ``member_id``."""
        scope = self.scope.index
        total = np.zeros(len(scope))
        for block in self.blocks:  # each block summed per member, then added
            if len(block):
                ids, sums = self._sums_of(block)
                at = positions(ids, scope)
                total[at[at >= 0]] += sums[at >= 0]
        return pd.Series(total, index=scope)

    def _sums_of(self, block: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
        """The member ids of ``block`` and the sum of each one's points (once a block)."""
        known = self._block_sums.get(id(block))
        if known is not None and known[0]() is block:
            return known[1], known[2]
        # grouped by the ids' sorted codes, as a groupby on the ids would be (whether pandas
        # adds the groups with reduceat or compensated sums depends on it)
        code, uniques = pd.factorize(block["member_id"], sort=True)
        points, known_ids = block["points"].to_numpy(), code >= 0  # no member (-1): no one's
        sums = pd.Series(points[known_ids]).groupby(code[known_ids]).sum()
        ids = pd.Series(uniques).take(sums.index.to_numpy()).reset_index(drop=True)
        self._block_sums[id(block)] = (weakref.ref(block), ids, sums.to_numpy())
        return ids, sums.to_numpy()

    def last_period(self) -> pd.Series:
        """Each in-scope member's last scoring period in their window."""
        return self.calendar.period_of(self.scope["window_end"])


Step = Callable[[Scoring], Produced]
