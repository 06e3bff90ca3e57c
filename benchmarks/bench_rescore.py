"""Benchmark: re-scoring a city after one branch fixes one cell (#14 item 3: the scan cache
and the score cache).

    python benchmarks/bench_rescore.py [--scale 0.125 1] [--data DIR] [--no-plain]

For each scale the city of benchmarks/city.py (generated once into ``--data``, reused) is
copied to a scratch folder, then, each as a child process (``python -m points score``, this
checkout's ``src/`` first on the path, the default outputs):

1. ``--no-cache``: every file scanned and every member scored, nothing kept (skipped with
   ``--no-plain``);
2. cold cache: every file scanned and every member scored; the scans and each chunk of
   branches' scores kept in ``积分缓存`` beside the output;
3. one cell of one branch workbook changed (openpyxl), then the same command: that file is
   scanned again and its chunk of branches scored again, everything else comes from the cache
   (twice, a different branch's file each time: ``one_file_changed`` lists both runs). Before
   each, what the runs before wrote is flushed to disk (``os.sync``), as it is by the time a
   secretary has opened a workbook and fixed a cell: otherwise the first re-run also pays for
   writing out the cold run's ~1.2 GB of cache (at a whole city 10.3 s against 8.9 s in one
   pair of runs by hand);

and, after changing a third cell, the warm run's stages in one process: read (scan cache),
score (score cache, its entries prefetched during the read as the command does), judge,
write — wall and CPU seconds of each (the CPU of this process's threads; the prefetching
process's is not counted), and the peak memory. Wall and
CPU seconds of each run (CPU holds better on a shared machine); the CPU ratio warm / no cache.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import city

SRC = Path(__file__).parent.parent / "src"

STAGES = r"""
import json, resource, sys, time
from pathlib import Path
import attrs
import points
from points.assess import Assessment, calendar_for
from points.backends import score_on
from points.judge import AssessmentTables, judge
from points.report.outputs import write_outputs
from points.rules import default_ruleset
folder, out = Path(sys.argv[1]), Path(sys.argv[2])
cache = out / "积分缓存"
laps = {}
def lap(name, since):
    laps[name] = [round(time.perf_counter() - since[0], 2), round(time.process_time() - since[1], 2)]
    return time.perf_counter(), time.process_time()
try:  # as the command line does: the score entries made ready while the files are read
    from points.backends.prefetch import prefetching
except ImportError:  # (an older checkout, --src)
    import contextlib
    def prefetching(folder): return contextlib.nullcontext()
t = time.perf_counter(), time.process_time()
with prefetching(cache):
    records = points.read_workbooks(folder, cache=cache)
    t = lap("read", t)
    rules = default_ruleset()
    scores = score_on(records, rules, calendar_for(records, rules), cache=cache)
    t = lap("score", t)
tables = judge(scores, records.files)
result = Assessment(**{f.name: getattr(tables, f.name) for f in attrs.fields(AssessmentTables)})
t = lap("judge", t)
import inspect  # the write takes the cache folder too (#14 write, fifth round)
kept = {"cache": cache} if "cache" in inspect.signature(write_outputs).parameters else {}
write_outputs(result, out / "city.xlsx", **kept)
t = lap("write", t)
laps["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps(laps))
"""


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]))


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _score(folder: Path, out: Path, *extra: str) -> list[float]:
    """Wall and CPU seconds (the command and its scan workers) of one ``points score``."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-m", "points", "score", str(folder), "-o",
                    str(out / "city.xlsx"), "-q", *extra], check=True, env=_env(),
                   stdout=subprocess.DEVNULL)
    return [round(time.perf_counter() - started, 1), round(_children_cpu() - cpu, 1)]


def _settle() -> None:
    """What was written so far flushed to disk (see the module: a pause before a re-run)."""
    if hasattr(os, "sync"):
        os.sync()


def _touch_one_cell(folder: Path, nth: int) -> str:
    """Change one mark in one branch's sign-in workbook (as a secretary fixing a cell)."""
    import openpyxl

    path = sorted(p for p in folder.glob("*签到表.xlsx"))[nth]
    book = openpyxl.load_workbook(path)
    sheet = next(ws for ws in book.worksheets if ws.max_row > 5)
    cell = sheet.cell(4, sheet.max_column - 1)
    cell.value = "请假" if cell.value != "请假" else "√"
    book.save(path)
    return path.name


def bench(scale: float, data: Path, plain_run: bool = True) -> dict[str, object]:
    source = city.generate(data, scale) / "workbooks"
    with tempfile.TemporaryDirectory(prefix="bench-rescore-") as scratch:
        folder, out = Path(scratch) / "city", Path(scratch) / "out"
        shutil.copytree(source, folder)
        out.mkdir()
        plain = _score(folder, out, "--no-cache") if plain_run else [math.nan, math.nan]
        cold = _score(folder, out)
        warm, changed = [], []
        for nth in (0, 1):
            changed.append(_touch_one_cell(folder, nth))
            _settle()
            warm.append(_score(folder, out))
        _touch_one_cell(folder, 2)
        _settle()
        staged = subprocess.run([sys.executable, "-c", STAGES, str(folder), str(out)], env=_env(),
                                check=True, capture_output=True, text=True)
        stages = json.loads(staged.stdout.strip().splitlines()[-1])
        entries = sorted(p.name for p in (out / "积分缓存").glob("*.arrow"))
    return {"scale": scale, "files": len(list(source.glob("*.xlsx"))), "changed": changed,
            "wall_cpu_s": {"no_cache": plain, "cold_cache": cold, "one_file_changed": warm},
            "cpu_ratio": round(warm[0][1] / plain[1], 2),
            "stages_after_one_change_wall_cpu_s": stages,
            "cache_entries": {"scans": sum(not e.startswith("score-") for e in entries),
                              "score_chunks": sum(e.startswith("score-") for e in entries)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, nargs="+", default=[0.125])
    parser.add_argument("--no-plain", dest="plain", action="store_false",
                        help="skip the run without a cache (step 1)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "points-bench-city")
    args = parser.parse_args()
    which = subprocess.run([sys.executable, "-c", city.COMPILE], capture_output=True, text=True,
                           env=_env(), check=True)  # (compiled, as installed)
    print(f"points {which.stdout.strip()}", flush=True)
    for scale in args.scale:
        print(json.dumps(bench(scale, args.data, args.plain), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
