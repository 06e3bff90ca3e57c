"""Open a workbook read-only and hand out its sheets as plain grids of values.

python-calamine (Rust) reads the cells. Nothing is ever written to the input file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import attrs
import python_calamine as pc

from ..vocab.errors import WorkbookError

__all__ = ["RawSheet", "WorkbookError", "read_sheets"]

# Compound-document header: legacy .xls files, and .xlsx files saved with a password.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@attrs.frozen(kw_only=True)
class RawSheet:
    """One sheet: ``cells`` (rows of values, ``""`` for empty) starting at the 0-based
    ``origin`` (row, column) of the sheet, and the merged ranges in sheet coordinates."""

    file: str
    name: str
    cells: list[list[Any]]
    origin: tuple[int, int]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]


def _check_file(path: Path) -> None:
    if not path.exists():
        raise WorkbookError(path, "文件不存在，请检查路径")
    if path.is_dir():
        raise WorkbookError(path, "这是一个文件夹，不是 Excel 文件")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE:
        if path.suffix.lower() == ".xls":
            raise WorkbookError(path, "旧版 .xls 格式无法读取，请在 Excel/WPS 中另存为 .xlsx 后再试")
        raise WorkbookError(path, "文件有密码保护或为旧版格式，请取消密码并另存为 .xlsx 后再试")
    if not zipfile.is_zipfile(path):
        raise WorkbookError(path, "不是 .xlsx 工作簿（文件损坏或格式不对），请用 Excel/WPS 另存为 .xlsx")


def read_sheets(path: str | Path) -> list[RawSheet]:
    """Every visible worksheet of the workbook at ``path``, in workbook order."""
    path = Path(path)
    _check_file(path)
    return _read_calamine(path)


def _read_calamine(path: Path) -> list[RawSheet]:
    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several types for damaged files
        raise WorkbookError(path, f"无法打开（{type(error).__name__}），文件可能已损坏；"
                                  "请用 Excel/WPS 打开后另存为 .xlsx") from None
    sheets = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet or meta.visible != pc.SheetVisibleEnum.Visible:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            cells = sheet.to_python()
            start = sheet.start or (0, 0)
            merged = [tuple(map(tuple, r)) for r in (sheet.merged_cell_ranges or [])]
            sheets.append(RawSheet(file=path.name, name=meta.name, cells=cells,
                                   origin=(int(start[0]), int(start[1])),
                                   merged=merged))  # type: ignore[arg-type]
    except Exception as error:
        raise WorkbookError(path, f"读取失败（{type(error).__name__}: {error}），文件可能已损坏")\
            from None
    finally:
        book.close()
    return sheets
