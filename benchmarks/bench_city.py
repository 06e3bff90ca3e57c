"""Benchmark: a city's year end to end — ``points score`` against the floor and an analyst script.

    python benchmarks/bench_city.py [--scale 0.125 0.25] [--repeat 3] [--data DIR]
                                    [--jobs points,nocache,sheets,floor,analyst] [--profile]
                                    [--timeline] [--cores 1,2]

For each scale (1 = 125,000 members in 2,000 branch workbooks, about 5 M attendance records;
see benchmarks/city.py) a realistic city is generated once into ``--data`` (default: a folder
in the temp dir, kept so that later runs reuse it), then these jobs run on the same files, each
as a child process, interleaved (A, B, C, D, A, B, C, D, … over ``--repeat`` rounds):

- ``points``   ``points score CITY -o OUT/city.xlsx`` (the venv's command, default options: a
               city's ledger goes to Parquet beside the workbook, ``--ledger auto``; every
               round a first run: the scan and score caches beside it are removed before)
- ``nocache``  the same with ``--no-cache`` (nothing kept: what caching costs a first run)
- ``sheets``   the same with ``--ledger sheets`` (the ledger split over sheets of the workbook,
               the default before ``auto``)
- ``floor``    every cell of every sheet of every file read by the fastest reader and nothing
               else (fastexcel, else python-calamine ``to_python``), in one process
- ``analyst``  benchmarks/analyst_script.py: plain pandas + ``read_excel(engine="calamine")``,
               each member's total under the default rules' main lines, a totals xlsx

For each job: wall time and CPU time (user + sys of the child and of the descendants it waited
for, from ``os.wait4``) and the largest single process's max RSS (exact, from ``os.wait4``) —
medians and ranges over the rounds — then the ratios ``points / floor`` and ``analyst /
points``. The peak memory of the whole process tree comes from one more run of each job after
the rounds, sampled every 0.1 s (needs psutil): the largest sum of RSS (pages shared
copy-on-write by forked workers count once per process: an over-count) and the largest sum of
PSS (a shared page split among its sharers: the memory the tree really holds, the figure the
< 4 GB target is read against). The timed rounds are not sampled: reading a process's PSS makes
the kernel walk its page tables, which slows a large process tree (a whole city's points run
took 43.2–43.3 s sampled against 38.6–39.5 s not, alternating).
After the first round the analyst's totals are checked member by member against the 总积分 of
points' 汇总 sheet (``--no-check`` skips it). The files are read once before the rounds so
that every job finds them in the page cache.

``--timeline`` adds, per scale, one ``points score`` run of each points job asked for (after
the rounds, the caches beside it removed first) with its stages stamped as the parent lives
them: when each began (seconds from the start), its wall and CPU time, and in which process
(the parent, or a forked worker: a part of the scoring, the Parquet ledger). It shows which
stretches run on one core while the other waits (the middle of reading, combining, judging)
and which keep both busy (scanning, scoring): what more cores can and cannot give.

``--cores 1,2`` runs each points job once per number of cores listed in every round, held to
that many of the usable cores (the CPU affinity ``taskset`` sets; points then starts as many
processes), and fits Amdahl's law to the medians: ``T(N) = S + P / N``, S the seconds no second
core can shorten (one process works while the others wait, or a stage that runs in a fixed
number of processes), P the seconds of work that spread over the cores (exact with two
counts, least squares with more). It prints S and P, the wall time and the ratio to the floor
the fit gives for 4, 8 and 16 cores, and the fewest cores that would bring the job within 2×
the floor (none when S alone is more than that): what this machine's two cores can say about a
larger one. The floor runs in one process, so cores do not change it.

``--profile`` adds, per scale, one run of the stages in one process (read, score, judge,
write: wall, CPU, peak memory of each) and, when py-spy is installed, a sampling profile of
one ``points score`` run (``--subprocesses``, so the scan workers too), summarised by stage
and by hot function; the raw profile is kept in the output folder. ``--src DIR`` runs the
``points`` package in DIR (first on the children's PYTHONPATH, e.g. a ``git archive`` of a
commit's ``src/``) instead of the installed one, so that edits made meanwhile do not change it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import city

try:
    import psutil
except ImportError:  # the tree's RSS is not sampled; the largest process's max RSS still is
    psutil = None

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
JOBS = ("points", "nocache", "sheets", "floor", "analyst")
LABELS = {"points": "points score", "nocache": "points score --no-cache",
          "sheets": "points score --ledger sheets",
          "floor": "floor", "analyst": "analyst script (pandas+calamine)"}


# ----------------------------------------------------------------------------------------------
# Child modes: the floor reader, the stages in one process
# ----------------------------------------------------------------------------------------------

def floor(folder: Path) -> None:
    """Read every cell of every sheet of every workbook; print the reader and the cell count."""
    paths = sorted(folder.glob("*.xlsx"))
    cells = 0
    try:
        import fastexcel
    except ImportError:
        import python_calamine

        for path in paths:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                rows = book.get_sheet_by_name(name).to_python()
                cells += sum(len(row) for row in rows)
            book.close()
        print(json.dumps({"reader": "python-calamine to_python", "cells": cells}))
        return
    for path in paths:
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            batch = reader.load_sheet(name, header_row=None, eager=True)
            cells += batch.num_rows * batch.num_columns
    print(json.dumps({"reader": f"fastexcel {fastexcel.__version__}", "cells": cells}))


#: The functions a ``--timeline`` run stamps: (module, attribute, label). Each is looked up
#: where its caller finds it (a name imported into another module is wrapped there).
TIMELINE = (("points.read", "_scan_all", "read: scan every file"),
            ("points.read", "_assemble", "read: merge the scans"),
            ("points.cli.commands", "_read", "read (whole)"),
            ("points.assess", "score_on", "score (whole)"),
            ("points.backends.cores", "_score", "score: one part"),
            ("points.backends.cores", "combine_scores", "score: parts combined"),
            ("points.assess", "judge", "judge"),
            ("points.cli.commands", "write_outputs", "write (whole)"),
            ("points.report.sheets.ledger", "_write_parquet", "write: the Parquet ledger"))


def timeline(argv: list[str]) -> None:
    """``points ARGV`` in this process with each function of :data:`TIMELINE` stamped as it
    returns, one JSON line on stderr: start (s from the start), wall, CPU, label, and whether a
    forked worker ran it.
    Forked workers inherit the wrappers, so their parts are stamped too."""
    import functools
    import importlib

    zero, parent = time.perf_counter(), os.getpid()

    def wrap(module: str, attribute: str, label: str) -> None:
        owner = importlib.import_module(module)
        original = getattr(owner, attribute, None)
        if original is None:
            raise SystemExit(f"--timeline: {module}.{attribute} is gone; update TIMELINE")

        @functools.wraps(original)
        def stamped(*args, **kwargs):  # type: ignore[no-untyped-def]
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                print(json.dumps({"start": start - zero, "wall": time.perf_counter() - start,
                                  "cpu": time.process_time() - cpu, "label": label,
                                  "worker": os.getpid() != parent}), file=sys.stderr, flush=True)
        setattr(owner, attribute, stamped)

    from points.cli import main as points_main

    for module, attribute, label in TIMELINE:
        wrap(module, attribute, label)
    code = points_main(argv)
    print(json.dumps({"start": 0.0, "wall": time.perf_counter() - zero, "cpu": time.process_time(),
                      "label": "the whole command (parent's CPU)", "worker": False}),
          file=sys.stderr, flush=True)
    sys.exit(code)


def show_timeline(command: list[str], name: str, env: dict[str, str] | None) -> list[dict]:
    """Run a ``_timeline`` child; print its stamps in order of start."""
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    stamps = []
    for line in done.stderr.splitlines():
        with contextlib.suppress(ValueError):
            stamps.append(json.loads(line))
    if done.returncode or not stamps:
        print(f"timeline of {name}: failed ({done.returncode})\n{done.stderr[-2000:]}")
        return stamps
    print(f"\ntimeline of one `{LABELS[name]}` (s from the start; worker = a forked process):")
    print(f"{'start':>7} {'wall':>7} {'CPU':>7}  process  stage")
    for s in sorted(stamps, key=lambda s: (s["start"], -s["wall"])):
        print(f"{s['start']:7.2f} {s['wall']:7.2f} {s['cpu']:7.2f}  "
              f"{'worker ' if s['worker'] else 'parent '}  {s['label']}")
    return stamps


def _status(key: str) -> float:
    """VmHWM / VmRSS of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stages(folder: Path, out: Path) -> None:
    """``points score`` stage by stage in one process: wall, CPU and peak memory of each."""
    import attrs

    import points
    from points.assess import Assessment, calendar_for
    from points.judge import AssessmentTables, judge
    from points.report.outputs import write_outputs
    from points.score import score_members

    rows = []

    def stage(name: str, call):  # type: ignore[no-untyped-def]
        with contextlib.suppress(OSError):  # reset the peak RSS (Linux ≥ 4.0): VmHWM is this stage's
            Path("/proc/self/clear_refs").write_text("5")
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        rows.append({"stage": name, "wall": time.perf_counter() - wall,
                     "cpu": time.process_time() - cpu + after.ru_utime + after.ru_stime
                     - children.ru_utime - children.ru_stime,
                     "peak_mb": _status("VmHWM"), "rss_after_mb": _status("VmRSS"),
                     "workers_peak_mb": after.ru_maxrss / 1024 if after.ru_maxrss != children.ru_maxrss
                     else 0.0})
        return result

    rules = points.load_ruleset("dujiangyan")
    records = stage("read (scan + merge)", lambda: points.read_workbooks(folder))
    calendar = calendar_for(records, rules)
    scored = stage("score", lambda: score_members(records, rules, calendar))
    tables = stage("judge", lambda: judge(scored, records.files))
    result = Assessment(**{f.name: getattr(tables, f.name) for f in attrs.fields(AssessmentTables)})
    stage("write (default: ledger to Parquet)", lambda: write_outputs(result, out / "stages.xlsx"))
    print(json.dumps({"stages": rows, "ledger_rows": len(result.ledger),
                      "attendance": len(records.attendance), "flags": len(result.flags),
                      "issues": len(result.issues)}))


