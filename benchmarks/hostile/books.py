"""The files the hostile corpus is made of: a clean branch (roster + one sign-in sheet) written
with openpyxl, hand-made .xlsx packages (raw zip and XML bytes, for container damage), CSV
bytes in several encodings and ruleset text.

Everything here is deterministic: the same call writes the same bytes (zip entries carry a
fixed timestamp; openpyxl's document properties are pinned)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

from points.vocab.text import column_letter

__all__ = ["BRANCH", "MEMBERS", "ROSTER_HEADER", "SCORE", "SIGNIN_DATES", "Raw", "appraisal_rows", "base",
           "patch_zip", "raw_parts", "raw_xlsx", "roster_only", "roster_rows", "sheet_xml", "signin_rows",
           "write_book", "zip_bytes"]

BRANCH = "第一党支部"
#: (member id, name, category, joined)
MEMBERS = [("A01", "张三", "在职党员", dt.date(2010, 5, 1)),
           ("A02", "李四", "在职党员", dt.date(2011, 5, 1)),
           ("A03", "王五", "流动党员", dt.date(2012, 5, 1))]
ROSTER_HEADER = ["序号", "党员编号", "姓名", "所在支部", "党员类别", "入党（转入）日期"]
#: The sign-in sheet's date headers (D2, E2, F2).
SIGNIN_DATES = ["1月5日", "2月5日", "3月5日"]
_MARKS = [["√", "√", "请假"], ["√", "×", "√"], ["√", "√", "√"]]
_FIXED = dt.datetime(2024, 1, 1)
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def roster_rows(members: Sequence[tuple[Any, ...]] = MEMBERS, branch: str = BRANCH) -> list[list[Any]]:
    """The 党员名册 sheet: header in row 1, names in C2, C3, C4 …"""
    return [ROSTER_HEADER] + [[i, mid, name, branch, cat, joined]
                              for i, (mid, name, cat, joined) in enumerate(members, 1)]


def appraisal_rows(members: Sequence[tuple[Any, ...]] = MEMBERS) -> list[list[Any]]:
    return [["党员编号", "姓名", "评议结果"]] + [[m[0], m[1], "合格"] for m in members]


def signin_rows(*, ids: bool = True, names: Sequence[str] | None = None,
                title: str = f"{BRANCH}2024年主题党日签到表",
                dates: Sequence[Any] = SIGNIN_DATES) -> list[list[Any]]:
    """A one-activity sign-in matrix: title in A1, header in row 2 (序号, 姓名, [党员编号,] dates),
    a row per member from row 3. With ``ids`` the dates start in D, else in C."""
    names = [m[1] for m in MEMBERS] if names is None else names
    header = ["序号", "姓名"] + (["党员编号"] if ids else []) + list(dates)
    rows: list[list[Any]] = [[title], header]
    for i, (member, name) in enumerate(zip(MEMBERS, names, strict=False)):
        rows.append([i + 1, name] + ([member[0]] if ids else []) + _MARKS[i][:len(dates)])
    return rows


def write_book(path: Path, sheets: dict[str, Sequence[Sequence[Any]]],
               post: Callable[[Any], None] | None = None) -> Path:
    """An .xlsx written by openpyxl: sheet name → rows (None for an empty cell); ``post(book)``
    may then change cells (error values, formulas, formats)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for line in ws.iter_rows():  # text that starts with "=" is text here, never a formula
            for cell in line:
                if cell.data_type == "f":
                    cell.data_type = "s"
    if post is not None:
        post(book)
    book.properties.created = book.properties.modified = _FIXED
    book.properties.creator = "hostile"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_pin_times(buffer.getvalue()))
    return path


def _pin_times(data: bytes) -> bytes:
    """The same package with every entry's timestamp fixed, and the modification time openpyxl
    stamps on saving (so the corpus is byte-stable)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = []
    for info in source.infolist():
        part = source.read(info)
        if info.filename == "docProps/core.xml":
            part = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", part)
        entries.append((info.filename, part))
    return zip_bytes(entries)


def zip_bytes(entries: Iterable[tuple[str, bytes]], *, level: int = 6) -> bytes:
    """A zip archive of ``(name, bytes)`` entries, deflated, with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=level)
    return buffer.getvalue()


