"""Benchmark: the write stage of a re-run after one cell changed (#14, the write).

    python benchmarks/bench_rewrite.py [--scale 0.25 0.5] [--data DIR] [--no-cache]

For each scale the city of benchmarks/city.py (generated once into ``--data``, reused) is
copied to a scratch folder and, in this process, assessed (the scan and score caches in
``积分缓存`` beside the output) and written with :func:`points.report.outputs.write_outputs`
(the review workbook and its Parquet ledger, as ``points score`` writes them); then one mark
of one branch workbook is changed, and the city assessed and written again. For each write:
wall seconds, CPU seconds of this process (the main thread and the zip thread) and of its
children (the forked ledger writer), the workbook's size. ``--no-cache``: the write keeps
no rows in the cache (as ``--no-cache`` or a checkout before the fifth round).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import attrs
import city
from bench_rescore import _touch_one_cell

import points
from points.assess import Assessment, calendar_for
from points.backends import score_on
from points.judge import AssessmentTables, judge
from points.report.outputs import write_outputs
from points.rules import default_ruleset


def _cpu() -> tuple[float, float]:
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def _assessed(folder: Path, cache: Path) -> Assessment:
    records = points.read_workbooks(folder, cache=cache)
    rules = default_ruleset()
    scores = score_on(records, rules, calendar_for(records, rules), cache=cache)
    tables = judge(scores, records.files)
    return Assessment(**{f.name: getattr(tables, f.name) for f in attrs.fields(AssessmentTables)})


def _write(result: Assessment, out: Path, cache: Path | None) -> dict[str, float]:
    kept = {"cache": cache} if "cache" in inspect.signature(write_outputs).parameters else {}
    started, (cpu, children) = time.perf_counter(), _cpu()
    write_outputs(result, out / "city.xlsx", **kept)
    now, children_now = _cpu()
    return {"wall_s": round(time.perf_counter() - started, 2), "cpu_s": round(now - cpu, 2),
            "children_cpu_s": round(children_now - children, 2),
            "xlsx_mb": round((out / "city.xlsx").stat().st_size / 1e6, 1)}


def bench(scale: float, data: Path, keep_rows: bool) -> dict[str, object]:
    source = city.generate(data, scale) / "workbooks"
    with tempfile.TemporaryDirectory(prefix="bench-rewrite-") as scratch:
        folder, out = Path(scratch) / "city", Path(scratch) / "out"
        shutil.copytree(source, folder)
        out.mkdir()
        cache = out / "积分缓存"
        first = _write(_assessed(folder, cache), out, cache if keep_rows else None)
        _touch_one_cell(folder, 0)
        again = _write(_assessed(folder, cache), out, cache if keep_rows else None)
    return {"scale": scale, "rows_cached": keep_rows, "first_write": first,
            "write_after_one_change": again,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, nargs="+", default=[0.25])
    parser.add_argument("--no-cache", dest="keep_rows", action="store_false")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "points-bench-city")
    args = parser.parse_args()
    for scale in args.scale:
        print(json.dumps(bench(scale, args.data, args.keep_rows), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
