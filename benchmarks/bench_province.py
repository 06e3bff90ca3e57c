"""Benchmark: a synthetic province scored on a Dask cluster (#14 item 4).

    python benchmarks/bench_province.py [--scale 0.125 0.25 0.5 1] [--workers 2] [--data DIR]
                                        [--scheduler tcp://HOST:PORT] [--no-plain]

A province is cities of benchmarks/city.py (1 = 125,000 members in 2,000 branch workbooks,
about 5 M attendance records; generated once into ``--data`` and reused). For each scale the
workbooks are read once (with the scan cache beside them, so a re-run does not scan again),
then scored:

- ``plain``: ``points.assess(records)`` in this process (skipped with ``--no-plain``);
- ``dask``: ``points.assess(records, client=...)`` on a fresh ``LocalCluster`` of ``--workers``
  worker processes (one thread each), or on the scheduler given with ``--scheduler``.

Printed per scale (one JSON line): members, records, partitions; wall and CPU time of each
(the workers' CPU summed; CPU time holds when the machine is shared, wall time does not); the
largest peak RSS of a worker and the peak RSS of this process during each run (``VmHWM``,
reset before the run); and whether the two results are identical (every table compared).
Dividing by the scale shows how time and memory per worker grow.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import attrs
import city
import pandas as pd
from distributed import Client, LocalCluster

import points
from points.backends.dask import PARTITION_RECORDS, PER_THREAD
from points.backends.partition import RECORD_TABLES
from points.judge import AssessmentTables


def _peak_mb() -> float:
    """This process's peak RSS since the last :func:`_reset_peak` (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start this process's peak RSS afresh (Linux: ``5`` to ``/proc/self/clear_refs``)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _same(a: AssessmentTables, b: AssessmentTables) -> bool:
    for field in attrs.fields(AssessmentTables):
        left, right = getattr(a, field.name), getattr(b, field.name)
        if isinstance(left, pd.DataFrame):
            if not left.equals(right):
                return False
        elif left != right:
            return False
    return True


def bench(scale: float, args: argparse.Namespace) -> dict[str, object]:
    folder = city.generate(args.data, scale)
    started = time.perf_counter()
    records = points.read_workbooks(folder / "workbooks", cache=folder / "积分缓存")
    read = time.perf_counter() - started
    row: dict[str, object] = {
        "scale": scale, "members": len(records.roster), "records": len(records.attendance),
        "read_s": round(read, 1)}
    plain = None
    if args.plain:
        _reset_peak()
        started, cpu = time.perf_counter(), _cpu()
        plain = points.assess(records)
        row["plain_s"] = round(time.perf_counter() - started, 1)
        row["plain_cpu_s"] = round(_cpu() - cpu, 1)
        row["plain_peak_mb"] = round(_peak_mb())
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, memory_limit=0)
        client = Client(cluster)
    try:
        client.run(_reset_peak)
        before = client.run(_cpu)
        _reset_peak()
        started, cpu = time.perf_counter(), _cpu()
        spread = points.assess(records, client=client)
        row["dask_s"] = round(time.perf_counter() - started, 1)
        row["client_cpu_s"] = round(_cpu() - cpu, 1)
        after = client.run(_cpu)
        row["worker_cpu_s"] = round(sum(after[w] - before[w] for w in after), 1)
        peaks = client.run(_peak_mb)
        row["workers"] = len(peaks)
        size = sum(len(getattr(records, n)) for n in RECORD_TABLES)
        row["partitions"] = max(PER_THREAD * sum(client.nthreads().values()),
                                -(-size // PARTITION_RECORDS))
        row["worker_peak_mb"] = round(max(peaks.values()))
        row["client_peak_mb"] = round(_peak_mb())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if plain is not None:
        row["identical"] = _same(plain, spread)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, nargs="+", default=[0.125, 0.25, 0.5, 1])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", help="an existing scheduler instead of a local cluster")
    parser.add_argument("--no-plain", dest="plain", action="store_false")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "points-bench-city")
    args = parser.parse_args()
    for scale in args.scale:
        print(json.dumps(bench(scale, args), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
