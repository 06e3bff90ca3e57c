"""Benchmark: score one year of 1,000,000 attendance events for 30,000 members.

    python benchmarks/bench_assess.py [--members N] [--events N] [--repeat 3]

Prints the median wall time of ``points.assess`` and the process's peak memory.
Targets (2 cores): under 6 s and under 2 GB (scoring, rankings and flags).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate

import points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ruleset", default="dujiangyan")
    args = parser.parse_args()
    t0 = time.perf_counter()
    records = generate(args.members, args.events)
    print(f"generated {len(records.attendance):,} events for {args.members:,} members "
          f"in {time.perf_counter() - t0:.1f} s")
    rules = points.load_ruleset(args.ruleset)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = points.assess(records, rules, year=2024)
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"assess ({args.ruleset}): median {statistics.median(times):.2f} s over {args.repeat} runs "
          f"({len(records.attendance) / statistics.median(times) / 1e6:.2f} M events/s); "
          f"ledger {len(result.ledger):,} rows; peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
