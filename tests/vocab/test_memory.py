"""release_memory gives freed memory back and touches nothing alive."""

from __future__ import annotations

import platform

import numpy as np
import pyarrow as pa
import pytest

from points.vocab import memory


def test_release_memory_keeps_what_is_alive() -> None:
    kept = np.arange(1_000_000, dtype="int64")
    text = pa.array([f"党支部{i}" for i in range(10_000)])
    freed = np.ones(4_000_000)
    del freed
    memory.release_memory()
    assert int(kept.sum()) == 999_999 * 1_000_000 // 2
    assert text[9_999].as_py() == "党支部9999"


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_the_c_heap_is_trimmed_where_glibc_is_the_c_library() -> None:
    assert memory._trim() is not None
