"""Container damage: files that are not the workbooks their names say, damaged packages, zip
and XML bombs, absurd sheet ranges, thousands of sheets, lock files and strangers in a folder,
files ``points`` wrote, CSV files in several encodings."""

from __future__ import annotations

import codecs
import io
import os
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .books import (
    Raw,
    base,
    raw_parts,
    raw_xlsx,
    roster_only,
    roster_rows,
    sheet_xml,
    signin_rows,
    write_book,
    zip_bytes,
)
from .corpus import Spec, plan, points_outputs

__all__ = ["PASSWD", "specs"]

CATEGORY = "container"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
PASSWD = "root:x:0:0"


def _spec(case_id: str, build: Any, **kw: Any) -> Spec:
    return Spec(f"con-{case_id}", CATEGORY, build, kw)


def _signin_file(d: Path, name: str, data: bytes, expect: str = "error", also: tuple[str, ...] = (),
                 title: str = "", **kw: Any) -> dict[str, Any]:
    """A clean roster and ``name`` holding ``data`` in place of the sign-in workbook."""
    r = roster_only(d)
    p = d / name
    p.write_bytes(data)
    return plan(("score", "名册.xlsx", name, "-o", "复核.xlsx"), [r, p], expect, also=also,
                title=title, **kw)


def _clean_signin(d: Path) -> bytes:
    return write_book(d / "签到.xlsx", {"主题党日": signin_rows()}).read_bytes()


# -- empty, truncated, not a zip ---------------------------------------------------------------

def empty(d: Path, suffix: str) -> dict[str, Any]:
    return _signin_file(d, f"签到{suffix}", b"", title=f"an empty {suffix} file")


def truncated(d: Path, keep: float | int) -> dict[str, Any]:
    data = _clean_signin(d)
    n = int(len(data) * keep) if isinstance(keep, float) else len(data) + keep
    return _signin_file(d, "签到.xlsx", data[:n], title=f"zip truncated to {n} of {len(data)} bytes")


_NOT_ZIP = {
    "text": "这不是工作簿，只是一段文字。\n".encode(),
    "html": ("<html><head><meta charset='utf-8'></head><body><table><tr><td>姓名</td><td>签到</td>"
             "</tr><tr><td>张三</td><td>√</td></tr></table></body></html>").encode(),
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n" + bytes(64),
    "csv": "姓名,签到\n张三,√\n".encode(),
    "utf16": "姓名\t签到\n张三\t√\n".encode("utf-16"),
    "random": bytes((i * 7919 + 13) % 251 for i in range(4096)),
    "gzip": b"\x1f\x8b\x08\x00" + bytes(60),
    "pk-header-only": b"PK\x03\x04" + bytes(26),
}


def not_zip(d: Path, kind: str, suffix: str = ".xlsx") -> dict[str, Any]:
    return _signin_file(d, f"签到{suffix}", _NOT_ZIP[kind], title=f"{kind} bytes named {suffix}")


# -- bombs -------------------------------------------------------------------------------------

