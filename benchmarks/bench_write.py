"""Benchmark: write the review workbook for one branch, a county, and a county per branch.

    python benchmarks/bench_write.py [--members 10000] [--events 440000] [--out DIR]

Targets (2 cores): one branch of 100 members under 1 s; a 10,000-member county's workbook
with its ~400,000-row ledger under 40 s; the per-branch set for that county under 60 s.
Prints wall times (median of ``--repeat`` runs for the branch), CPU times (this process and
the worker processes that write per-branch workbooks: on a shared machine the CPU is what to
compare) and file sizes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate

import points


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the per-branch workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(label: str, call: object, per: int = 1) -> float:
    t0, c0 = time.perf_counter(), _cpu()
    call()  # type: ignore[operator]
    took, cpu = time.perf_counter() - t0, _cpu() - c0
    each = f", {cpu / per:.3f} s CPU per workbook" if per > 1 else ""
    print(f"{label}: {took:.2f} s ({cpu:.2f} s CPU{each})")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=440_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="points-bench-write-"))
    out.mkdir(parents=True, exist_ok=True)

    branch = points.assess(generate(100, 4_000, branch_size=100), year=2024)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        branch.to_excel(out / "branch.xlsx")
        times.append(time.perf_counter() - t0)
    print(f"one branch ({len(branch.totals)} members, ledger {len(branch.ledger):,} rows): "
          f"median {statistics.median(times):.2f} s (target < 1 s)")

    county = points.assess(generate(args.members, args.events, branch_size=100), year=2024)
    print(f"county: {len(county.totals):,} members, "
          f"{county.members['branch'].nunique()} branches, ledger {len(county.ledger):,} rows")
    timed("county workbook, ledger included (target < 40 s)",
          lambda: county.to_excel(out / "county.xlsx"))
    print(f"  size {(out / 'county.xlsx').stat().st_size / 1e6:.1f} MB")
    books = county.members["branch"].nunique() + 1
    timed(f"per-branch set, {books} workbooks (target < 60 s)",
          lambda: county.to_excel_per_branch(out / "branches"), per=books)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
