"""A zip written behind the code that makes it: the same bytes as written in one thread, and
an error in either thread is raised as itself."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from points.report import behind
from points.report.behind import Behind
from points.report.deflate import Piece, ZipOut, deflated

PARTS = [b"<row>%d</row>" % i * 3_000 for i in range(12)]


def _plain() -> bytes:
    buffer = io.BytesIO()
    out = ZipOut(buffer)
    out.entry("a.xml", [deflated(b"<a/>")])
    out.entry("s.xml", [deflated(part) for part in PARTS])
    out.entry("z.xml", [deflated(b"<z/>")])
    out.close()
    return buffer.getvalue()


def test_the_zip_is_the_one_written_in_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(behind, "AHEAD", 50_000)  # the builder waits now and then
    buffer = io.BytesIO()
    kept: list[Piece] = []
    with Behind.writing(buffer) as zw:
        zw.entry("a.xml", b"<a/>")
        zw.open("s.xml")
        for k, part in enumerate(PARTS):  # some compressed before, some kept once compressed
            zw.write(deflated(part) if k % 3 == 0 else memoryview(part),
                     kept.append if k % 3 == 1 else None)
        zw.close()
        zw.entry("z.xml", b"<z/>")
    assert buffer.getvalue() == _plain()
    assert kept == [deflated(part) for part in PARTS[1::3]]
    with zipfile.ZipFile(buffer) as z:
        assert z.testzip() is None
        assert z.read("s.xml") == b"".join(PARTS)


def test_the_entries_are_deflated_at_level_one_a_piece_at_a_time() -> None:
    """Level 1 (a deliberate format: a third of level 6's time, a somewhat larger file): the
    stored stream of an entry is each piece's level-1 raw deflate ended by a sync flush,
    end to end, then an empty final block."""
    data = _plain()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = {i.filename: i for i in z.infolist()}
    assert behind.LEVEL == 1
    for name, parts in (("a.xml", [b"<a/>"]), ("s.xml", PARTS)):
        info = infos[name]
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        expected = b""
        for part in parts:
            deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
            expected += deflate.compress(part) + deflate.flush(zlib.Z_SYNC_FLUSH)
        expected += b"\x03\x00"
        at = info.header_offset  # the local header: 30 bytes, the name, the extra field
        start = at + 30 + len(name) + int.from_bytes(data[at + 28:at + 30], "little")
        assert data[start:start + info.compress_size] == expected
        assert zlib.crc32(b"".join(parts)) == info.CRC


def test_an_error_in_either_thread_is_raised() -> None:
    with pytest.raises(TypeError), Behind.writing(io.BytesIO()) as zw:
        zw.open("s.xml")
        zw.write(b"<row/>")
        zw.write("text, not bytes")  # type: ignore[arg-type]  # (fails in the second thread)
        zw.write(b"<row/>")
        zw.close()
    with pytest.raises(RuntimeError, match="builder"), Behind.writing(io.BytesIO()) as zw:
        zw.open("s.xml")
        zw.write(b"<row/>")
        raise RuntimeError("builder")
