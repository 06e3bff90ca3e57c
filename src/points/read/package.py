"""What the zip package of an .xlsx / .xlsm file says before its cells are read: whether
``points`` wrote it, each sheet's real extent, and the cells python-calamine would misread.

Nothing in the package is trusted: a sheet's extent is the furthest cell or row its XML
names (``<dimension>`` may be missing or lie, and a stray cell at XFD1048576 would make the
reader allocate 17 billion cells): a look at every ``r="…"`` of the bytes tells the sheets
that are surely small (every reference within ZZ9999), and the others' references are counted
by a vectorised look at the bytes. Every flag comes from one vectorised look at the bytes of a
file's sheets together (:func:`_look`: whole-array comparisons find the few places where a
rare byte could start what is looked for, and only those places are checked), never from a
Python loop over the bytes or a search per question. Cells holding an
error value or a formula saved without its value (which python-calamine reads as empty, so a
``#N/A`` would look like an absence), and numbers that are not finite (``NaN``, ``-INF``: in a
date-formatted cell python-calamine panics on them) are found by position; when a cell would
stop python-calamine (an error value it does not know, such as ``#GETTING_DATA``, or a number
that is not finite), the sheet's XML is cleaned of them for the reader, and they are reported
all the same.
"""

from __future__ import annotations

import contextlib
import math
import re
import zipfile
from pathlib import PurePosixPath

import numpy as np
from defusedxml import ElementTree

from ..vocab.codes import OUTPUT_PROPERTY
from .raw import MAX_TEXT

