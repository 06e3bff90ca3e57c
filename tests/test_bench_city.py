"""The city benchmark's fit of Amdahl's law (``benchmarks/bench_city.py --cores``): what the
measured wall times on a few numbers of cores say about more cores."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def _bench_city() -> ModuleType:
    """benchmarks/bench_city.py as a module (it puts benchmarks/ on the path for its own
    generator: taken off again, so that its scripts' names shadow nothing here)."""
    before = list(sys.path)
    try:
        spec = importlib.util.spec_from_file_location("bench_city", BENCHMARKS / "bench_city.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_city"] = module  # (its dataclasses look their module up there)
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = before
    return module


bench_city = _bench_city()


def test_two_core_counts_give_the_law_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    fit = bench_city.amdahl({1: 15.0, 2: 10.0}, 2.0, "points score")
    assert fit["serial_s"] == pytest.approx(5.0)
    assert fit["parallel_s"] == pytest.approx(10.0)
    assert fit["projected"][4] == pytest.approx(7.5)
    assert fit["projected"][16] == pytest.approx(5.625)
    # within 2x a 2 s floor means 4 s: S alone is 5 s, so no number of cores is enough
    assert fit["cores_within_2x"] is None
    assert "never (S alone is 2.5× the floor)" in capsys.readouterr().out


def test_the_fewest_cores_within_twice_the_floor() -> None:
    # 2x a 5 s floor leaves 10 - 5 = 5 s for P = 10 s of work: two cores (exactly 10 s)
    assert bench_city.amdahl({1: 15.0, 2: 10.0}, 5.0, "x")["cores_within_2x"] == 2
    # a 4 s floor leaves 3 s: 10 / 3 = 3.3, so four cores
    assert bench_city.amdahl({1: 15.0, 2: 10.0}, 4.0, "x")["cores_within_2x"] == 4


def test_more_counts_are_fitted_by_least_squares() -> None:
    walls = {1: 12.0 + 0.3, 2: 7.0 - 0.2, 4: 4.5 + 0.1}  # S = 2, P = 10, with some noise
    fit = bench_city.amdahl(walls, None, "x")
    assert fit["serial_s"] == pytest.approx(2.0, abs=0.3)
    assert fit["parallel_s"] == pytest.approx(10.0, abs=0.6)
    assert fit["cores_within_2x"] is None  # (no floor measured: nothing to say)