def patch_zip(path: Path, member: str, old: bytes, new: bytes, count: int = 1) -> Path:
    """Replace ``old`` by ``new`` in one part of the package at ``path`` (raises if absent)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    entries = []
    for info in source.infolist():
        data = source.read(info)
        if info.filename == member:
            if old not in data:
                raise ValueError(f"{old!r} not in {member}")
            data = data.replace(old, new, count)
        entries.append((info.filename, data))
    path.write_bytes(zip_bytes(entries))
    return path


# -- hand-made packages ---------------------------------------------------------------------

class Raw:
    """A cell given as raw XML (``<c …>…</c>``; ``{ref}`` is replaced by the cell address)."""

    def __init__(self, xml: str) -> None:
        self.xml = xml


def _cell(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value.xml.replace("{ref}", ref)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: Sequence[Sequence[Any]], *, dimension: str | None = "auto", prolog: str = "",
              extra_rows: str = "") -> bytes:
    """A worksheet part: ``dimension`` "auto" (the used range), a literal ref, or None (no
    ``<dimension>`` element); ``prolog`` goes before ``<worksheet>`` (a DOCTYPE);
    ``extra_rows`` is raw XML appended inside ``<sheetData>``."""
    body = []
    for r, row in enumerate(rows, 1):
        cells = "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    if dimension == "auto":
        width = max((len(r) for r in rows), default=1)
        dimension = f"A1:{column_letter(max(width, 1) - 1)}{max(len(rows), 1)}"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'{dim}<sheetData>{"".join(body)}{extra_rows}</sheetData></worksheet>').encode()


_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>')
_CT_SHEET = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '{rels}</Relationships>')
_WB_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
           '2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets>{sheets}</sheets></workbook>')


def raw_parts(sheets: Sequence[tuple[str, bytes]], *, workbook_prolog: str = ""
              ) -> list[tuple[str, bytes]]:
    """The parts of a minimal package holding ``(sheet name, sheet XML)`` in order."""
    n = range(1, len(sheets) + 1)
    names = "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                    for i, (name, _) in zip(n, sheets, strict=True))
    parts = [("[Content_Types].xml", _CT.format(sheets="".join(_CT_SHEET.format(n=i) for i in n)).encode()),
             ("_rels/.rels", _RELS.encode()),
             ("xl/workbook.xml", _WB.format(prolog=workbook_prolog, sheets=names).encode()),
             ("xl/_rels/workbook.xml.rels",
              _WB_RELS.format(rels="".join(_WB_REL.format(n=i) for i in n)).encode())]
    parts += [(f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in zip(n, sheets, strict=True)]
    return parts


def raw_xlsx(path: Path, sheets: Sequence[tuple[str, bytes]], *, drop: Iterable[str] = (),
             extra: Sequence[tuple[str, bytes]] = (), workbook_prolog: str = "",
             level: int = 6) -> Path:
    """A hand-made .xlsx: the parts of :func:`raw_parts` minus ``drop``, plus ``extra``."""
    dropped = set(drop)
    parts = [p for p in raw_parts(sheets, workbook_prolog=workbook_prolog) if p[0] not in dropped]
    path.write_bytes(zip_bytes([*parts, *extra], level=level))
    return path


# -- the clean branch every case starts from ------------------------------------------------

#: ``points score`` on the clean branch (its two files, in the case's folder).
SCORE = ("score", "名册.xlsx", "签到.xlsx", "-o", "复核.xlsx")


def base(d: Path, *, roster: Sequence[Sequence[Any]] | None = None,
         signin: Sequence[Sequence[Any]] | None = None, ids: bool = True,
         roster_post: Callable[[Any], None] | None = None,
         signin_post: Callable[[Any], None] | None = None,
         extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None) -> list[Path]:
    """名册.xlsx (党员名册, 民主评议) and 签到.xlsx (主题党日, plus ``extra_sheets``) in ``d``."""
    r = write_book(d / "名册.xlsx", {"党员名册": roster_rows() if roster is None else roster,
                                    "民主评议": appraisal_rows()}, roster_post)
    sheets = {"主题党日": signin_rows(ids=ids) if signin is None else signin, **(extra_sheets or {})}
    s = write_book(d / "签到.xlsx", sheets, signin_post)
    return [r, s]


def roster_only(d: Path) -> Path:
    return write_book(d / "名册.xlsx", {"党员名册": roster_rows(), "民主评议": appraisal_rows()})
