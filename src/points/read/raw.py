"""A sheet as the file gave it, before its shape is recognised."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["MAX_TEXT", "CellError", "RawSheet", "too_long"]

#: Excel's limit on the characters of one cell.
MAX_TEXT = 32_767


class CellError(str):
    """A cell that holds no value to read: an error value such as ``#N/A``, a formula saved
    without its result, a number that is not finite, text over Excel's limit. Its text says
    which."""


def too_long(text: str) -> CellError:
    """The :class:`CellError` that stands for ``text``, over :data:`MAX_TEXT` characters."""
    return CellError(f"超过 {MAX_TEXT:,} 字的文字（{len(text):,} 字）")


@attrs.frozen(kw_only=True)
class RawSheet:
    """One sheet: ``cells`` (rows of values, ``""`` for empty) starting at the 0-based
    ``origin`` (row, column) of the sheet, and the merged ranges in sheet coordinates.
    ``hidden``: the sheet is hidden in the workbook; ``skipped``: why its cells were not
    read, and what to do (the data issue's message; "" when they were read)."""

    file: str
    name: str
    cells: list[list[Any]]
    origin: tuple[int, int]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    hidden: bool = False
    skipped: str = ""
