"""A sheet as the file gave it, before its shape is recognised."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["CellError", "RawSheet"]


class CellError(str):
    """A cell that holds no value to read: an error value such as ``#N/A``, or a formula saved
    without its result. Its text says which."""


@attrs.frozen(kw_only=True)
class RawSheet:
    """One sheet: ``cells`` (rows of values, ``""`` for empty) starting at the 0-based
    ``origin`` (row, column) of the sheet, and the merged ranges in sheet coordinates.
    ``hidden``: the sheet is hidden in the workbook; ``skipped``: why its cells were not
    read ("" when they were)."""

    file: str
    name: str
    cells: list[list[Any]]
    origin: tuple[int, int]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    hidden: bool = False
    skipped: str = ""
