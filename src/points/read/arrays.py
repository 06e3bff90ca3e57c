"""Cell addresses and matrix rectangles as whole arrays, and the reading switches.

A matrix sheet travels from a scan to the merge as one rectangle (its rows, its columns, a
value per cell; a file's rectangles laid end to end in one part, with their sizes); these
helpers expand rectangles to cells and make every cell's ``file!sheet!A1`` address with
Arrow kernels, without a Python call per cell.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..vocab.text import normalize_name
from .sheet import LETTERS

__all__ = ["column_prefixes", "id_text", "join_addresses", "no_gc", "rectangle_index",
           "rectangle_sources"]

SheetInfo = tuple[str, str, int, int]


def id_text(value: object) -> str:
    """A 党员编号 as text (Excel numbers lose their ".0"), normalised; "" when empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalize_name(value)


def join_addresses(prefixes: list[str], codes: np.ndarray, number: np.ndarray) -> pa.Array:
    """``prefixes[codes] + str(number)`` for every cell: Arrow takes and joins them."""
    digits = pa.array([str(i) for i in range(int(number.max(initial=0)) + 1)])
    return pc.binary_join_element_wise(pa.array(prefixes, pa.string()).take(pa.array(codes)),
                                       digits.take(pa.array(number)), "")


def column_prefixes(sheets: list[SheetInfo], sheet: np.ndarray, column: np.ndarray) -> list[str]:
    """``file!sheet!C`` for each (sheet number, grid column)."""
    c0 = np.array([s[3] for s in sheets], dtype="int64")
    return [f"{sheets[s][0]}!{sheets[s][1]}!{LETTERS[c]}"
            for s, c in zip(sheet.tolist(), (column + c0[sheet]).tolist(), strict=True)]


def _sizes(parts: list[dict[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns of each rectangle of the matrix parts (``n_rows``, ``n_cols``:
    a part holds one rectangle per sheet, laid end to end)."""
    return (np.concatenate([p["n_rows"] for p in parts]).astype("int64"),
            np.concatenate([p["n_cols"] for p in parts]).astype("int64"))


def rectangle_index(parts: list[dict[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """For every cell of the matrix parts (each rectangle row by row): its index into the
    parts' concatenated ``rows`` and into their concatenated ``cols``."""
    n_rows, n_cols = _sizes(parts)
    cells = n_rows * n_cols
    width = np.repeat(n_cols, cells)
    k = np.arange(int(cells.sum()), dtype="int64") - np.repeat(np.cumsum(cells) - cells, cells)
    return (np.repeat(np.cumsum(n_rows) - n_rows, cells) + k // width,
            np.repeat(np.cumsum(n_cols) - n_cols, cells) + k % width)


def rectangle_sources(parts: list[dict[str, np.ndarray]], sheets: list[SheetInfo]) -> pa.Array:
    """The address of every cell of the matrix parts (each rectangle row by row)."""
    sheet = np.concatenate([p["sheet"] for p in parts])
    n_rows, n_cols = _sizes(parts)
    prefixes = column_prefixes(sheets, np.repeat(sheet, n_cols),
                               np.concatenate([p["cols"] for p in parts]))
    r0 = np.array([s[2] for s in sheets], dtype="int64")
    first_row = np.concatenate([p["rows"] for p in parts]) + r0[np.repeat(sheet, n_rows)] + 1
    r, c = rectangle_index(parts)
    return join_addresses(prefixes, c, first_row[r])


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: reading makes millions of short-lived cell
    objects and no reference cycles, and the collector's passes over them cost a third of
    the time. Reference counting still frees everything; the previous state is restored."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