def _stream_zip(path: Path, parts: list[tuple[str, bytes]], big: str, chunks: Iterator[bytes]) -> None:
    """A package of ``parts`` plus the part ``big`` written chunk by chunk (never in memory)."""
    with zipfile.ZipFile(path, "w", compresslevel=9) as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        info = zipfile.ZipInfo(big, _ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as handle:
            for chunk in chunks:
                handle.write(chunk)


_MB = 1 << 20


def bomb(d: Path, mode: str, megabytes: int) -> dict[str, Any]:
    r = roster_only(d)
    p = d / "签到.xlsx"
    xml = sheet_xml(signin_rows())
    head, tail = xml.split(b"</sheetData>")
    if mode == "spaces":  # white space between the rows: valid XML, a few hundred MB of it
        parts = raw_parts([("主题党日", b"")])[:-1]
        chunks = iter([head, *([b" " * _MB] * megabytes), b"</sheetData>" + tail])
        _stream_zip(p, parts, "xl/worksheets/sheet1.xml", chunks)
        title = f"sheet XML padded with {megabytes} MB of white space"
    elif mode == "cell":  # one cell of a few hundred MB
        parts = raw_parts([("主题党日", b"")])[:-1]
        cell = b'<row r="7"><c r="B7" t="inlineStr"><is><t>'
        chunks = iter([head, cell, *([b"A" * _MB] * megabytes), b"</t></is></c></row></sheetData>" + tail])
        _stream_zip(p, parts, "xl/worksheets/sheet1.xml", chunks)
        title = f"one name cell of {megabytes} MB"
    elif mode == "media":  # a part nobody needs to read
        parts = raw_parts([("主题党日", xml)])
        _stream_zip(p, parts, "xl/media/image1.bin", iter([bytes(_MB)] * megabytes))
        title = f"an unused {megabytes} MB part"
    else:  # "liesize": the zip headers claim the sheet is 1 kB
        parts = raw_parts([("主题党日", b"")])[:-1]
        chunks = iter([head, *([b" " * _MB] * megabytes), b"</sheetData>" + tail])
        _stream_zip(p, parts, "xl/worksheets/sheet1.xml", chunks)
        p.write_bytes(_lie_size(p.read_bytes(), "xl/worksheets/sheet1.xml", 1024))
        title = f"{megabytes} MB sheet whose zip headers claim 1 kB"
    expect, also = {"spaces": ("ok", ("error",)), "cell": ("ok", ("error",)),
                    "media": ("ok", ()), "liesize": ("error", ("ok",))}[mode]
    return plan(("score", "名册.xlsx", "签到.xlsx", "-o", "复核.xlsx"), [r, p], expect, also=also,
                title=title, inprocess=False)


def _lie_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the uncompressed size of entry ``name`` set to ``size`` in its local and
    central headers (zip64 extra fields are left saying the truth)."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    offset = info.header_offset
    if out[offset + 22:offset + 26] != b"\xff\xff\xff\xff":
        out[offset + 22:offset + 26] = struct.pack("<I", size)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack("<H", out[at + 28:at + 30])[0]
        if out[at + 46:at + 46 + length] == name.encode():
            out[at + 24:at + 28] = struct.pack("<I", size)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


# -- XML entities --------------------------------------------------------------------------------

_XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
_LAUGHS = ("<!DOCTYPE worksheet [<!ENTITY lol \"lol\">"
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                     for i in range(1, 10)) + "]>\n")
_QUADRATIC = '<!DOCTYPE worksheet [<!ENTITY a "' + "A" * 50_000 + '">]>\n'
_PARAM = '<!DOCTYPE worksheet [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'


def entities(d: Path, kind: str) -> dict[str, Any]:
    r = roster_only(d)
    p = d / "签到.xlsx"
    rows = signin_rows(ids=False)
    prolog, wb_prolog, name = "", "", "主题党日"
    if kind == "xxe-sheet":
        prolog, rows[2][1] = _XXE, Raw('<c r="{ref}" t="inlineStr"><is><t>&xxe;</t></is></c>')
    elif kind == "xxe-workbook":
        wb_prolog = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        name = "&xxe;"
    elif kind == "laughs-sheet":
        prolog, rows[2][1] = _LAUGHS, Raw('<c r="{ref}" t="inlineStr"><is><t>&lol9;</t></is></c>')
    elif kind == "laughs-workbook":
        wb_prolog, name = _LAUGHS.replace("worksheet", "workbook"), "&lol9;"
    elif kind == "quadratic":
        prolog = _QUADRATIC
        rows[2][1] = Raw('<c r="{ref}" t="inlineStr"><is><t>' + "&a;" * 40_000 + "</t></is></c>")
    else:  # "param"
        prolog = _PARAM
    sheets = [(name, sheet_xml(rows, prolog=prolog))]
    if "workbook" in kind:
        p.write_bytes(zip_bytes(_with_raw_name(raw_parts(sheets, workbook_prolog=wb_prolog), name)))
    else:
        raw_xlsx(p, sheets)
    return plan(("score", "名册.xlsx", "签到.xlsx", "-o", "复核.xlsx"), [r, p], "error", also=("ok",),
                title=f"XML entities: {kind}", forbidden=(PASSWD,), inprocess="laugh" not in kind
                and kind != "quadratic")


def _with_raw_name(parts: list[tuple[str, bytes]], name: str) -> list[tuple[str, bytes]]:
    """The workbook part with the sheet name unescaped (an entity reference, not text)."""
    escaped = name.replace("&", "&amp;").encode()
    return [(n, data.replace(escaped, name.encode()) if n == "xl/workbook.xml" else data)
            for n, data in parts]


# -- used ranges -----------------------------------------------------------------------------------

