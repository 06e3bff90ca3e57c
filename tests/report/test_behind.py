"""A zip written behind the code that makes it: the same bytes as written in one thread, and
an error in either thread is raised as itself."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from points.report import behind
from points.report.behind import Behind

PARTS = [b"<row>%d</row>" % i * 3_000 for i in range(12)]


def _plain() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=behind.LEVEL) as out:
        out.writestr(behind._entry("a.xml"), b"<a/>", compresslevel=behind.LEVEL)
        with out.open("s.xml", "w", force_zip64=True) as stream:
            for part in PARTS:
                stream.write(part)
        out.writestr(behind._entry("z.xml"), b"<z/>", compresslevel=behind.LEVEL)
    return buffer.getvalue()


def test_the_zip_is_the_one_written_in_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(behind, "AHEAD", 50_000)  # the builder waits now and then
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=behind.LEVEL
                         ) as out, Behind.writing(out) as zw:
        zw.entry("a.xml", b"<a/>")
        zw.open("s.xml")
        for part in PARTS:
            zw.write(memoryview(part))
        zw.close()
        zw.entry("z.xml", b"<z/>")
    assert buffer.getvalue() == _plain()
    assert zipfile.ZipFile(buffer).read("s.xml") == b"".join(PARTS)


def test_the_entries_are_deflated_at_level_one() -> None:
    """Level 1 (a deliberate format: a third of level 6's time, a somewhat larger file): the
    stored stream of an entry is zlib's level-1 raw deflate of its bytes, whole or in parts."""
    data = _plain()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = {i.filename: i for i in z.infolist()}
    assert behind.LEVEL == 1
    for name, content in (("a.xml", b"<a/>"), ("s.xml", b"".join(PARTS))):
        info = infos[name]
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
        expected = deflate.compress(content) + deflate.flush()
        at = info.header_offset  # the local header: 30 bytes, the name, the extra field
        start = at + 30 + len(name) + int.from_bytes(data[at + 28:at + 30], "little")
        assert data[start:start + info.compress_size] == expected


def test_an_error_in_either_thread_is_raised_and_the_zip_still_closes() -> None:
    with pytest.raises(TypeError), zipfile.ZipFile(io.BytesIO(), "w") as out, \
            Behind.writing(out) as zw:
        zw.open("s.xml")
        zw.write(b"<row/>")
        zw.write("text, not bytes")  # type: ignore[arg-type]  # (fails in the second thread)
        zw.write(b"<row/>")
        zw.close()
    with pytest.raises(RuntimeError, match="builder"), zipfile.ZipFile(io.BytesIO(), "w") as out, \
            Behind.writing(out) as zw:
        zw.open("s.xml")
        zw.write(b"<row/>")
        raise RuntimeError("builder")  # the entry still open is closed, then the zip
