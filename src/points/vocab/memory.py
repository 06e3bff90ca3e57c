"""Memory a step has freed, given back to the system at once.

Both allocators a run uses keep freed memory for later: Arrow's pool (its text columns) and
the C library's ``malloc`` (NumPy's arrays, pandas' hash tables). glibc moves its threshold for
giving large blocks back up to each block freed, so after the first big temporaries even
arrays of tens of megabytes come from a heap that only shrinks from its top: a run's
resident memory then holds every step's freed temporaries in the holes between live arrays,
and the next step's peak sits on top of them (at a quarter of a city, 100–200 MB after
scoring). :func:`release_memory` is called between the steps that free the most; it changes
no result.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

import pyarrow as pa

__all__ = ["release_memory"]


@functools.cache
def _trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (None where the C library has none: macOS, Windows, musl)."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError, TypeError):
        return None
    return trim


def release_memory() -> None:
    """Give the memory freed so far back to the system: Arrow's pool's unused memory, and
    the C heap's free pages (``malloc_trim``, where there is one)."""
    pa.default_memory_pool().release_unused()
    trim = _trim()
    if trim is not None:
        trim(0)
