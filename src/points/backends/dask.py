"""The Dask backend: members scored partitioned by branch over a ``distributed`` cluster.

The records are split into whole-branch partitions (:func:`.partition.partition_records`:
at least four per worker thread, so that a slow partition does not hold the others up, and at
most :data:`PARTITION_RECORDS` records each, so that a worker's memory does not grow with the
province); each partition is sent to the cluster once (``Client.scatter``) and scored by
:func:`points.score.score_members`; the results come back as they finish and are combined in
partition order (:func:`.partition.combine_scores`), so the outcome is the same as one run
here whatever the cluster's size or speed. Every worker needs ``points`` (and its
dependencies) installed, the same version (checked before scoring): only records, the
ruleset and the calendar travel, never files.
"""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ..records import Records
from ..rules.model import Ruleset
from ..score import Calendar, MemberScores, score_members
from ..vocab.errors import PointsError
from ..vocab.progress import Progress, tell
from .partition import RECORD_TABLES, combine_scores, partition_records

__all__ = ["PARTITION_RECORDS", "PER_THREAD", "ClusterError", "score_dask"]

class ClusterError(PointsError):
    """The cluster cannot score: no workers, or workers without this version of points."""


#: Partitions per worker thread of the cluster (at least).
PER_THREAD = 4
#: Records per partition (at most, short of splitting a branch): a worker's memory follows its
#: partitions, not the province.
PARTITION_RECORDS = 250_000


def _version() -> str:
    """The version of ``points`` a worker runs (called on every worker)."""
    return __version__


def _check_workers(client: Any) -> None:
    """Every worker must run this version of ``points``: another would score differently."""
    try:
        versions = client.run(_version)
    except Exception as error:  # a worker without points cannot even unpickle the call
        raise ClusterError(f"集群的工作进程无法运行 points（{type(error).__name__}）；"
                           "请在每台工作机器上安装同一版本的 points") from None
    if not versions:
        raise ClusterError("集群中没有工作进程；请先启动 dask worker")
    other = sorted({v for v in versions.values() if v != __version__})
    if other:
        raise ClusterError(f"集群的工作进程上是 points {'、'.join(other)}，本机是 {__version__}；"
                           "请在每台工作机器上安装同一版本")


def _partitions(client: Any, records: Records, parts: int | None) -> int:
    if parts is not None:
        return parts
    threads = sum(client.nthreads().values()) or 1
    size = sum(len(getattr(records, name)) for name in RECORD_TABLES)
    return max(PER_THREAD * threads, -(-size // PARTITION_RECORDS))


def score_dask(records: Records, ruleset: Ruleset, calendar: Calendar, client: Any, *,
               progress: Progress | None = None, parts: int | None = None) -> MemberScores:
    """:func:`points.score.score_members` over the cluster of ``client`` (a
    ``distributed.Client``), in ``parts`` partitions (default: :data:`PER_THREAD` per worker
    thread), combined as one run would have made them."""
    from distributed import Client, as_completed

    if not isinstance(client, Client):
        raise TypeError(f"client: expected distributed.Client, got {type(client).__name__}")
    _check_workers(client)
    partitions = partition_records(records, _partitions(client, records, parts))
    sizes = [int(p.roster["branch"].nunique()) for p in partitions]
    tell(progress, "score", 0, sum(sizes))
    data = client.scatter(partitions)
    futures = [client.submit(score_members, part, ruleset, calendar, pure=False)
               for part in data]
    number = {future.key: k for k, future in enumerate(futures)}
    results: list[MemberScores | None] = [None] * len(futures)
    done = 0
    for future in as_completed(futures):
        k = number[future.key]
        results[k] = future.result()
        done += sizes[k]
        tell(progress, "score", done, sum(sizes))
    client.cancel(futures + data)
    return combine_scores(records, [r for r in results if r is not None])