# ----------------------------------------------------------------------------------------------
# Running and measuring a child
# ----------------------------------------------------------------------------------------------

@dataclass
class Run:
    wall: float
    cpu: float
    tree_mb: float      # largest sampled sum of RSS over the child's process tree
    pss_mb: float       # largest sampled sum of PSS (shared pages split among their sharers)
    largest_mb: float   # max RSS of the largest single process (child or a waited-for descendant)
    stdout: str


@dataclass
class Job:
    name: str
    command: list[str]
    runs: list[Run] = field(default_factory=list)
    cores: int | None = None  # held to this many usable cores (--cores); None: all of them
    memory: Run | None = None  # the run whose process tree's memory was sampled

    @property
    def key(self) -> str:
        return self.name if self.cores is None else f"{self.name}@{self.cores}"

    @property
    def label(self) -> str:
        return LABELS[self.name] + ("" if self.cores is None else f" [{self.cores} core"
                                    + ("s]" if self.cores > 1 else "]"))


def _tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """The sums of RSS and of PSS over ``proc``'s tree. RSS counts a page shared by forked
    processes (copy-on-write) once per process; PSS splits it among them, so the PSS sum is
    the memory the tree really holds (0 where the system does not report PSS)."""
    rss = pss = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            full = p.memory_full_info()
            rss += full.rss
            pss += getattr(full, "pss", 0)
    return rss, pss


