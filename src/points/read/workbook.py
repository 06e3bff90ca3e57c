"""Open a workbook read-only and hand out its sheets as plain grids of values.

python-calamine (Rust) reads ``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls`` and ``.ods``; ``.csv``
files are read as one list-form sheet (:mod:`.csvfile`). The file's bytes are read once (for
its SHA-256 and for the reader, so a name that is not UTF-8 is no obstacle). Every worksheet
is read, hidden ones too (they are marked so the issue list can say so). In ``.xlsx`` /
``.xlsm`` files (see :mod:`.package`), a sheet whose real extent is absurdly large is not read
(calamine would allocate all of it); cells holding an error value (``#N/A``, ``#REF!``,
``#GETTING_DATA`` …), a formula saved without its value or a ``NaN`` come back as
:class:`CellError`, never as an empty cell, and so does text over Excel's 32,767 characters.
A sheet python-calamine fails on (a panic in its Rust code) is a sheet not read, with the
reason; the other sheets and files still count. Nothing is ever written to the input file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import attrs
import python_calamine as pc

from ..vocab.errors import WorkbookError
from ..vocab.text import readable_path
from .csvfile import read_csv
from .package import MAX_CELLS, SheetPart, ods_merges, sheet_parts
from .raw import MAX_TEXT, CellError, RawSheet, too_long

__all__ = ["MAX_CELLS", "CellError", "RawSheet", "read_sheets"]

# Compound-document header: legacy .xls files, and .xlsx files saved with a password.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIPPED = (".xlsx", ".xlsm", ".xlsb", ".ods")
#: The part a package of each of these kinds cannot be without.
_PART = {".ods": "content.xml", ".xlsb": "xl/workbook.bin"}


def _check_file(path: Path, data: bytes) -> None:
    suffix, head = path.suffix.lower(), data[:8]
    if head == _OLE and suffix != ".xls":
        raise WorkbookError(path, "文件有密码保护（或是改了扩展名的旧版文件），"
                                  "请在 Excel/WPS 中取消密码并另存为 .xlsx 后再试")
    if suffix in _ZIPPED and not (head.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(data))):
        raise WorkbookError(path, f"不是 {suffix} 工作簿（文件损坏或格式不对），请用 Excel/WPS 另存为 .xlsx")
    if suffix == ".xls" and head != _OLE:
        raise WorkbookError(path, "不是 .xls 工作簿（文件损坏或格式不对），请用 Excel/WPS 另存为 .xlsx")
    if suffix in _PART:  # the reader goes by the content: the extension must say what it is
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            names = set(book.namelist())
        if _PART[suffix] not in names:
            actually = "内容其实是 .xlsx 工作簿，请把扩展名改为 .xlsx" if "xl/workbook.xml" in names \
                else "文件损坏或格式不对，请用 Excel/WPS 另存为 .xlsx"
            raise WorkbookError(path, f"不是 {suffix} 工作簿（{actually}）")


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
    parts = _parts(data) if suffix in (".xlsx", ".xlsm") else None
    sheets = _read_calamine(path, _cleaned(data, parts), parts)
    if suffix == ".ods":
        merges = _ods_merges(data)
        sheets = [attrs.evolve(s, merged=merges.get(s.name, s.merged)) for s in sheets]
    return sheets


def _ods_merges(data: bytes) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return ods_merges(book)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError):
        return {}


def _parts(data: bytes) -> list[SheetPart] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return sheet_parts(book)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError):
        return None  # calamine says what is wrong


def _cleaned(data: bytes, parts: list[SheetPart] | None) -> bytes:
    """The package with each sheet python-calamine would fail on replaced by its cleaned XML
    (in memory; the file is untouched), or ``data`` itself when no sheet needs it."""
    clean = {p.path: p.clean for p in parts or () if p.clean is not None}
    if not clean:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as book, zipfile.ZipFile(out, "w") as copy:
        for info in book.infolist():
            copy.writestr(info.filename, clean.get(info.filename) or book.read(info))
    return out.getvalue()


def _panic(error: BaseException) -> bool:
    """A panic in python-calamine's Rust code (a ``BaseException``, raised for bad cells)."""
    return type(error).__name__ == "PanicException"


