"""A zip file's entries written in a second thread, behind the code that makes them.

:class:`Behind` takes each entry of an .xlsx file (a whole part, or a sheet's XML in pieces as
its rows are built) and writes it into the zip (:class:`.deflate.ZipOut`) in a second thread,
in the order given: the compression of each piece (:func:`.deflate.deflated`; zlib lets go of
the interpreter while it works) runs while the next rows and the next sheets are built. A
piece compressed before (kept by :mod:`.blocks`) is written as it is. The file is the same,
byte for byte, as when written in one thread: the same entries and pieces in the same order.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, BinaryIO

from .deflate import LEVEL, Piece, ZipOut, deflated

__all__ = ["AHEAD", "LEVEL", "Behind", "Keep"]

#: How many bytes of XML may wait for the second thread's compression before the building of
#: more waits for it: a big block of rows at a time (as many as one is built), while the
#: small parts (a sheet's head and tail, the other entries, small sheets) never wait.
AHEAD = 16 * 1024 * 1024

#: What :meth:`Behind.write` may be told to do with a piece once it is compressed: keep it.
Keep = Callable[[Piece], None]


class Behind:
    """The zip's entries written one after another in a second thread, behind the caller:
    their compression (zlib lets go of the interpreter while it works) runs while the next
    rows and sheets are built (so do Arrow's kernels). The calls run in the order given, so
    the file is the same as when written in one thread; the caller waits only when more
    than :data:`AHEAD` bytes wait to be compressed. After an error in the second thread,
    the calls still to come are skipped, and the error is raised to the caller."""

    @classmethod
    @contextmanager
    def writing(cls, out: BinaryIO) -> Iterator[Behind]:
        """A :class:`Behind` writing a zip file to ``out`` in its second thread, for the
        block, which ends when every entry and the zip's central directory are written. On
        an error (the block's, else the first of the second thread) the calls still to come
        are skipped and the error is raised (the file is unfinished: discard it)."""
        with ThreadPoolExecutor(1) as pool:
            behind = cls(ZipOut(out), pool)
            try:
                yield behind
                behind._do(behind._zip.close)
                behind.wait()
            except BaseException:  # this error, not the other thread's
                behind.abandon()
                raise

    def __init__(self, out: ZipOut, pool: ThreadPoolExecutor) -> None:
        self._zip, self._pool = out, pool
        self._pending: collections.deque[tuple[Future[None], int]] = collections.deque()
        self._bytes = 0
        self._name = ""  # the entry open for writing, and its pieces (second thread)
        self._pieces: list[Piece] = []
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
        self._do(self._entry, name, data, size=len(data))

    def _entry(self, name: str, data: bytes) -> None:
        self._zip.entry(name, [deflated(data)])

    def open(self, name: str) -> None:
        """Start the entry ``name``: :meth:`write` adds to it, :meth:`close` ends it."""
        self._do(self._open, name)

    def _open(self, name: str) -> None:
        self._name, self._pieces = name, []

    def write(self, data: bytes | memoryview | Piece, keep: Keep | None = None) -> None:
        """Add ``data`` to the entry started last, as a piece of its own (compressed here
        unless it is a :class:`.deflate.Piece` already); ``keep(piece)`` once it is."""
        size = len(data.data) if isinstance(data, Piece) else len(data)
        self._do(self._write, data, keep, size=size)

    def _write(self, data: bytes | memoryview | Piece, keep: Keep | None) -> None:
        piece = data if isinstance(data, Piece) else deflated(data)
        if keep is not None:
            keep(piece)
        self._pieces.append(piece)

    def close(self) -> None:
        """End the entry started last."""
        self._do(self._close)

    def _close(self) -> None:
        self._zip.entry(self._name, self._pieces)
        self._pieces = []

    def wait(self) -> None:
        """Wait for every call (raising the first error)."""
        while self._pending:
            future, done = self._pending.popleft()
            self._bytes -= done
            future.result()

    def abandon(self) -> None:
        """After an error: the calls still to come skipped, the running one waited for."""
        self._failed = True
        wait([future for future, _ in self._pending])
        self._pending.clear()
        self._pieces = []