def child_env(src: Path | None) -> dict[str, str] | None:
    """The environment of a child that runs points: ``--src`` first on its path."""
    if src is None:
        return None
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(src), *filter(None, [os.environ.get("PYTHONPATH")])])}


def held_to(cores: int | None):  # type: ignore[no-untyped-def]
    """What a child runs before the command to hold it to the first ``cores`` of this
    process's usable cores (None: no hold); its forked workers inherit the affinity."""
    if cores is None:
        return None
    usable = sorted(os.sched_getaffinity(0))
    if cores > len(usable):
        raise SystemExit(f"--cores {cores}: this machine lets this process use {len(usable)}")
    chosen = set(usable[:cores])
    return lambda: os.sched_setaffinity(0, chosen)


def measure(command: list[str], log: Path, env: dict[str, str] | None = None,
            cores: int | None = None, sample: bool = False) -> Run:
    """Run ``command`` (held to ``cores`` usable cores: :func:`held_to`); wall, CPU (wait4
    rusage) and the largest process's max RSS; with ``sample``, also the peak memory of its
    process tree, sampled every 0.1 s (NaN without). Sampling slows the job it watches (the
    kernel walks each process's page tables for PSS: a whole city's points run took 43.2–43.3 s
    sampled against 38.6–39.5 s not), so timed runs are not sampled (see :func:`bench_scale`)."""
    with log.open("w") as sink:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env,
                                preexec_fn=held_to(cores))
        watched = psutil.Process(proc.pid) if psutil and sample else None
        peak = peak_pss = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if watched is not None else 0)
            if pid:
                break
            with contextlib.suppress(psutil.NoSuchProcess):
                rss, pss = _tree_memory(watched)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.1)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = log.read_text(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}\n{out[-3000:]}")
    largest = usage.ru_maxrss / 1024
    if watched is None:
        return Run(wall, usage.ru_utime + usage.ru_stime, math.nan, math.nan, largest, out)
    return Run(wall, usage.ru_utime + usage.ru_stime, max(peak / 2**20, largest),
               peak_pss / 2**20 or largest, largest, out)


