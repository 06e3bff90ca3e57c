"""Run the hostile corpus against the ``points`` command and report what still fails.

    python benchmarks/hostile/run.py [--only CATEGORY] [--out DIR] [--ids ID ...]
                                     [--timeout 60] [--jobs N] [--memory-gb 4]
                                     [--points "CMD …"]

Generates every case (benchmarks/hostile/corpus.py) in a temporary folder (``--out``: in DIR,
kept, with ``results.tsv``), runs each as a subprocess (``python -m points``, or ``--points``)
with a timeout and an address-space limit, and checks the global invariants and the case's
expected outcome (benchmarks/hostile/checks.py). Prints one line per failing case and a
summary per category; exits 1 if any case failed.
"""

from __future__ import annotations

import argparse
import collections
import shlex
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hostile.checks import run_subprocess, snapshot, verify
from hostile.corpus import CATEGORIES, Case, make_corpus

#: Problem text prefix → its kind in the summary.
_KINDS = [("timeout", "timeout"), ("traceback", "traceback"), ("crash", "crash"),
          ("English words", "English"), ("control characters", "control characters"),
          ("input changed", "input changed"), ("output left", "partial output"),
          ("temporary file", "temporary file"), ("formula", "formula"), ("text not quoted", "formula"),
          ("output ", "invalid output"), ("forbidden", "leak"), ("checker failed", "checker"),
          ("issue ", "issue"), ("unexpected issue", "issue")]


def _kind(problem: str) -> str:
    """A failure's kind, for the summary."""
    return next((kind for prefix, kind in _KINDS if problem.startswith(prefix)), "outcome")


Result = tuple[Case, list[str], float]


def run_case(case: Case, timeout: float, memory: int, command: list[str] | None, show: bool) -> Result:
    before = snapshot(case.cwd)
    outcome = run_subprocess(case, timeout=timeout, memory=memory, command=command)
    try:
        problems = verify(case, outcome, before, snapshot(case.cwd))
    except Exception as error:  # a checker bug must not stop the run
        problems = [f"checker failed: {type(error).__name__}: {error}"[:300]]
    if show:
        text = [f"--- {case.id} ({case.category}): {case.title}",
                f"$ points {shlex.join(case.argv)}    [exit {outcome.rc}, {outcome.seconds:.1f} s]"]
        text += [f"  out| {line}" for line in outcome.stdout.splitlines()[:12]]
        text += [f"  err| {line}" for line in outcome.stderr.splitlines()[-12:]]
        print("\n".join(text), flush=True)
    return case, problems, outcome.seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=CATEGORIES, help="one category")
    parser.add_argument("--ids", nargs="+", metavar="ID", help="these cases only")
    parser.add_argument("--out", type=Path, help="write the corpus here and keep it (with results.tsv)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per case (default 60)")
    parser.add_argument("--jobs", type=int, default=2, help="cases run side by side (default 2)")
    parser.add_argument("--memory-gb", type=float, default=4, help="address-space limit per run (default 4)")
    parser.add_argument("--points", help="the command to test (default: this Python's -m points)")
    parser.add_argument("--show", action="store_true", help="print each run's command line and output")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", module="openpyxl")  # reading outputs back: not our news

    scratch = None
    if args.out is None:
        scratch = tempfile.TemporaryDirectory(prefix="points-hostile-")
        folder = Path(scratch.name)
    else:
        folder = args.out.resolve()
    start = time.perf_counter()
    print(f"generating the corpus in {folder} …", flush=True)
    cases = make_corpus(folder / "cases", only=args.only, ids=args.ids)
    print(f"{len(cases)} cases in {time.perf_counter() - start:.0f} s; running (timeout {args.timeout:g} s, "
          f"{args.jobs} at a time) …", flush=True)
    command = shlex.split(args.points) if args.points else None
    memory = int(args.memory_gb * (1 << 30))
    results: list[Result] = []
    try:
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            runs = pool.map(lambda c: run_case(c, args.timeout, memory, command, args.show), cases)
            for case, problems, seconds in runs:
                results.append((case, problems, seconds))
                for problem in problems:
                    print(f"FAIL {case.id}\t{case.category}\t{problem}", flush=True)
        _summary(results, time.perf_counter() - start)
        if args.out is not None:
            _write_results(folder / "results.tsv", results)
    finally:
        if scratch is not None:
            scratch.cleanup()
    return 1 if any(problems for _, problems, _ in results) else 0


def _summary(results: list[Result], seconds: float) -> None:
    by_category: dict[str, list[Result]] = collections.defaultdict(list)
    for row in results:
        by_category[row[0].category].append(row)
    print(f"\n{'category':<11} {'cases':>5} {'passed':>6} {'failed':>6}  failures by kind")
    total = failed = 0
    for category in CATEGORIES:
        rows = by_category.get(category, [])
        if not rows:
            continue
        bad = [r for r in rows if r[1]]
        kinds = collections.Counter(_kind(p) for _, problems, _ in bad for p in problems)
        text = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        print(f"{category:<11} {len(rows):>5} {len(rows) - len(bad):>6} {len(bad):>6}  {text}")
        total, failed = total + len(rows), failed + len(bad)
    print(f"{'all':<11} {total:>5} {total - failed:>6} {failed:>6}  ({seconds:.0f} s)")
    slow = sorted(results, key=lambda r: -r[2])[:5]
    print("slowest: " + ", ".join(f"{c.id} {s:.1f} s" for c, _, s in slow))


def _write_results(path: Path, results: list[Result]) -> None:
    lines = ["id\tcategory\texpected\tseconds\tproblems"]
    for case, problems, seconds in results:
        lines.append(f"{case.id}\t{case.category}\t{'/'.join(case.accepted)}\t{seconds:.1f}\t"
                     + " | ".join(p.replace("\t", " ").replace("\n", " ") for p in problems))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
