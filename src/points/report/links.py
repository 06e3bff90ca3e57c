"""Hyperlinks from cells to the cells of the input workbooks they name.

A source address ``file!sheet!A1`` becomes an external hyperlink, the form Excel itself writes
for a link to a cell of another workbook (and WPS and LibreOffice follow): the sheet's
relationship points at the input file, relative to the folder of the workbook being written
(``../签到/红旗村党支部2024年签到表.xlsx``; a bare file name when the assessment does not know
where the file was read from), and the hyperlink's ``location`` is the cell (``'9月'!C6``).
The cell keeps its text: no ``HYPERLINK`` formula (no output holds a formula). Excel allows
:data:`MAX_LINKS` hyperlinks in a sheet; rows after that keep their text without a link.

The ``<hyperlink>`` and ``<Relationship>`` elements are built as text for whole columns, like
the rows of :mod:`.xlsx`, which splices them into the sheet and its relationships part.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..vocab.text import column_letter
from .cells import ILLEGAL_RE2, join, joined, text_array, text_series

__all__ = ["MAX_LINKS", "REL_TYPE", "link_targets", "links_xml", "rels_part",
           "sheet_links", "with_hyperlinks"]

#: Hyperlinks Excel allows in one sheet.
MAX_LINKS = 65_530
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
         b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
_ADDRESS = r"^(?P<file>.+?)!(?P<sheet>.+)!(?P<cell>[A-Z]{1,3}[1-9][0-9]{0,6})$"
# As Excel (and XlsxWriter) escape a file path in a link; "%" first.
_URL_ESCAPES = [("%", "%25"), ('"', "%22"), (" ", "%20"), ("<", "%3c"), (">", "%3e"),
                ("[", "%5b"), ("]", "%5d"), ("^", "%5e"), ("`", "%60"), ("{", "%7b"),
                ("}", "%7d"), ("#", "%23")]


#: Control characters (XML cannot hold most of them): percent-escaped in a link.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _url(path: str) -> str:
    for old, new in _URL_ESCAPES:
        path = path.replace(old, new)
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02x}", path)


def _target(name: str, paths: dict[str, str], folder: str, parents: dict[str, str | None]
            ) -> str:
    """The link to the input file ``name``: relative to ``folder`` (absolute) when the file is
    known. ``parents``: each input folder's path relative to ``folder`` (None: on another
    drive), found once per folder (a city's thousands of files lie in a few)."""
    if name not in paths:
        return _url(name)
    where = os.path.abspath(paths[name])
    parent, base = os.path.split(where)
    if parent not in parents:
        try:
            parents[parent] = PurePath(os.path.relpath(parent, folder)).as_posix()
        except ValueError:  # on another drive (Windows): the absolute path
            parents[parent] = None
    relative = parents[parent]
    if relative is None:
        return "file:///" + _url(PurePath(where).as_posix())
    return _url(base if relative == "." else f"{relative}/{base}")


#: The links of the last :func:`link_targets` call: (its files and folder, name → link). The
#: sheets of one workbook (依据明细, 数据问题) link to the same thousands of files.
_LAST: list[tuple[tuple[Sequence[tuple[str, str]], str], dict[str, str]]] = []


def _targets(names: list[str], files: Sequence[tuple[str, str]], folder: Path) -> list[str]:
    """:func:`_target` of each of ``names``, remembered for the same ``files`` and ``folder``
    (each input file's path as given once, the first of each name)."""
    start = os.path.abspath(folder)
    if not _LAST or _LAST[0][0][0] is not files or _LAST[0][0][1] != start:
        _LAST[:] = [((files, start), {})]
    known = _LAST[0][1]
    missing = [n for n in names if n not in known]
    if missing:
        paths: dict[str, str] = {}
        for path, _ in files:
            paths.setdefault(os.path.basename(path), path)
        parents: dict[str, str | None] = {}
        for name in missing:
            known[name] = _target(name, paths, start, parents)
    return [known[n] for n in names]


def link_targets(sources: pd.Series, files: Sequence[tuple[str, str]], folder: Path
                 ) -> tuple[pd.Series, pd.Series]:
    """``(target, location)`` for each source address ``file!sheet!A1``: the input file as
    seen from ``folder`` (``files``: the ``(path, SHA-256)`` pairs read) and ``'sheet'!A1``;
    both missing where the source is not a cell address. Arrow kernels over the addresses;
    the link of each distinct file made once."""
    parts = pc.extract_regex(text_array(sources), _ADDRESS)
    name, sheet, cell = (parts.field(k) for k in ("file", "sheet", "cell"))
    names = pc.dictionary_encode(name)
    links = _targets([str(n) for n in names.dictionary.to_pylist()], files, folder)
    target = pa.array(links, pa.large_string()).take(names.indices)
    location = join("'", pc.replace_substring(sheet, "'", "''"), "'!", cell)
    return text_series(target, sources.index), text_series(location, sources.index)


def _attribute(values: pa.Array) -> pa.Array:
    """``values`` as XML attribute text (characters XML cannot hold become ``\ufffd``)."""
    values = pc.replace_substring_regex(values, ILLEGAL_RE2, "\ufffd")
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        values = pc.replace_substring(values, old, new)
    return values


def links_xml(column: int, target: pd.Series, location: pd.Series, first_id: int,
              first_row: int = 2) -> tuple[bytes, bytes]:
    """The ``<hyperlinks>`` element for the cells of ``column`` (row ``first_row`` on) and
    the ``<Relationship>`` elements it refers to (ids from ``rId<first_id>`` on); empty when
    no row has a target. At most :data:`MAX_LINKS` links."""
    targets, locations = text_array(target), text_array(location)
    rows = np.flatnonzero(pc.and_(pc.is_valid(targets), pc.is_valid(locations)).to_numpy(
        zero_copy_only=False))[:MAX_LINKS]
    if len(rows) == 0:
        return b"", b""
    ids = join("rId", pc.cast(pa.array(np.arange(first_id, first_id + len(rows))),
                               pa.large_string()))
    cells = join('<hyperlink ref="', column_letter(column),
                  pc.cast(pa.array(rows + first_row), pa.large_string()), '" r:id="', ids,
                  '" location="', _attribute(locations.take(rows)), '"/>')
    rels = join('<Relationship Id="', ids, f'" Type="{REL_TYPE}" Target="',
                 _attribute(targets.take(rows)), '" TargetMode="External"/>')
    return b"<hyperlinks>" + joined(cells) + b"</hyperlinks>", bytes(joined(rels))


def rels_part(more: bytes, existing: bytes = _RELS) -> bytes:
    """A sheet's relationships part: ``existing`` (XlsxWriter's, or an empty one) with the
    ``<Relationship>`` elements ``more`` added."""
    return existing.replace(b"</Relationships>", more + b"</Relationships>", 1)


def with_hyperlinks(tail: bytes, links: bytes) -> bytes:
    """The end of a sheet's XML (from ``</sheetData>`` on) with the ``<hyperlinks>`` element
    ``links`` where the schema puts it: before ``<printOptions>`` or ``<pageMargins>``."""
    if not links:
        return tail
    for marker in (b"<printOptions", b"<pageMargins"):
        at = tail.find(marker)
        if at >= 0:
            return tail[:at] + links + tail[at:]
    raise ValueError("a sheet without <pageMargins>: no place for its hyperlinks")


def sheet_links(package: zipfile.ZipFile, links: Mapping[int, tuple[int, pd.Series, pd.Series]]
                ) -> dict[int, tuple[bytes, bytes]]:
    """Sheet index → its ``<hyperlinks>`` element and the relationships they refer to, for
    ``links`` (sheet index → column, target, location), numbered after the relationships
    XlsxWriter wrote for the sheet in ``package``."""
    out = {}
    names = set(package.namelist())
    for index, (column, target, location) in links.items():
        rels = f"xl/worksheets/_rels/sheet{index + 1}.xml.rels"
        taken = re.findall(rb'Id="rId(\d+)"', package.read(rels)) if rels in names else []
        out[index] = links_xml(column, target, location,
                               first_id=max(map(int, taken), default=0) + 1)
    return out