# ----------------------------------------------------------------------------------------------
# Reporting
# ----------------------------------------------------------------------------------------------

def _spread(values: list[float], fmt: str) -> str:
    mid = format(statistics.median(values), fmt)
    if len(values) == 1:
        return mid
    return f"{mid} [{format(min(values), fmt)}–{format(max(values), fmt)}]"


def _median(job: Job, attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in job.runs)


POINTS_JOBS = ("points", "nocache", "sheets")


def report(info: dict, jobs: dict[str, Job], cells: int | None, reader: str) -> dict:
    print(f"\n{'job':<42} {'wall s':>20} {'CPU s':>20} {'peak MB (tree RSS)':>22} "
          f"{'peak MB (tree PSS)':>22} {'largest proc MB':>16}")
    for job in jobs.values():
        label = job.label + (f" ({reader})" if job.name == "floor" else "")
        sampled = job.memory
        print(f"{label:<42} {_spread([r.wall for r in job.runs], '.1f'):>20} "
              f"{_spread([r.cpu for r in job.runs], '.1f'):>20} "
              f"{sampled.tree_mb if sampled else math.nan:>22,.0f} "
              f"{sampled.pss_mb if sampled else math.nan:>22,.0f} "
              f"{_median(job, 'largest_mb'):>16,.0f}")
    if cells and "floor" in jobs:
        print(f"floor: {cells:,} cells, {cells / _median(jobs['floor'], 'wall') / 1e6:.2f} M cells/s")
    ratios = {}
    scored = [j for j in jobs.values() if j.name in POINTS_JOBS]
    pairs = [(j, jobs["floor"]) for j in scored if "floor" in jobs]
    pairs += [(jobs["analyst"], j) for j in scored if "analyst" in jobs]
    for top, bottom in pairs:
        r = {a: _median(top, a) / _median(bottom, a) for a in ("wall", "cpu")}
        r |= {a: (getattr(top.memory, a) / getattr(bottom.memory, a)
                  if top.memory and bottom.memory else math.nan) for a in ("tree_mb", "pss_mb")}
        ratios[f"{top.key}/{bottom.key}"] = r
        print(f"{top.label + ' / ' + bottom.label:<70} wall {r['wall']:5.1f}×  "
              f"CPU {r['cpu']:5.1f}×  memory {r['tree_mb']:5.1f}× (PSS {r['pss_mb']:5.1f}×)")
    fits = {}
    for name in POINTS_JOBS:
        measured = {j.cores: _median(j, "wall") for j in scored
                    if j.name == name and j.cores is not None}
        if len(measured) >= 2:
            fits[name] = amdahl(measured, _median(jobs["floor"], "wall") if "floor" in jobs
                                else None, LABELS[name])
    return {"city": info, "reader": reader, "cells": cells, "ratios": ratios, "amdahl": fits,
            "jobs": {n: [vars(r) | {"stdout": None} for r in j.runs] for n, j in jobs.items()},
            "memory": {n: vars(j.memory) | {"stdout": None} for n, j in jobs.items() if j.memory}}


