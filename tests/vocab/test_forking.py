"""How many processes a stage runs: the cores this process may use (affinity, a container's CPU
quota), at most MAX_PROCESSES, at most one a unit of work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from points.vocab import forking

NONE = Path("/nonexistent/cpu.max")
NONE_V1 = (Path("/nonexistent/quota"), Path("/nonexistent/period"))


def test_the_cores_this_process_may_run_on_are_its_affinity() -> None:
    assert forking.usable_cores(NONE, NONE_V1) == len(os.sched_getaffinity(0)) >= 1
    first = min(os.sched_getaffinity(0))
    # a process that ``taskset`` (or a batch system) binds to one core runs one process a stage
    out = subprocess.run(
        [sys.executable, "-c", "import os; from points.vocab import forking; "
         f"os.sched_setaffinity(0, {{{first}}}); "
         "print(forking.usable_cores(), forking.worker_count(100))"],
        capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1"]


@pytest.mark.parametrize("text, cores", [
    ("max 100000\n", None),      # no quota
    ("200000 100000\n", 2),      # two cores' worth
    ("150000 100000\n", 2),      # one and a half: two processes keep it busy
    ("50000 100000\n", 1),       # half a core: still one process
    ("banana\n", None),          # unreadable: no quota
    ("100000 0\n", None),
])
def test_a_containers_cpu_quota_caps_the_cores(tmp_path: Path, text: str, cores: int | None
                                               ) -> None:
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text(text)
    affinity = len(os.sched_getaffinity(0))
    expected = affinity if cores is None else min(affinity, cores)
    assert forking.usable_cores(cpu_max, NONE_V1) == expected


@pytest.mark.parametrize("quota, cores", [("-1", None), ("100000", 1), ("250000", 3)])
def test_cgroup_v1_quota_is_read_when_there_is_no_v2_file(tmp_path: Path, quota: str,
                                                           cores: int | None) -> None:
    (tmp_path / "quota").write_text(quota + "\n")
    (tmp_path / "period").write_text("100000\n")
    affinity = len(os.sched_getaffinity(0))
    expected = affinity if cores is None else min(affinity, cores)
    assert forking.usable_cores(NONE, (tmp_path / "quota", tmp_path / "period")) == expected


def test_worker_count_is_at_most_the_cores_the_cap_and_the_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "usable_cores", lambda: 64)
    assert forking.worker_count(1000) == forking.worker_count() == forking.MAX_PROCESSES
    assert forking.worker_count(3) == 3
    assert forking.worker_count(0) == 1
    monkeypatch.setattr(forking, "usable_cores", lambda: 2)
    assert forking.worker_count(1000) == forking.worker_count() == 2
