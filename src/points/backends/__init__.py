"""Execution backends: where the per-member half of an assessment runs.

The stages say *what* is computed (:func:`points.score.score_members` on any partition of the
members, :func:`points.judge.judge` once on all of them); a backend says *where*:

- :mod:`.local` — in this process, all members at once;
- :mod:`.cores` — this machine's cores (the default): parts of whole branches scored side by
  side, one here and the others in forked worker processes, combined (:mod:`.partition`);
  few records are scored here at once (:mod:`.local`), more than one process's share in
  rounds (with one usable core too);
- :mod:`.dask` — partitioned by branch over a Dask cluster (``distributed.Client``); the
  partitions' scores are gathered and combined (:mod:`.partition`) before the one judgement.

All give the same tables, row for row. With a cache folder, :mod:`.cache` keeps each chunk of
branches' scores and scores only the chunks whose records changed, on either backend. A new
backend (another cluster engine) is one more module here that scores the partitions of
:func:`.partition.partition_records` and returns :func:`.partition.combine_scores` of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..records import Records
from ..rules.model import Ruleset
from ..score import Calendar, MemberScores
from ..vocab.progress import Progress
from ..vocab.store import cache_folder
from .cache import score_cached
from .cores import After, core_parts, part_count, score_combined, score_cores

__all__ = ["score_on"]


def score_on(records: Records, ruleset: Ruleset, calendar: Calendar, *, client: Any = None,
             progress: Progress | None = None, cache: str | Path | None = None,
             workers: int | None = None) -> MemberScores:
    """Every member of ``records`` scored, here (``client`` None: on ``workers`` processes,
    see :func:`.cores.core_parts`) or over the Dask cluster of ``client`` (a
    ``distributed.Client``). ``cache``: a cache folder (:mod:`.cache`): the chunks of
    branches whose records, ruleset and period are unchanged since a run that kept them are
    loaded, the others scored (here or on the cluster) and kept; a folder that cannot be used
    raises :class:`~points.ArgumentError`, as reading does."""
    processes = core_parts(records, workers)  # (``workers`` checked even with a cluster)

    def score(part: Records, told: Progress | None = None) -> MemberScores:
        if client is None:
            return score_cores(part, ruleset, calendar, core_parts(part, workers), told)
        from .dask import score_dask  # only when asked for: dask is an optional dependency

        return score_dask(part, ruleset, calendar, client, progress=told)

    def parts(part: Records, roster_part: np.ndarray, n: int, rows: dict[str, np.ndarray],
              after: After) -> MemberScores:
        return score_combined(part, ruleset, calendar, roster_part, n, rows=rows, after=after,
                              progress=progress, processes=min(processes, n))

    folder = cache_folder(cache)
    if folder is None:
        return score(records, progress)
    n = part_count(records, processes)  # (one process too: in rounds past its share)
    local = client is None and n > 1
    return score_cached(records, ruleset, calendar, folder, score, progress,
                        in_parts=parts if local else None, shares=[1.0] * n if local else None)