def amdahl(walls: dict[int, float], floor_wall: float | None, label: str) -> dict[str, object]:
    """Amdahl's law ``T(N) = S + P / N`` fitted to the median wall times by number of cores
    (least squares in ``1 / N``; exact for two counts); printed with what it gives for more
    cores and the fewest cores within 2× the floor."""
    counts = sorted(walls)
    x = [1 / n for n in counts]
    y = [walls[n] for n in counts]
    mx, my = statistics.fmean(x), statistics.fmean(y)
    p = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum((a - mx) ** 2 for a in x)
    s = my - p * mx
    runs = ", ".join(f"{n} core{'s' if n > 1 else ''} {walls[n]:.1f} s" for n in counts)
    print(f"{label}: Amdahl's law on {runs}: S = {s:.1f} s that more cores do not shorten, "
          f"P = {p:.1f} s spread over the cores")
    projected = {}
    for n in (4, 8, 16):
        projected[n] = s + p / n
        ratio = f" = {projected[n] / floor_wall:.1f}× the floor" if floor_wall else ""
        print(f"  {n:>2} cores: {projected[n]:.1f} s{ratio}")
    needed = None
    if floor_wall:
        room = 2 * floor_wall - s
        needed = max(1, int(-(-p // room))) if room > 0 else None
        print("  within 2× the floor: " + (f"from {needed} cores" if needed else
                                          f"never (S alone is {s / floor_wall:.1f}× the floor)"))
    return {"walls": walls, "serial_s": s, "parallel_s": p, "projected": projected,
            "cores_within_2x": needed}


def check_totals(out: Path) -> str:
    """The analyst's totals against points' 总积分, member by member."""
    import pandas as pd

    ours = pd.read_excel(out / "city.xlsx", sheet_name="汇总", engine="calamine",
                         usecols=["党员编号", "总积分"], dtype={"党员编号": str})
    # members only: below the table, after a blank row, comes the line to sign (制表人, …),
    # whose 总积分 cell is empty
    ours = ours[ours["党员编号"].notna() & ours["总积分"].notna()]
    theirs = pd.read_excel(out / "totals.xlsx", engine="calamine", dtype={"member_id": str})
    both = ours.merge(theirs, left_on="党员编号", right_on="member_id", how="outer", indicator=True)
    same = (both["_merge"] == "both") & ((both["总积分"] - both["total"]).abs() < 1e-6)
    return f"analyst totals = points 总积分 for {int(same.sum()):,} of {len(both):,} members"


# ----------------------------------------------------------------------------------------------
# Profiling
# ----------------------------------------------------------------------------------------------

#: stage → fragments of the frames that put a sample in it; the first stage that matches wins
STAGE_OF = (("import", ("importlib._bootstrap",)),
            ("read: scan", ("points/read/scan.py", "scan_file", "python_calamine")),
            ("read: merge", ("points/read/",)),
            ("score", ("points/score/", "calendar_for")),
            ("judge", ("points/judge/",)),
            ("write", ("points/report/", "xlsxwriter")))


def _stage(frames: list[str]) -> str:
    for name, parts in STAGE_OF:
        if any(part in frame for frame in frames for part in parts):
            return name
    return "other"


def _function(frame: str) -> str:
    """``name (path:line)`` → ``name (path)``."""
    return re.sub(r":\d+\)$", ")", frame)


def profile_points(folder: Path, out: Path, env: dict[str, str] | None) -> None:
    spy = BIN / "py-spy"
    if not spy.exists() and not shutil.which("py-spy"):
        print("py-spy is not installed (pip install '.[bench]'): no sampling profile")
        return
    raw = out / "points-profile.txt"
    command = [str(spy if spy.exists() else "py-spy"), "record", "--subprocesses", "--rate", "50",
               "--format", "raw", "--output", str(raw), "--",
               str(BIN / "points"), "score", str(folder), "-o", str(out / "profiled.xlsx")]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    print(f"\npy-spy profile of one `points score` ({time.perf_counter() - started:.0f} s with the "
          f"profiler, 50 samples/s of CPU time, scan workers included): {raw}")
    by_stage: Counter[str] = Counter()
    by_leaf: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    by_caller: Counter[str] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [_function(f) for f in stack.split(";") if not f.startswith("process ")]
        n = int(count)
        by_stage[_stage(frames)] += n
        by_leaf[frames[-1] if frames else "?"] += n
        ours = [f for f in frames if "points/" in f and "points/cli/" not in f]
        by_caller[ours[-1] if ours else (frames[-1] if frames else "?")] += n
        for frame in set(frames):  # inclusive: every function on the stack
            if "points/" in frame and "points/cli/" not in frame:
                by_function[frame] += n
    total = sum(by_stage.values()) or 1
    print("by stage (share of CPU samples): " + " · ".join(
        f"{name} {n / total:.0%}" for name, n in by_stage.most_common()))
    print("hottest leaf functions (self time):")
    for frame, n in by_leaf.most_common(20):
        print(f"  {n / total:6.1%}  {frame}")
    print("self time charged to the innermost points function (library calls included):")
    for frame, n in by_caller.most_common(20):
        print(f"  {n / total:6.1%}  {frame}")
    print("points functions by inclusive time:")
    for frame, n in by_function.most_common(25):
        print(f"  {n / total:6.1%}  {frame}")


def profile_stages(folder: Path, out: Path, env: dict[str, str] | None) -> None:
    run = measure([sys.executable, __file__, "_stages", str(folder), str(out)], out / "stages.log", env)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"\nstages in one process ({result['attendance']:,} attendance records, ledger "
          f"{result['ledger_rows']:,} rows, {result['flags']:,} flags, {result['issues']:,} issues):")
    print(f"{'stage':<26} {'wall s':>8} {'CPU s':>8} {'peak MB':>9} {'RSS after':>10} {'workers MB':>11}")
    for s in result["stages"]:
        print(f"{s['stage']:<26} {s['wall']:8.1f} {s['cpu']:8.1f} {s['peak_mb']:9,.0f} "
              f"{s['rss_after_mb']:10,.0f} {s['workers_peak_mb']:11,.0f}")


# ----------------------------------------------------------------------------------------------

#: The cache folder points keeps beside its output.
CACHE = "积分缓存"


def clear_caches(out: Path) -> None:
    """Remove the caches points keeps beside ``out``: its next run is a first run, which reads
    every file and writes both caches."""
    shutil.rmtree(out / CACHE, ignore_errors=True)


def first_run(job: Job, out: Path, env: dict[str, str] | None
              ) -> tuple[list[str], Path, dict[str, str] | None]:
    """``job``'s command, log and environment, a points job's caches cleared first
    (:func:`clear_caches`)."""
    if job.name not in POINTS_JOBS:
        return job.command, out / f"{job.key}.log", None
    clear_caches(out)
    return job.command, out / f"{job.key}.log", env


def warm(folder: Path) -> None:
    for path in folder.iterdir():
        path.read_bytes()


def bench_scale(scale: float, args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    root = city.generate(args.data, scale, seed=args.seed, workers=args.gen_workers)
    info = json.loads((root / "city.json").read_text(encoding="utf-8"))
    folder = root / "workbooks"
    took = time.perf_counter() - started
    print(f"\n=== scale {scale:g}: {info['files']:,} workbooks ({info['bytes'] / 1e6:.0f} MB), "
          f"{info['members']:,} members in {info['branches']:,} branches and {info['towns']} towns, "
          f"{info['attendance_records']:,} attendance records; "
          + (f"generated in {info['seconds']:.0f} s" if took > 1 else f"cached in {root}"))
    out = Path(tempfile.mkdtemp(prefix=f"bench-city-{scale:g}-", dir=args.out))
    points_cmd = [str(BIN / "points"), "score", str(folder)]
    commands = {"points": [*points_cmd, "-o", str(out / "city.xlsx")],
                "nocache": [*points_cmd, "-o", str(out / "city-nocache.xlsx"), "--no-cache"],
                "sheets": [*points_cmd, "-o", str(out / "city-sheets.xlsx"), "--ledger", "sheets"],
                "floor": [sys.executable, __file__, "_floor", str(folder)],
                "analyst": [sys.executable, str(HERE / "analyst_script.py"), str(folder),
                            "-o", str(out / "totals.xlsx")]}
    jobs = {}
    for name in args.jobs:  # a points job once per number of cores asked for (--cores)
        for cores in (args.cores or [None]) if name in POINTS_JOBS else [None]:
            job = Job(name, commands[name], cores=cores)
            jobs[job.key] = job
    names = {job.name for job in jobs.values()}
    env = child_env(args.src)
    warm(folder)
    cells, reader = None, ""
    for round_ in range(args.repeat):
        for job in jobs.values():
            run = measure(*first_run(job, out, env), job.cores)
            job.runs.append(run)
            print(f"  round {round_ + 1}: {job.key:<10} {run.wall:7.1f} s wall, {run.cpu:7.1f} s CPU, "
                  f"largest process {run.largest_mb:7,.0f} MB", flush=True)
            if job.name == "floor":
                found = json.loads(run.stdout.strip().splitlines()[-1])
                cells, reader = found["cells"], found["reader"]
        if round_ == 0 and args.check and {"points", "analyst"} <= names:
            print("  " + check_totals(out), flush=True)
    if psutil is not None:  # one more run a job, its process tree's memory sampled (not timed)
        for job in jobs.values():
            job.memory = measure(*first_run(job, out, env), job.cores, sample=True)
            print(f"  memory: {job.key:<10} {job.memory.tree_mb:7,.0f} MB RSS, "
                  f"{job.memory.pss_mb:7,.0f} MB PSS ({job.memory.wall:.1f} s while sampled)",
                  flush=True)
    result = report(info, jobs, cells, reader)
    if args.timeline:
        for name in [j for j in POINTS_JOBS if j in names]:
            clear_caches(out)  # (a first run, as in the rounds)
            result.setdefault("timeline", {})[name] = show_timeline(
                [sys.executable, __file__, "_timeline", *commands[name][1:]], name, env)
    if args.profile:
        profile_stages(folder, out, env)
        profile_points(folder, out, env)
    if args.keep:
        print(f"outputs kept in {out}")
    elif args.profile:  # the profile and the logs are kept, the workbooks are not
        for path in out.iterdir():
            if path.suffix in (".xlsx", ".parquet", ".csv"):
                path.unlink()
        print(f"profile and logs kept in {out}")
    else:
        shutil.rmtree(out, ignore_errors=True)
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_floor":
        floor(Path(sys.argv[2]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_timeline":
        timeline(sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_stages":
        stages(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, nargs="+", default=[0.125, 0.25],
                        help="city sizes; 1 = 125,000 members in 2,000 workbooks (default: 0.125 0.25)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "points-bench-city",
                        help="where generated cities are kept and reused")
    parser.add_argument("--out", type=Path, default=None, help="where the jobs write (default: temp)")
    parser.add_argument("--jobs", default=",".join(JOBS),
                        help=f"comma-separated, in round order (default {','.join(JOBS)})")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--gen-workers", type=int, default=2, help="processes writing a new city")
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip comparing the analyst's totals with points'")
    parser.add_argument("--profile", action="store_true",
                        help="also time the stages in one process and take a py-spy profile")
    parser.add_argument("--timeline", action="store_true",
                        help="also run each points job once with its stages stamped: when each "
                             "began, its wall and CPU time, in which process")
    parser.add_argument("--cores", default="",
                        help="comma-separated numbers of cores (e.g. 1,2): each points job once per "
                             "number in every round, held to that many usable cores, and Amdahl's "
                             "law fitted to them")
    parser.add_argument("--keep", action="store_true", help="keep the jobs' outputs")
    parser.add_argument("--src", type=Path, default=None,
                        help="a folder holding the points package to run instead of the installed one "
                             "(e.g. a `git archive` of a commit's src/), put first on PYTHONPATH")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    args = parser.parse_args()
    args.jobs = [j.strip() for j in args.jobs.split(",") if j.strip()]
    unknown = set(args.jobs) - set(JOBS)
    if unknown:
        parser.error(f"unknown jobs: {', '.join(sorted(unknown))} (choose from {', '.join(JOBS)})")
    try:
        args.cores = sorted({int(c) for c in args.cores.split(",") if c.strip()})
    except ValueError:
        parser.error(f"--cores: whole numbers separated by commas, not {args.cores!r}")
    if any(c < 1 for c in args.cores):
        parser.error("--cores: at least 1")
    if args.cores and not hasattr(os, "sched_setaffinity"):
        parser.error("--cores needs a system that sets a process's CPU affinity (Linux)")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    if psutil is None:
        print("psutil is not installed (pip install '.[bench]'): peak memory is the largest "
              "single process's, not the tree's")
    which = subprocess.run([sys.executable, "-c", city.COMPILE], capture_output=True, text=True,
                           env=child_env(args.src), check=True)  # (compiled, as installed)
    print(f"points {which.stdout.strip()}")
    results = [bench_scale(scale, args) for scale in args.scale]
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
