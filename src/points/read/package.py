"""What the zip package of an .xlsx / .xlsm file says before its cells are read: whether
``points`` wrote it, each sheet's used range, and the cells holding an error value or a
formula saved without its value (python-calamine reads both as empty, which would make a
``#N/A`` look like an absence)."""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath

from defusedxml import ElementTree

from ..vocab.codes import OUTPUT_PROPERTY

__all__ = ["SheetPart", "is_points_output", "ods_merges", "sheet_parts"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"')
_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(/>|>(.*?)</c>)', re.S)
_ERROR_VALUE = re.compile(rb"<v>([^<]*)</v>")


class SheetPart:
    """One worksheet's XML part: its used rows and columns (from ``<dimension>``), and its
    error cells as ``{(row, col): text}`` (0-based)."""

    def __init__(self, name: str, rows: int, cols: int, errors: dict[tuple[int, int], str]
                 ) -> None:
        self.name, self.rows, self.cols, self.errors = name, rows, cols, errors


def is_points_output(book: zipfile.ZipFile) -> bool:
    """True when the workbook carries the marker every workbook ``points`` writes."""
    try:
        custom = book.read("docProps/custom.xml")
    except KeyError:
        return False
    return f'name="{OUTPUT_PROPERTY}"'.encode() in custom


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _errors(xml: bytes) -> dict[tuple[int, int], str]:
    """Error cells (``t="e"``) and formulas without a cached value, by position."""
    if b't="e"' not in xml and b"<f" not in xml:
        return {}
    found = {}
    for m in _CELL.finditer(xml):
        attrs, body = m.group(3), m.group(5) or b""
        at = (int(m.group(2)) - 1, _column(m.group(1)))
        if b't="e"' in attrs:
            value = _ERROR_VALUE.search(body)
            found[at] = value.group(1).decode("utf-8", "replace") if value else "#错误"
        elif b"<f" in body and b"<v>" not in body:
            found[at] = "公式（没有保存计算结果）"
    return found


def sheet_parts(book: zipfile.ZipFile) -> list[SheetPart]:
    """The worksheets in workbook order with their used range and error cells."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        try:
            xml = book.read(path)
        except KeyError:
            continue  # a chart sheet or a missing part: calamine decides
        dim = _DIMENSION.search(xml[:4096])
        rows = int(dim.group(2)) if dim else 0
        cols = _column(dim.group(1)) + 1 if dim else 0
        parts.append(SheetPart(sheet.get("name", ""), rows, cols, _errors(xml)))
    return parts


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _int(element: object, name: str) -> int:
    return int(element.get(f"{_TABLE}{name}", "1"))  # type: ignore[attr-defined]


def ods_merges(book: zipfile.ZipFile) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """The merged ranges of each sheet of an ``.ods`` file (python-calamine gives none), from
    the spans of its cells: sheet name → ``((first row, first col), (last row, last col))``."""
    out: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    with book.open("content.xml") as content:
        for table in ElementTree.parse(content).getroot().iter(f"{_TABLE}table"):
            merges = out.setdefault(table.get(f"{_TABLE}name", ""), [])
            row = 0
            for tr in table.iter(f"{_TABLE}table-row"):
                col = 0
                for cell in tr:
                    if cell.tag == f"{_TABLE}table-cell":
                        rows, cols = _int(cell, "number-rows-spanned"), _int(cell, "number-columns-spanned")
                        if rows > 1 or cols > 1:
                            merges.append(((row, col), (row + rows - 1, col + cols - 1)))
                    col += _int(cell, "number-columns-repeated")
                row += _int(tr, "number-rows-repeated")
    return out
