"""Execution backends: where the per-member half of an assessment runs.

The stages say *what* is computed (:func:`points.score.score_members` on any partition of the
members, :func:`points.judge.judge` once on all of them); a backend says *where*:

- :mod:`.local` — in this process, all members at once (the default);
- :mod:`.dask` — partitioned by branch over a Dask cluster (``distributed.Client``); the
  partitions' scores are gathered and combined (:mod:`.partition`) before the one judgement.

Both give the same tables, row for row. A new backend (another cluster engine) is one more
module here that scores the partitions of :func:`.partition.partition_records` and returns
:func:`.partition.combine_scores` of them.
"""

from __future__ import annotations

from typing import Any

from ..records import Records
from ..rules.model import Ruleset
from ..score import Calendar, MemberScores
from ..vocab.progress import Progress
from .local import score_local

__all__ = ["score_on"]


def score_on(records: Records, ruleset: Ruleset, calendar: Calendar, *, client: Any = None,
             progress: Progress | None = None) -> MemberScores:
    """Every member of ``records`` scored, here (``client`` None) or over the Dask cluster
    of ``client`` (a ``distributed.Client``)."""
    if client is None:
        return score_local(records, ruleset, calendar, progress)
    from .dask import score_dask  # only when asked for: dask is an optional dependency

    return score_dask(records, ruleset, calendar, client, progress=progress)