def dimension(d: Path, kind: str) -> dict[str, Any]:
    r = roster_only(d)
    p = d / "签到.xlsx"
    rows = signin_rows()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    skipped = ("skipped_sheet", "签到.xlsx!主题党日!A1")
    kw: dict[str, Any] = {}
    if kind == "absurd":
        raw_xlsx(p, [("主题党日", sheet_xml(rows, dimension="A1:XFD1048576"))])
        kw = {"expect": "issue", "issue": skipped, "title": "dimension A1:XFD1048576, 5 real rows"}
    elif kind == "stray-xfd":
        write_book(p, {"主题党日": rows}, lambda b: b["主题党日"].cell(1048576, 16384, "x"))
        kw = {"expect": "issue", "issue": skipped, "title": "a stray cell at XFD1048576"}
    elif kind == "stray-last-row":
        write_book(p, {"主题党日": rows}, lambda b: b["主题党日"].cell(1048576, 1, "x"))
        kw = {"title": "a stray cell at A1048576 (6 M cells: read)", "inprocess": False}
    elif kind == "stray-last-col":
        write_book(p, {"主题党日": rows}, lambda b: b["主题党日"].cell(1, 16384, "x"))
        kw = {"title": "a stray cell at XFD1"}
    elif kind == "no-dimension-stray":
        raw_xlsx(p, [("主题党日", sheet_xml(rows, dimension=None, extra_rows=far))])
        kw = {"expect": "issue", "issue": skipped, "inprocess": False,
              "title": "no <dimension>, a stray cell at XFD1048576"}
    elif kind == "lying-dimension-stray":
        raw_xlsx(p, [("主题党日", sheet_xml(rows, dimension="A1:F5", extra_rows=far))])
        kw = {"expect": "issue", "issue": skipped, "inprocess": False,
              "title": "<dimension> says A1:F5, a stray cell at XFD1048576"}
    elif kind == "garbage":
        raw_xlsx(p, [("主题党日", sheet_xml(rows, dimension="ZZZZ99999999999999999:A"))])
        kw = {"title": "a garbage <dimension>", "also": ("error",)}
    else:  # "roster": the only roster has an absurd range
        p = d / "签到.xlsx"
        write_book(p, {"主题党日": rows})
        r = d / "名册.xlsx"
        raw_xlsx(r, [("党员名册", sheet_xml(roster_rows(), dimension="A1:XFD1048576"))])
        kw = {"expect": "error", "title": "the only roster has dimension A1:XFD1048576"}
    expect = kw.pop("expect", "ok")
    # the year is given: with the sign-in sheet skipped, no date would say it
    argv = ("score", "名册.xlsx", "签到.xlsx", "-o", "复核.xlsx", "--year", "2024")
    return plan(argv, [r, p], expect, **kw)


# -- many sheets, odd sheet names --------------------------------------------------------------------

def sheets(d: Path, kind: str) -> dict[str, Any]:
    r = roster_only(d)
    p = d / "签到.xlsx"
    signin = sheet_xml(signin_rows())
    if kind == "3000-empty":
        raw_xlsx(p, [("主题党日", signin)] + [(f"Sheet{i}", sheet_xml([])) for i in range(2, 3001)])
    elif kind == "2000-copies":
        raw_xlsx(p, [(f"主题党日{i}", signin) for i in range(1, 2001)])
    elif kind == "same-name":
        raw_xlsx(p, [("主题党日", signin), ("主题党日", signin)])
    elif kind == "long-name":
        raw_xlsx(p, [("主题党日" * 60, signin)])
    else:  # "empty-name"
        raw_xlsx(p, [("", signin)])
    return plan(("score", "名册.xlsx", "签到.xlsx", "-o", "复核.xlsx"), [r, p], "ok",
                title=f"sheets: {kind}", inprocess=not kind[0].isdigit())


# -- missing and broken parts -------------------------------------------------------------------------

