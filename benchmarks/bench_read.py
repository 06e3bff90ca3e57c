"""Benchmark: read a city's year of branch workbooks with ``points.read_workbooks``.

    python benchmarks/bench_read.py [--dir /tmp/points-bench-read] [--branches 2000]
                                    [--members 125000] [--baseline-files 100] [--repeat 3]
                                    [--workers N]

Generates the workbooks once (benchmarks/generate_workbooks.py), then reports cells/s for
``points.read_workbooks`` on all of them and for plain
``pandas.read_excel(sheet_name=None, header=None, engine="openpyxl")`` on the first
``--baseline-files`` (the same files, fewer of them: openpyxl is slow). Cells are the cells of
each sheet's used range. Targets (2 cores): ≥ 5× the baseline and ≥ 0.8 M cells/s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
import python_calamine

sys.path.insert(0, str(Path(__file__).parent))

from generate_workbooks import generate

import points


def used_cells(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            total += sheet.height * sheet.width
        book.close()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/points-bench-read"))
    parser.add_argument("--branches", type=int, default=2000)
    parser.add_argument("--members", type=int, default=125_000)
    parser.add_argument("--baseline-files", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs of read_workbooks; the median counts")
    parser.add_argument("--workers", type=int, default=None, help="read_workbooks(workers=…)")
    args = parser.parse_args()

    folder = args.dir / f"{args.branches}-{args.members}"
    if not folder.exists():
        started = time.perf_counter()
        generate(folder, args.branches, args.members)
        print(f"generated {args.branches:,} workbooks in {time.perf_counter() - started:.0f} s")
    paths = sorted(folder.glob("*.xlsx"))

    cells = used_cells(paths)
    runs = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        records = points.read_workbooks(paths, workers=args.workers)
        runs.append(time.perf_counter() - started)
    ours = statistics.median(runs)
    print("runs: " + ", ".join(f"{t:.1f} s" for t in runs))
    print(f"read_workbooks: {len(paths):,} files, {cells:,} cells in {ours:.1f} s (median) "
          f"= {cells / ours / 1e6:.2f} M cells/s; {len(records.attendance):,} attendance "
          f"records, {len(records.roster):,} members, {len(records.issues)} data issues")

    sample = paths[: args.baseline_files]
    sample_cells = used_cells(sample)
    started = time.perf_counter()
    for path in sample:
        pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    base = time.perf_counter() - started
    rate = sample_cells / base
    print(f"pandas.read_excel(openpyxl): {len(sample):,} files, {sample_cells:,} cells in "
          f"{base:.1f} s = {rate / 1e6:.2f} M cells/s")
    print(f"speed-up: {cells / ours / rate:.1f}x")


if __name__ == "__main__":
    main()
