"""A zip written behind the code that makes it: the same bytes as written in one thread, and
an error in either thread is raised as itself."""

from __future__ import annotations

import io
import zipfile

import pytest

from points.report import behind
from points.report.behind import Behind

PARTS = [b"<row>%d</row>" % i * 3_000 for i in range(12)]


def _plain() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr(behind._entry("a.xml"), b"<a/>")
        with out.open(behind._entry("s.xml"), "w", force_zip64=True) as stream:
            for part in PARTS:
                stream.write(part)
        out.writestr(behind._entry("z.xml"), b"<z/>")
    return buffer.getvalue()


def test_the_zip_is_the_one_written_in_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(behind, "AHEAD", 50_000)  # the builder waits now and then
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out, Behind.writing(out) as zw:
        zw.entry("a.xml", b"<a/>")
        zw.open("s.xml")
        for part in PARTS:
            zw.write(memoryview(part))
        zw.close()
        zw.entry("z.xml", b"<z/>")
    assert buffer.getvalue() == _plain()
    assert zipfile.ZipFile(buffer).read("s.xml") == b"".join(PARTS)


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