__all__ = ["MARKER_PART", "MAX_CELLS", "SheetPart", "is_points_output", "ods_merges", "sheet_parts"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"')
_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(/>|>(.*?)</c>)', re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")
#: The error values python-calamine knows; any other makes it refuse the whole workbook.
_KNOWN_ERRORS = {b"#DIV/0!", b"#N/A", b"#NAME?", b"#NULL!", b"#NUM!", b"#REF!", b"#VALUE!"}
#: Bytes of sheet XML looked at in one go by :func:`_flags` and :func:`_extent_of`, and of a
#: file's sheets read and looked at together by :func:`sheet_parts` (bounds scratch memory).
_CHUNK = 1 << 24
#: A sheet whose extent holds more cells than this is not read (a stray cell at XFD1048576
#: makes a range of 17 billion cells).
MAX_CELLS = 20_000_000
#: Without a reference naming a column past ZZ or a row past 9999 (``r="`` followed by three
#: letters, or by up to two letters and five digits: :attr:`_Facts.big_ref`), every cell and
#: row lies within 9,999 rows × 702 columns, and the exact extent matters only when
#: ``<dimension>`` claims more (see :func:`_scan`).
_SMALL = (9_999, 702)


class _Facts:
    """What :func:`_scan` finds in a sheet's XML."""

    def __init__(self) -> None:
        self.rows = self.cols = 0
        #: a run of more than MAX_TEXT bytes without a tag: it may be a cell's text of more
        #: than MAX_TEXT characters (a character takes at least one byte)
        self.long_text = False
        #: a ``<v>`` value starting with n, N, i or I (after a sign): it may be a NaN or an
        #: infinity, on which python-calamine panics in a date-formatted cell
        self.odd_number = False
        #: a ``t="e"`` (an error cell's type) or a ``<f`` (a formula) somewhere
        self.error = self.formula = False
        #: an ``r="…"`` or ``r='…'`` that may name a column past ZZ or a row past 9999 (three
        #: letters, or up to two letters and five digits): the extent is then counted
        self.big_ref = False


class SheetPart:
    """One worksheet's XML part: its extent (the last row and column any cell or row names;
    only the ``<dimension>``'s when the real one is known to be within :data:`MAX_CELLS`), its
    cells that python-calamine misreads as ``{(row, col): text}`` (0-based), the XML to
    give python-calamine instead of the file's (``clean``, None when the file's will do) and
    whether it may hold text over :data:`MAX_TEXT` characters (``long_text``)."""

    def __init__(self, name: str, path: str, rows: int, cols: int,
                 errors: dict[tuple[int, int], str], clean: bytes | None = None,
                 long_text: bool = False) -> None:
        self.name, self.path, self.rows, self.cols = name, path, rows, cols
        self.errors, self.clean, self.long_text = errors, clean, long_text


#: The part of a workbook's package that holds its custom properties (``points``' marker).
MARKER_PART = b"docProps/custom.xml"


def is_points_output(book: zipfile.ZipFile) -> bool:
    """True when the workbook carries the marker every workbook ``points`` writes."""
    try:
        custom = book.read(MARKER_PART.decode())
    except KeyError:
        return False
    return f'name="{OUTPUT_PROPERTY}"'.encode() in custom


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _largest(digits: np.ndarray, base: int) -> int:
    """The largest of the numbers whose digits (as byte codes, ``'0'`` = 0) are the rows of
    ``digits``, in ``base``."""
    if not digits.size:
        return 0
    weights = base ** np.arange(digits.shape[1] - 1, -1, -1, dtype=np.int64)
    return int(((digits.astype(np.int64) - 48) @ weights).max())


def _leading(flags: np.ndarray) -> np.ndarray:
    """For each column of ``flags`` (one row per position), how many rows from the top are
    all true."""
    run, count = flags[0], flags[0].astype(np.int64)
    for row in flags[1:]:
        run = run & row
        count += run
    return count


def _refs(chunk: np.ndarray) -> tuple[int, int]:
    """The largest row and column (1-based) named by an ``r="…"`` attribute in ``chunk`` (cell
    references such as ``B7``, and row numbers), computed on the bytes all at once."""
    at = np.flatnonzero(chunk[1:-16] == 114) + 1  # r
    at = at[(chunk[at + 1] == 61) & ((chunk[at + 2] == 34) | (chunk[at + 2] == 39))]  # ="
    before = chunk[at - 1]
    at = at[(before == 32) | (before == 9) | (before == 10) | (before == 13)]
    if not len(at):
        return 0, 0
    # the 13 bytes after the quote, one row per byte: up to 4 letters, then up to 9 digits
    window = np.ascontiguousarray(np.lib.stride_tricks.sliding_window_view(chunk, 13)[at + 3].T)
    letter = (window >= 65) & (window <= 90)
    letters = _leading(letter[:4])
    digits = np.minimum(_leading(letter | ((window >= 48) & (window <= 57))) - letters, 9)
    most = int(digits.max())
    rows = max(_largest(window[n:n + most, (digits == most) & (letters == n)].T, 10)
               for n in range(5))
    widest = int(letters.max())
    # 'A' - 16 is '1': a column's letters are the digits 1-26 of a number in base 26
    cols = _largest(window[:widest, letters == widest].T - 16, 26) if widest else 0
    return rows, cols


def _long_text(xml: bytes) -> bool:
    """A run of more than :data:`MAX_TEXT` bytes without a ``<`` (before the first tag, or
    after any): a jump from tag to tag, each a search from the far end of the run."""
    at, end = xml.find(b"<"), len(xml)
    if at < 0 or at > MAX_TEXT:
        return end > MAX_TEXT
    while end - at > MAX_TEXT + 1:  # more than MAX_TEXT bytes after the tag at ``at``
        nearest = xml.rfind(b"<", at + 1, at + MAX_TEXT + 2)
        if nearest < 0:
            return True
        at = nearest
    return False


def _at(data: np.ndarray, where: np.ndarray, text: bytes) -> np.ndarray:
    """Which of the positions ``where`` of ``data`` start ``text``."""
    found = np.ones(len(where), dtype=bool)
    for i, byte in enumerate(text):
        found &= data[where + i] == byte
    return found


def _look(data: np.ndarray, lo: int, hi: int) -> list[np.ndarray]:
    """Where ``data[lo:hi]`` (with eight bytes before and sixteen after, zeros past the end)
    holds a ``<f``, a ``<v>`` that may not be finite, a ``t="e"`` and a reference past
    ZZ9999 (each found from the byte, or the run of bytes, that starts in it; positions in
    ``data``). Each is found from a byte that is rare in a sheet's XML (``f``, ``e``, the
    ``n`` or ``i`` of NaN and INF, a run of three capitals or five digits) by whole-array
    comparisons, and only those few places are looked at further."""
    part = data[lo:hi]
    runs = data[lo:hi + 4]  # runs starting in the part, and their last bytes after it
    formula = np.flatnonzero(part == 102) + lo  # f
    error = np.flatnonzero(part == 101) + lo  # e
    lower = part | 32
    odd = np.flatnonzero((lower == 110) | (lower == 105)) + lo  # n, N, i, I
    odd -= (data[odd - 1] == 43) | (data[odd - 1] == 45)  # a sign before
    capital = (runs - np.uint8(65)) < 26
    digit = (runs - np.uint8(48)) < 10
    three = np.flatnonzero(capital[:-4] & capital[1:-3] & capital[2:-2]) + lo
    five = np.flatnonzero(digit[:-4] & digit[1:-3] & digit[2:-2] & digit[3:-1] & digit[4:]) + lo
    capital_before = [(data[five - i] - np.uint8(65)) < 26 for i in (1, 2)]
    ref = np.concatenate([three, five, five[capital_before[0]] - 1,
                          five[capital_before[0] & capital_before[1]] - 2])
    quote = (data[ref - 1] == 34) | (data[ref - 1] == 39)
    return [formula[_at(data, formula - 1, b"<f")], odd[_at(data, odd - 3, b"<v>")],
            error[_at(data, error - 3, b't="e"')], ref[quote & _at(data, ref - 3, b"r=")]]


#: Zero bytes between the sheets looked at together (no flag's bytes reach across them).
_GAP = 24


def _flags(xmls: list[bytes], facts: list[_Facts]) -> None:
    """Set the flags of each of ``facts`` (one per sheet of ``xmls``): one vectorised look at
    the bytes of all the sheets, :data:`_CHUNK` bytes at a time (a search per flag and per
    sheet would pass over them four times, with numpy's cost per call each time)."""
    gap = bytes(_GAP)
    whole = np.frombuffer(xmls[0] if len(xmls) == 1 else gap.join(xmls), np.uint8)
    starts = np.cumsum([0] + [len(x) + _GAP for x in xmls[:-1]])
    found: list[list[np.ndarray]] = [[], [], [], []]
    for start in range(0, len(whole), _CHUNK):
        first, end = max(0, start - 8), min(len(whole), start + _CHUNK + 16)
        data = np.zeros(end - first + 24, np.uint8)  # room before the first byte and after
        data[8:8 + end - first] = whole[first:end]
        looked = _look(data, 8 + start - first, 8 + min(start + _CHUNK, len(whole)) - first)
        for flag, at in zip(found, looked, strict=True):
            flag.append(at + (first - 8))
    names = ("formula", "odd_number", "error", "big_ref")
    for name, pieces in zip(names, found, strict=True):
        sheets = np.searchsorted(starts, np.concatenate(pieces), side="right") - 1 \
            if pieces else np.zeros(0, np.int64)
        for sheet in np.unique(sheets).tolist():
            setattr(facts[sheet], name, True)
    for xml, fact in zip(xmls, facts, strict=True):
        fact.long_text = _long_text(xml)


def _scan_many(xmls: list[bytes], exact: bool = False) -> list[_Facts]:
    """:func:`_scan` of several sheets, their flags found together."""
    facts = [_Facts() for _ in xmls]
    if xmls:
        _flags(xmls, facts)
    for xml, fact in zip(xmls, facts, strict=True):
        _extent_of(xml, fact, exact)
    return facts


def _scan(xml: bytes, exact: bool = False) -> _Facts:
    """The sheet's extent — the last row and column (1-based) that any cell or row of its XML
    names, or that its ``<dimension>`` claims (the reader may trust it), whichever is
    further — and whether it may hold long text or numbers that are not finite.

    The extent is counted exactly (a vectorised pass over the bytes) when ``exact`` or when
    it may exceed :data:`MAX_CELLS`; otherwise (no reference past ZZ9999, and a
    ``<dimension>`` that keeps within it) it is left at the ``<dimension>``'s, which is then
    known to be within the limit."""
    return _scan_many([xml], exact)[0]


def _extent_of(xml: bytes, facts: _Facts, exact: bool) -> None:
    """Set the extent of ``facts`` (its flags already set; see :func:`_scan`)."""
    dim = _DIMENSION.search(xml[:4096])
    if dim:
        facts.rows, facts.cols = int(dim.group(2)), _column(dim.group(1)) + 1
    bound = max(facts.rows, _SMALL[0]) * max(facts.cols, _SMALL[1])
    if not (exact or bound > MAX_CELLS or facts.big_ref):
        return
    data = np.frombuffer(xml, np.uint8)
    for start in range(0, len(data), _CHUNK):
        first = max(0, start - 16)  # chunks overlap: a reference may straddle two
        end = min(start + _CHUNK, len(data))
        chunk = data[first:end + 16]
        if len(chunk) < end + 16 - first:  # the last: room after its last byte
            chunk = np.concatenate([chunk, np.zeros(end + 16 - first - len(chunk), np.uint8)])
        rows, cols = _refs(chunk)
        facts.rows, facts.cols = max(facts.rows, rows), max(facts.cols, cols)


def _extent(xml: bytes) -> tuple[int, int]:
    """The last row and column of the sheet XML, counted exactly (see :func:`_scan`)."""
    facts = _scan(xml, exact=True)
    return facts.rows, facts.cols


def _finite(text: bytes) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _misread(xml: bytes, odd: bool) -> tuple[dict[tuple[int, int], str], bytes | None]:
    """Error cells (``t="e"``), formulas without a cached value and numbers that are not
    finite (``NaN``, ``INF``; looked for when ``odd``), by position; and the XML without
    them when python-calamine would fail on one (None when it would not)."""
    if b't="e"' not in xml and b"<f" not in xml and not odd:
        return {}, None
    found: dict[tuple[int, int], str] = {}
    stops = False
    for m in _CELL.finditer(xml):
        attrs, body = m.group(3), m.group(5) or b""
        at = (int(m.group(2)) - 1, _column(m.group(1)))
        value = _VALUE.search(body)
        if b't="e"' in attrs:
            found[at] = value.group(1).decode("utf-8", "replace") if value else "#错误"
            stops |= value is not None and value.group(1) not in _KNOWN_ERRORS
        elif b"<f" in body and b"<v>" not in body:
            found[at] = "公式（没有保存计算结果）"
        elif odd and value is not None and b't="' not in attrs.replace(b't="n"', b"") \
                and not _finite(value.group(1)):
            found[at] = f"{value.group(1).decode('ascii', 'replace').strip()}（不是有限的数）"
            stops = True
    if not stops:
        return found, None
    return found, _CELL.sub(lambda m: b'<c r="' + m.group(1) + m.group(2) + b'"/>'
                            if (int(m.group(2)) - 1, _column(m.group(1))) in found
                            else m.group(0), xml)


def sheet_parts(book: zipfile.ZipFile) -> list[SheetPart]:
    """The worksheets in workbook order with their extent and misread cells."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    shared = _Facts()
    with contextlib.suppress(KeyError):
        shared.long_text = _long_text(book.read("xl/sharedStrings.xml"))
    parts: list[SheetPart] = []
    batch: list[tuple[str, str, bytes]] = []  # sheets looked at together, up to _CHUNK bytes
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        try:
            xml = book.read(path)
        except KeyError:
            continue  # a chart sheet or a missing part: calamine decides
        if batch and sum(len(x) for *_, x in batch) + len(xml) > _CHUNK:
            parts += _parts(batch, shared.long_text)
            batch = []
        batch.append((sheet.get("name", ""), path, xml))
    return parts + _parts(batch, shared.long_text)


def _parts(batch: list[tuple[str, str, bytes]], long_text: bool) -> list[SheetPart]:
    """The :class:`SheetPart` of each (name, path, XML) of ``batch``."""
    parts = []
    for (name, path, xml), facts in zip(batch, _scan_many([x for *_, x in batch]), strict=True):
        errors, clean = _misread(xml, facts.odd_number) \
            if facts.error or facts.formula or facts.odd_number else ({}, None)
        parts.append(SheetPart(name, path, facts.rows, facts.cols, errors, clean,
                               long_text or facts.long_text))
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