def parts(d: Path, kind: str) -> dict[str, Any]:
    r = roster_only(d)
    p = d / "签到.xlsx"
    rows = signin_rows()
    sheets_ = [("主题党日", sheet_xml(rows))]
    expect, also, forbidden = "error", ("ok",), ()
    if kind == "no-workbook":
        raw_xlsx(p, sheets_, drop=["xl/workbook.xml"])
        also = ()
    elif kind == "no-workbook-rels":
        raw_xlsx(p, sheets_, drop=["xl/_rels/workbook.xml.rels"])
    elif kind == "no-content-types":
        raw_xlsx(p, sheets_, drop=["[Content_Types].xml"])
    elif kind == "no-sheet-part":
        raw_xlsx(p, sheets_, drop=["xl/worksheets/sheet1.xml"])
    elif kind == "workbook-garbage":
        built = raw_parts(sheets_)
        p.write_bytes(zip_bytes([(n, b"\x00\xffgarbage<<" if n == "xl/workbook.xml" else data)
                                 for n, data in built]))
        also = ()
    elif kind == "zero-sheets":
        raw_xlsx(p, [])
        expect, also = "ok", ("error",)
    elif kind == "target-traversal":
        built = raw_parts(sheets_)
        p.write_bytes(zip_bytes([(n, data.replace(b"worksheets/sheet1.xml", b"../../../../../../etc/passwd"))
                                 for n, data in built]))
        forbidden = (PASSWD,)
    elif kind == "target-absolute":
        built = raw_parts(sheets_)
        p.write_bytes(zip_bytes([(n, data.replace(b'Target="worksheets/', b'Target="/xl/worksheets/'))
                                 for n, data in built]))
        expect, also = "ok", ()
    elif kind == "sheet-truncated":
        xml = sheet_xml(rows)
        raw_xlsx(p, [("主题党日", xml[:len(xml) * 2 // 3])])
    else:  # "sheet-utf16"
        xml = sheet_xml(rows).replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
        raw_xlsx(p, [("主题党日", codecs.BOM_UTF16_LE + xml.decode().encode("utf-16-le"))])
        expect, also = "ok", ("error",)
    return plan(("score", "名册.xlsx", "签到.xlsx", "-o", "复核.xlsx"), [r, p], expect, also=also,
                title=f"package parts: {kind}", forbidden=forbidden)


# -- OLE headers and wrong extensions ------------------------------------------------------------

def ole(d: Path, suffix: str) -> dict[str, Any]:
    return _signin_file(d, f"签到{suffix}", _OLE + bytes(4088),
                        title=f"a compound-document (password-protected) header named {suffix}")


def wrong_ext(d: Path, kind: str) -> dict[str, Any]:
    clean = _clean_signin(d)
    (d / "签到.xlsx").unlink()
    if kind == "xlsx-as-xls":
        return _signin_file(d, "签到.xls", clean, title="xlsx bytes named .xls")
    if kind == "xlsx-as-ods":
        return _signin_file(d, "签到.ods", clean, title="xlsx bytes named .ods")
    if kind == "xlsx-as-xlsb":
        return _signin_file(d, "签到.xlsb", clean, title="xlsx bytes named .xlsb")
    if kind == "text-as-xls":
        return _signin_file(d, "签到.xls", _NOT_ZIP["text"], title="text named .xls")
    if kind == "html-as-xls":
        return _signin_file(d, "签到.xls", _NOT_ZIP["html"], title="an HTML table named .xls (web export)")
    if kind == "zip-as-ods":
        return _signin_file(d, "签到.ods", zip_bytes([("readme.txt", b"hello")]),
                            title="a zip of text named .ods")
    if kind == "upper-case":
        return _signin_file(d, "签到.XLSX", clean, "ok", title="a real workbook named .XLSX")
    return _signin_file(d, "签到.xlsm", clean, "ok", title="a real .xlsx named .xlsm")


# -- lock files, strangers in a folder, points' own outputs --------------------------------------

_LOCK = bytes([6]) + "张三".encode("utf-16-le").ljust(108, b"\x00") + bytes(54)


def _folder(d: Path) -> list[Path]:
    (d / "台账").mkdir()
    return base(d / "台账")


def folder_case(d: Path, kind: str) -> dict[str, Any]:
    files = _folder(d)
    t = d / "台账"
    argv = ("score", "台账", "-o", "复核.xlsx")
    kw: dict[str, Any] = {"expect": "ok", "title": f"in the folder: {kind}"}
    if kind == "lock":
        files.append(_write(t / "~$签到.xlsx", _LOCK))
    elif kind == "lock-explicit":
        files.append(_write(t / "~$签到.xlsx", _LOCK))
        argv = ("score", "台账/名册.xlsx", "台账/~$签到.xlsx", "-o", "复核.xlsx")
        kw["expect"] = "error"
    elif kind == "lock-libreoffice":
        files.append(_write(t / ".~lock.签到.xlsx#", b",zhang,host,01.01.2024 00:00,file:///x;\n"))
    elif kind == "lock-full-copy":
        files.append(_write(t / "~$名册.xlsx", (t / "名册.xlsx").read_bytes()))
    elif kind in ("txt", "jpg", "docx", "et", "csv", "noext"):
        data = {"txt": "说明".encode(), "jpg": b"\xff\xd8\xff\xe0" + bytes(100),
                "docx": zip_bytes([("word/document.xml", b"<w/>")]), "et": _OLE + bytes(504),
                "csv": "党员编号,姓名,日期,活动类型,出勤情况\nA01,张三,2024-03-05,主题党日,√\n".encode(),
                "noext": b"README"}[kind]
        name = {"txt": "说明.txt", "jpg": "照片.jpg", "docx": "报告.docx", "et": "旧表.et",
                "csv": "签到记录.csv", "noext": "README"}[kind]
        files.append(_write(t / name, data))
    elif kind == "subfolder":
        (t / "旧年度").mkdir()
        files += base(t / "旧年度")
    elif kind == "dir-named-xlsx":
        (t / "目录.xlsx").mkdir()
    elif kind == "broken-link":
        os.symlink("不存在.xlsx", t / "坏链接.xlsx")
        kw.update(expect="issue", issue=("skipped_file", "台账/坏链接.xlsx"))
    elif kind == "link-loop":
        os.symlink("循环2.xlsx", t / "循环1.xlsx")
        os.symlink("循环1.xlsx", t / "循环2.xlsx")
        kw.update(expect="issue", issue=("skipped_file", "台账/循环1.xlsx"))
    elif kind == "fifo":
        os.mkfifo(t / "管道.xlsx")
        kw.update(expect="issue", issue=("skipped_file", "台账/管道.xlsx"), inprocess=False)
    elif kind == "empty-xlsx":
        files.append(_write(t / "空.xlsx", b""))
        kw["expect"] = "error"
    return plan(argv, files, **kw)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def outputs(d: Path, kind: str) -> dict[str, Any]:
    made = points_outputs()
    files = _folder(d)
    t = d / "台账"
    argv: tuple[str, ...] = ("score", "台账", "-o", "新复核.xlsx")
    kw: dict[str, Any] = {"title": f"points' own output read back: {kind}"}
    if kind in ("review", "public", "comparison"):
        name = {"review": "复核.xlsx", "public": "公示.xlsx", "comparison": "对比.xlsx"}[kind]
        files.append(_write(t / name, made[name]))
        kw.update(expect="issue", issue=("skipped_file", f"台账/{name}"))
    elif kind == "explicit":
        files.append(_write(d / "旧复核.xlsx", made["复核.xlsx"]))
        argv = ("score", "台账/名册.xlsx", "台账/签到.xlsx", "旧复核.xlsx", "-o", "新复核.xlsx")
        kw.update(expect="issue", issue=("skipped_file", "旧复核.xlsx"))
    elif kind == "template":  # a filled-in template is input, not output
        files.append(_write(t / "积分模板.xlsx", made["积分模板.xlsx"]))
        kw.update(expect="ok", absent=(("skipped_file", "台账/积分模板.xlsx"),))
    else:  # "overwrite": the output goes over last run's output in the folder being read
        _write(t / "复核.xlsx", made["复核.xlsx"])
        argv = ("score", "台账", "-o", "台账/复核.xlsx")
        kw.update(expect="ok")
    return plan(argv, files, **kw)


# -- CSV lists in several encodings -----------------------------------------------------------------

_CSV = ("党员编号,姓名,日期,活动类型,出勤情况\n"
        "A01,张三,2024-03-05,主题党日,√\nA02,李四,2024-03-05,主题党日,请假\n")


def csv_case(d: Path, kind: str) -> dict[str, Any]:
    text = _CSV
    expect, also = "ok", ()
    if kind == "utf8":
        data = text.encode()
    elif kind == "utf8-bom":
        data = codecs.BOM_UTF8 + text.encode()
    elif kind == "gb18030":
        data = text.encode("gb18030")
    elif kind == "utf16":
        data, expect, also = text.encode("utf-16"), "error", ("ok",)
    elif kind == "utf16-no-bom":
        data, expect, also = text.encode("utf-16-le"), "error", ("ok",)
    elif kind == "shift-jis":
        data, also = text.replace("√", "").encode("shift_jis", "replace"), ("error",)
    elif kind == "latin1-junk":
        data, also = bytes(range(0x80, 0x100)) * 8 + b"\n", ("error",)
    elif kind == "nul":
        data, also = text.replace("张三", "张\x00三").encode(), ("error",)
    elif kind == "unbalanced-quote":
        data, also = text.replace("A02", '"A02').encode(), ("error",)
    elif kind == "semicolon":
        data = text.replace(",", ";").encode()
    elif kind == "tab":
        data = text.replace(",", "\t").encode()
    elif kind == "cr-only":
        data, also = text.replace("\n", "\r").encode(), ("error",)
    elif kind == "empty":
        data, also = b"", ("error",)
    elif kind == "bom-only":
        data, also = codecs.BOM_UTF8, ("error",)
    elif kind == "huge-field":
        data = (text + "A03,王五,2024-03-05,主题党日," + "√" * 1_000_000 + "\n").encode()
    else:  # "wide": 100,000 columns
        data = (text.rstrip("\n") + "," * 100_000 + "\n").encode()
    r = roster_only(d)
    p = _write(d / "签到记录.csv", data)
    return plan(("score", "名册.xlsx", "签到记录.csv", "-o", "复核.xlsx"), [r, p], expect, also=also,
                title=f"a list-form CSV: {kind}")


def specs() -> Iterator[Spec]:
    for suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".XLSX"):
        yield _spec(f"empty{suffix.replace('.', '-')}", empty, suffix=suffix)
    for keep in (0.1, 0.5, 0.9, 0.99, -1, -22):
        yield _spec(f"truncated-{keep}".replace(".", "_"), truncated, keep=keep)
    for kind in _NOT_ZIP:
        yield _spec(f"not-zip-{kind}", not_zip, kind=kind)
    yield _spec("bomb-spaces", bomb, mode="spaces", megabytes=300)
    yield _spec("bomb-cell", bomb, mode="cell", megabytes=200)
    yield _spec("bomb-media", bomb, mode="media", megabytes=300)
    yield _spec("bomb-liesize", bomb, mode="liesize", megabytes=300)
    for kind in ("xxe-sheet", "xxe-workbook", "laughs-sheet", "laughs-workbook", "quadratic", "param"):
        yield _spec(kind, entities, kind=kind)
    for kind in ("absurd", "stray-xfd", "stray-last-row", "stray-last-col", "no-dimension-stray",
                 "lying-dimension-stray", "garbage", "roster"):
        yield _spec(f"dimension-{kind}", dimension, kind=kind)
    for kind in ("3000-empty", "2000-copies", "same-name", "long-name", "empty-name"):
        yield _spec(f"sheets-{kind}", sheets, kind=kind)
    for kind in ("no-workbook", "no-workbook-rels", "no-content-types", "no-sheet-part",
                 "workbook-garbage", "zero-sheets", "target-traversal", "target-absolute",
                 "sheet-truncated", "sheet-utf16"):
        yield _spec(f"parts-{kind}", parts, kind=kind)
    for suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        yield _spec(f"ole{suffix.replace('.', '-')}", ole, suffix=suffix)
    for kind in ("xlsx-as-xls", "xlsx-as-ods", "xlsx-as-xlsb", "text-as-xls", "html-as-xls",
                 "zip-as-ods", "upper-case", "xlsx-as-xlsm"):
        yield _spec(f"ext-{kind}", wrong_ext, kind=kind)
    for kind in ("lock", "lock-explicit", "lock-libreoffice", "lock-full-copy", "txt", "jpg", "docx",
                 "et", "csv", "noext", "subfolder", "dir-named-xlsx", "broken-link", "link-loop",
                 "fifo", "empty-xlsx"):
        yield _spec(f"folder-{kind}", folder_case, kind=kind)
    for kind in ("review", "public", "comparison", "explicit", "template", "overwrite"):
        yield _spec(f"output-{kind}", outputs, kind=kind)
    for kind in ("utf8", "utf8-bom", "gb18030", "utf16", "utf16-no-bom", "shift-jis", "latin1-junk",
                 "nul", "unbalanced-quote", "semicolon", "tab", "cr-only", "empty", "bom-only",
                 "huge-field", "wide"):
        yield _spec(f"csv-{kind}", csv_case, kind=kind)

