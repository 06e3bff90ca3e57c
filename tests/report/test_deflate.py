"""The zip written from deflate pieces (#14, the write of a re-run): CRC-32s combined as zlib
combines them, pieces laid end to end inflate to their content, any reader opens the file,
ZIP64 records where a size or offset needs them."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.report import deflate
from points.report.deflate import ZipOut, crc32_combine, deflated


@settings(max_examples=examples(5))
@given(st.binary(max_size=300), st.binary(max_size=3_000))
def test_crc32s_combine_as_zlib_computes_them(a: bytes, b: bytes) -> None:
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_a_long_piece_combines_too() -> None:
    a, b = b"x" * 70_000, bytes(range(256)) * 40_000
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def _zip(entries: dict[str, list[bytes]]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    out = ZipOut(buffer)
    for name, parts in entries.items():
        out.entry(name, [deflated(p) for p in parts])
    out.close()
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


ENTRIES = {"[Content_Types].xml": [b"<Types/>"], "xl/s.xml": [b"<a>", b"", b"<r/>" * 9_000],
           "empty.xml": [], "名单.xml": ["张三".encode()]}


def test_the_pieces_make_one_entry_any_reader_opens() -> None:
    with _zip(ENTRIES) as z:
        assert z.testzip() is None  # every CRC-32 checked
        assert z.namelist() == list(ENTRIES)
        for name, parts in ENTRIES.items():
            assert z.read(name) == b"".join(parts)
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())


def test_zip64_records_where_a_size_or_offset_needs_them(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setattr(deflate, "_LIMIT", 100)  # (4 GiB in earnest)
    with _zip(ENTRIES) as z:
        assert z.testzip() is None
        assert [z.read(n) for n in ENTRIES] == [b"".join(p) for p in ENTRIES.values()]
        assert any(i.file_size >= 100 and i.extra for i in z.infolist())
