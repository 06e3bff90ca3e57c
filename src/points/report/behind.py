"""A zip file's entries written in a second thread, behind the code that makes them.

:class:`Behind` takes each entry of an .xlsx file (a whole part, or a sheet's XML in parts as
its rows are built) and writes it into the zip in a second thread, in the order given: the
compression (zlib, which lets go of the interpreter while it works) of one sheet runs while
the next rows and the next sheets are built. The file is the same, byte for byte, as when
written in one thread: the same entries, headers and deflate streams in the same order.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import IO, Any

__all__ = ["AHEAD", "LEVEL", "Behind"]

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

#: The zlib level of every entry (the ``compresslevel`` of the zip file :class:`Behind` is
#: given): level 1 deflates a city's 250 MB of sheet XML in a third of level 6's time (0.9 s
#: against 2.9 s) for a file 28% larger (24.1 MB against 18.8 MB); the same level in every
#: run, so the bytes still depend only on the content.
LEVEL = 1

#: How many bytes of XML may wait for the second thread's compression before the building of
#: more waits for it: a big block of rows at a time (as many as one is built), while the
#: small parts (a sheet's head and tail, the other entries, small sheets) never wait.
AHEAD = 16 * 1024 * 1024


class Behind:
    """The zip's entries written one after another in a second thread, behind the caller:
    their compression (zlib lets go of the interpreter while it works) runs while the next
    rows and sheets are built (so do Arrow's kernels). The calls run in the order given, so
    the file is the same as when written in one thread; the caller waits only when more
    than :data:`AHEAD` bytes wait to be compressed. After an error in the second thread,
    the calls still to come are skipped, and the error is raised to the caller."""

    @classmethod
    @contextmanager
    def writing(cls, out: zipfile.ZipFile) -> Iterator[Behind]:
        """A :class:`Behind` for ``out`` and its second thread, for the block, which ends
        when every entry is written. On an error (the block's, else the first of the second
        thread) the calls still to come are skipped, the entry open for writing is closed
        (so that ``out`` closes) and the error is raised."""
        with ThreadPoolExecutor(1) as pool:
            behind = cls(out, pool)
            try:
                yield behind
                behind.wait()
            except BaseException:  # this error, not the other thread's
                behind.abandon()
                raise

    def __init__(self, out: zipfile.ZipFile, pool: ThreadPoolExecutor) -> None:
        self._out, self._pool = out, pool
        self._pending: collections.deque[tuple[Future[None], int]] = collections.deque()
        self._bytes = 0
        self._stream: IO[bytes] | None = None  # the entry open for writing (second thread)
        self._failed = False

    def _do(self, call: Any, *args: Any, size: int = 0) -> None:
        """``call(*args)`` in the second thread, after the calls before it."""
        while self._pending and (self._pending[0][0].done() or self._bytes + size > AHEAD):
            future, done = self._pending.popleft()
            self._bytes -= done
            future.result()
        self._pending.append((self._pool.submit(self._run, call, *args), size))
        self._bytes += size

    def _run(self, call: Any, *args: Any) -> None:
        if self._failed:
            return
        try:
            call(*args)
        except BaseException:
            self._failed = True
            raise

    def entry(self, name: str, data: bytes) -> None:
        """A whole entry ``name`` holding ``data``."""
        self._do(functools.partial(self._out.writestr, compresslevel=self._out.compresslevel),
                 _entry(name), data, size=len(data))

    def open(self, name: str) -> None:
        """Start the entry ``name``: :meth:`write` adds to it, :meth:`close` ends it."""
        self._do(self._open, name)

    def _open(self, name: str) -> None:
        # (a name, not a ZipInfo: the entry takes the zip's compression and level; its time
        # is ZipInfo's default, 1980-01-01 as :func:`_entry`'s)
        self._stream = self._out.open(name, "w", force_zip64=True)

    def write(self, data: bytes | memoryview) -> None:
        """Add ``data`` to the entry started last."""
        self._do(self._write, data, size=len(data))

    def _write(self, data: bytes | memoryview) -> None:
        if self._stream is not None:
            self._stream.write(data)

    def close(self) -> None:
        """End the entry started last."""
        self._do(self._close)

    def _close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def wait(self) -> None:
        """Wait for every call (raising the first error)."""
        while self._pending:
            future, done = self._pending.popleft()
            self._bytes -= done
            future.result()

    def abandon(self) -> None:
        """After an error: the calls still to come skipped, the running one waited for, the
        entry open for writing closed (the file is discarded)."""
        self._failed = True
        wait([future for future, _ in self._pending])
        self._pending.clear()
        with contextlib.suppress(Exception):  # (a write that failed: its error is not the news)
            self._close()


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry
