"""Which files are read: every file given, and every file in a folder given, is read or
accounted for with the reason it is not (a data issue ``skipped_file``).

Spreadsheets (``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``) and ``.csv`` lists are read,
their extensions in any case. Workbooks ``points`` wrote (they carry its marker) are skipped,
so a re-run in the same folder never reads last run's results back; the scan cache's folder
(:mod:`.cache`) is passed over without a word. Only regular files of a
sane size are opened: a pipe or a device would hang the reader, a huge file exhaust memory.
A file named explicitly that cannot be read is an error (the user asked for it); in a folder
it is skipped with an issue, so that one stray file never stops a branch's run.
"""

from __future__ import annotations

import stat
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

import attrs

from ..vocab.errors import WorkbookError, os_problem
from ..vocab.text import readable_path
from .cache import is_cache_dir
from .package import MARKER_PART, is_points_output

__all__ = ["MAX_BYTES", "READABLE", "Inputs", "collect_inputs"]

#: The extensions read (compared in lower case).
READABLE = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")
#: Files larger than this are not opened (a city's branch workbook is well under 1 MB).
MAX_BYTES = 200 * 1024 * 1024
_HINTS = {".et": "WPS 表格专用格式 .et 无法读取，请在 WPS 中“另存为” .xlsx 后再读入",
          ".numbers": "Numbers 格式无法读取，请导出为 .xlsx 后再读入",
          ".xltx": "这是 Excel 模板，请另存为 .xlsx 后再读入"}


@attrs.frozen(kw_only=True)
class Inputs:
    """The files to read (as given, in a stable order) and the ``(path, reason)`` of each
    file found in a folder and not read."""

    files: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


def _problem(path: Path) -> str:
    """Why ``path`` is not read ("" when it is read)."""
    if path.name.startswith(("~$", ".~")):
        return "Excel/WPS 打开文件时生成的临时文件，未读取"
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        return _HINTS.get(suffix, f"不是表格文件（{path.suffix or '无扩展名'}），未读取")
    try:
        info = path.stat()
    except OSError as error:
        return f"无法读取：{os_problem(error)}"
    if not stat.S_ISREG(info.st_mode):
        return "不是普通文件（管道或设备），未读取"
    if info.st_size > MAX_BYTES:
        return f"文件过大（{info.st_size / 2**20:,.0f} MB，上限 {MAX_BYTES / 2**20:,.0f} MB），未读取"
    if suffix in (".xlsx", ".xlsm") and _ours(path, info.st_size):
        return "这是 points 写出的结果文件（复核工作簿、公示等），不作为输入读取"
    return ""


#: The bytes at the end of a file looked at first: the zip's end record and its central
#: directory (the names of its parts) lie there in any workbook a branch keeps.
_TAIL_BYTES = 1 << 16
_END = struct.Struct("<4s4H2LH")  # a zip's end of central directory record


def _names_marker(path: Path, size: int) -> bool | None:
    """Whether the central directory of the zip at ``path`` names the part that carries
    ``points``' marker, from the last :data:`_TAIL_BYTES` of the file; None when they do not
    hold the whole directory (zip64, a long comment, a huge directory: open it as a zip).
    ``zipfile`` finds the directory just before the end record, and so does this."""
    with path.open("rb") as file:
        file.seek(max(0, size - _TAIL_BYTES))
        tail = file.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < _END.size:
        return None
    *_, directory, offset, _comment = _END.unpack_from(tail, end)
    if offset == 0xFFFFFFFF or directory > end:
        return None
    return MARKER_PART in tail[end - directory:end]


def _ours(path: Path, size: int) -> bool:
    try:
        if _names_marker(path, size) is False:
            return False  # no such part, no marker (a branch's workbook: its last 64 kB read)
        with zipfile.ZipFile(path) as book:
            return is_points_output(book)
    except (zipfile.BadZipFile, OSError):
        return False


def collect_inputs(paths: Iterable[str | Path]) -> Inputs:
    """The files to read among ``paths`` (files, or folders whose files are all considered;
    sub-folders are not entered but reported)."""
    files: set[str] = set()
    skipped: list[tuple[str, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_dir() and is_cache_dir(child):
                    continue  # the scan cache (see .cache): not input, and not worth a word
                reason = "子文件夹，未读取（只读所给文件夹本层的文件）" if child.is_dir() \
                    else _problem(child)
                if reason:
                    skipped.append((readable_path(str(child)), reason))
                else:
                    files.add(str(child))
            continue
        if not path.exists() and not path.is_symlink():
            raise WorkbookError(path, "文件不存在，请检查路径")
        reason = _problem(path)
        if reason.startswith("这是 points 写出的"):
            skipped.append((readable_path(str(path)), reason))
        elif reason:
            raise WorkbookError(path, reason.removesuffix("，未读取"))
        else:
            files.add(str(path))
    return Inputs(files=tuple(sorted(files)), skipped=tuple(sorted(skipped)))
