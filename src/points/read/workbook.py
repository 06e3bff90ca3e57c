"""Open a workbook read-only and hand out its sheets as plain grids of values.

python-calamine (Rust) reads ``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls`` and ``.ods``; ``.csv``
files are read as one list-form sheet (:mod:`.csvfile`). Every worksheet is read, hidden ones
too (they are marked so the issue list can say so). In ``.xlsx`` / ``.xlsm`` files, a sheet
whose used range is absurdly large is not read (calamine would allocate all of it), and cells
holding an error value (``#N/A``, ``#REF!`` …) or a formula saved without its value come back
as :class:`CellError`, never as an empty cell. Nothing is ever written to the input file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import attrs
import python_calamine as pc

from ..vocab.errors import WorkbookError
from .csvfile import read_csv
from .package import SheetPart, ods_merges, sheet_parts
from .raw import CellError, RawSheet

__all__ = ["MAX_CELLS", "CellError", "RawSheet", "read_sheets"]

# Compound-document header: legacy .xls files, and .xlsx files saved with a password.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIPPED = (".xlsx", ".xlsm", ".xlsb", ".ods")
#: A sheet whose used range holds more cells than this is not read (a stray cell at XFD1048576
#: makes a range of 17 billion cells).
MAX_CELLS = 20_000_000


def _check_file(path: Path, data: bytes) -> None:
    suffix, head = path.suffix.lower(), data[:8]
    if head == _OLE and suffix != ".xls":
        raise WorkbookError(path, "文件有密码保护（或是改了扩展名的旧版文件），"
                                  "请在 Excel/WPS 中取消密码并另存为 .xlsx 后再试")
    if suffix in _ZIPPED and not (head.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(data))):
        raise WorkbookError(path, f"不是 {suffix} 工作簿（文件损坏或格式不对），请用 Excel/WPS 另存为 .xlsx")
    if suffix == ".xls" and head != _OLE:
        raise WorkbookError(path, "不是 .xls 工作簿（文件损坏或格式不对），请用 Excel/WPS 另存为 .xlsx")


def read_sheets(path: str | Path, data: bytes | None = None) -> list[RawSheet]:
    """Every worksheet of the workbook at ``path`` (whose bytes are ``data`` when already
    read), in workbook order."""
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    _check_file(path, data)
    if path.suffix.lower() == ".csv":
        return read_csv(path, data)
    suffix = path.suffix.lower()
    parts = _parts(path) if suffix in (".xlsx", ".xlsm") else None
    sheets = _read_calamine(path, parts)
    if suffix == ".ods":
        merges = _ods_merges(path)
        sheets = [attrs.evolve(s, merged=merges.get(s.name, s.merged)) for s in sheets]
    return sheets


def _ods_merges(path: Path) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    try:
        with zipfile.ZipFile(path) as book:
            return ods_merges(book)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError):
        return {}


def _parts(path: Path) -> list[SheetPart] | None:
    try:
        with zipfile.ZipFile(path) as book:
            return sheet_parts(book)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError):
        return None  # calamine says what is wrong


def _open(path: Path) -> Any:
    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises several types for damaged files
        raise WorkbookError(path, "无法打开，文件可能已损坏；请用 Excel/WPS 打开后另存为 .xlsx") from None


def _read_calamine(path: Path, parts: list[SheetPart] | None) -> list[RawSheet]:
    book = _open(path)
    sheets: list[RawSheet] = []
    seen: dict[str, int] = {}
    try:
        worksheets = [(i, m) for i, m in enumerate(book.sheets_metadata)
                      if m.typ == pc.SheetTypeEnum.WorkSheet]
        for n, (index, meta) in enumerate(worksheets):
            part = parts[n] if parts is not None and n < len(parts) else None
            seen[meta.name] = seen.get(meta.name, 0) + 1
            name = meta.name if seen[meta.name] == 1 else f"{meta.name}（第{seen[meta.name]}个）"
            hidden = meta.visible != pc.SheetVisibleEnum.Visible
            if part is not None and part.rows * part.cols > MAX_CELLS:
                sheets.append(RawSheet(file=path.name, name=name, cells=[], origin=(0, 0),
                                       merged=[], hidden=hidden,
                                       skipped=f"已用范围过大（{part.rows:,} 行 × {part.cols:,} 列）"))
                continue
            sheets.append(_sheet(path, book.get_sheet_by_index(index), name, hidden, part))
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError(path, "读取失败，文件可能已损坏；请用 Excel/WPS 打开后另存为 .xlsx") from None
    finally:
        book.close()
    return sheets


def _sheet(path: Path, sheet: Any, name: str, hidden: bool, part: SheetPart | None) -> RawSheet:
    cells = sheet.to_python()
    start = sheet.start or (0, 0)
    origin = (int(start[0]), int(start[1]))
    if part is not None and part.errors:
        cells = _with_errors(cells, origin, part.errors)
    merged = [tuple(map(tuple, r)) for r in (sheet.merged_cell_ranges or [])]
    return RawSheet(file=path.name, name=name, cells=cells, origin=origin,
                    merged=merged, hidden=hidden)  # type: ignore[arg-type]


def _with_errors(cells: list[list[Any]], origin: tuple[int, int],
                 errors: dict[tuple[int, int], str]) -> list[list[Any]]:
    """``cells`` with each error cell (sheet coordinates) set to a :class:`CellError`; the
    grid grows where an error cell lies outside it."""
    r0, c0 = origin
    for (row, col), text in errors.items():
        r, c = row - r0, col - c0
        if r < 0 or c < 0:
            continue
        while len(cells) <= r:
            cells.append([])
        if len(cells[r]) <= c:
            cells[r] = cells[r] + [""] * (c + 1 - len(cells[r]))
        cells[r][c] = CellError(text)
    return cells