def _open(path: Path, data: bytes) -> Any:
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as error:  # calamine raises several types for damaged files
        if not isinstance(error, Exception) and not _panic(error):
            raise
        raise WorkbookError(path, "无法打开，文件可能已损坏；请用 Excel/WPS 打开后另存为 .xlsx") from None


def _read_calamine(path: Path, data: bytes, parts: list[SheetPart] | None) -> list[RawSheet]:
    book = _open(path, data)
    file = readable_path(path.name)
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
            sheets.append(_one_sheet(book, index, RawSheet(file=file, name=name, cells=[],
                                                           origin=(0, 0), merged=[],
                                                           hidden=hidden), part))
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError(path, "读取失败，文件可能已损坏；请用 Excel/WPS 打开后另存为 .xlsx") from None
    finally:
        book.close()
    return sheets


def _one_sheet(book: Any, index: int, empty: RawSheet, part: SheetPart | None) -> RawSheet:
    """The sheet at ``index``; ``empty`` (with the reason) when it is not read."""
    if part is not None and part.rows * part.cols > MAX_CELLS:
        return attrs.evolve(empty, skipped=f"已用范围过大（{part.rows:,} 行 × {part.cols:,} 列），"
                            "此工作表未读取；请删除多余的单元格（选中空白行列后“删除”）再保存")
    try:
        return _sheet(empty.file, book.get_sheet_by_index(index), empty.name, empty.hidden, part)
    except BaseException as error:
        if not _panic(error):
            raise
    return attrs.evolve(empty, skipped="有读取程序无法处理的单元格，此工作表未读取；"
                        "请用 Excel/WPS 打开后另存为 .xlsx 再试")


def _sheet(file: str, sheet: Any, name: str, hidden: bool, part: SheetPart | None) -> RawSheet:
    cells = sheet.to_python()
    start = sheet.start or (0, 0)
    origin = (int(start[0]), int(start[1]))
    if part is not None and part.long_text:
        cells = _cut_long(cells)
    if part is not None and part.errors:
        cells, origin = _with_errors(cells, origin, part.errors)
    merged = [tuple(map(tuple, r)) for r in (sheet.merged_cell_ranges or [])]
    return RawSheet(file=file, name=name, cells=cells, origin=origin,
                    merged=merged, hidden=hidden)  # type: ignore[arg-type]


def _cut_long(cells: list[list[Any]]) -> list[list[Any]]:
    """``cells`` with each text over :data:`MAX_TEXT` characters replaced by
    :func:`~.raw.too_long` (only for a sheet whose XML may hold one: rare)."""
    return [[too_long(v) if isinstance(v, str) and len(v) > MAX_TEXT else v for v in row]
            for row in cells]


def _with_errors(cells: list[list[Any]], origin: tuple[int, int],
                 errors: dict[tuple[int, int], str]
                 ) -> tuple[list[list[Any]], tuple[int, int]]:
    """``cells`` with each error cell (sheet coordinates) set to a :class:`CellError`, and
    their origin; the grid grows where an error cell lies outside it (calamine's range starts
    at the first cell it sees a value in, and an error cell is empty to it)."""
    top = min(origin[0], *(r for r, _ in errors)) if cells else min(r for r, _ in errors)
    left = min(origin[1], *(c for _, c in errors)) if cells else min(c for _, c in errors)
    up, right = origin[0] - top, origin[1] - left
    if up or right:
        cells = [[] for _ in range(up)] + [[""] * right + row for row in cells]
    for (row, col), text in errors.items():
        r, c = row - top, col - left
        while len(cells) <= r:
            cells.append([])
        if len(cells[r]) <= c:
            cells[r] = cells[r] + [""] * (c + 1 - len(cells[r]))
        cells[r][c] = CellError(text)
    return cells, (top, left)
