"""List-form records, rosters and logs kept as ``.csv`` (UTF-8, UTF-8 with BOM or GB18030,
as Excel and WPS save them): one sheet named after the file. A field of any length is read
(the file itself is of a bounded size); one over Excel's limit of 32,767 characters is a
:class:`~.raw.CellError`, reported where it is."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..vocab.errors import WorkbookError
from ..vocab.text import readable_path
from .raw import MAX_TEXT, RawSheet, too_long

__all__ = ["read_csv"]

_ENCODINGS = ("utf-8-sig", "gb18030")


def _text(path: Path, data: bytes) -> str:
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkbookError(path, "CSV 文件的编码无法识别（应为 UTF-8 或 GB18030），"
                              "请用 Excel/WPS 另存为 .xlsx 或 UTF-8 编码的 CSV")


def read_csv(path: Path, data: bytes) -> list[RawSheet]:
    """The file's rows as one sheet (every cell text; "" for an empty one)."""
    text = _text(path, data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    limit = csv.field_size_limit(max(len(text), MAX_TEXT) + 1)  # never refuse a long field
    try:
        rows = [[cell.strip() if len(cell) <= MAX_TEXT else too_long(cell) for cell in row]
                for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error:
        raise WorkbookError(path, "CSV 格式有误（引号不成对或有异常字符），"
                                  "请用 Excel/WPS 打开后另存为 .xlsx") from None
    finally:
        csv.field_size_limit(limit)
    return [RawSheet(file=readable_path(path.name), name=readable_path(path.stem), cells=rows,
                     origin=(0, 0), merged=[])]
