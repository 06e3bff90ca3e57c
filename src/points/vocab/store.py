"""Cache folders on disk, shared by the scan cache (:mod:`points.read.cache`) and the score
cache (:mod:`points.backends.cache`): the folder and its ``CACHEDIR.TAG``, atomic writes,
Arrow IPC entries, and pruning what a run did not use.

An entry is written to a temporary name in the folder and renamed (a crash leaves no half
entry); an entry that cannot be read is the caller's "no entry". The folder holds a
``CACHEDIR.TAG`` (the public cache-directory convention, https://bford.info/cachedir/), by
which the reader passes over it silently, and backup tools too. Nothing here is pickle:
entries hold data only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from .errors import ArgumentError
from .forking import process_alive, run_pid

__all__ = ["CACHE_NAME", "STALE_AFTER", "TAG_NAME", "KeptFiles", "atomic_file", "atomic_write",
           "cache_folder", "in_background",
           "ipc_bytes", "is_cache_dir", "map_ipc", "prepare_cache", "prune", "read_ipc", "stale",
           "write_ipc", "written"]

#: The default cache folder's name (beside the output workbook).
CACHE_NAME = "积分缓存"
#: The marker file of a cache folder and its first line (https://bford.info/cachedir/).
TAG_NAME = "CACHEDIR.TAG"
_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_TAG_TEXT = (_SIGNATURE + "\n# 这是 points 的缓存：上次运行读出的记录、每个表格文件读过一次的结果（按文件"
             "内容保存）、各组支部的计分结果（按记录、规则和统计期保存）和复核工作簿的各段表格，"
             "下次只重算改过的部分。可以随时整个删除，下次运行会重新生成。\n")
# LZ4 makes entries several times smaller (cell addresses repeat) and still loads fast;
# Arrow's threads cost more than they save on entries this small.
_WRITE = pa.ipc.IpcWriteOptions(compression="lz4", use_threads=False)
_PLAIN = pa.ipc.IpcWriteOptions(use_threads=False)
_READ = pa.ipc.IpcReadOptions(use_threads=False)
#: How the temporary files of :func:`atomic_write` begin (``.tmp-PID-…``, the run's process:
#: :func:`prune` leaves them alone while it runs, and removes them once it is gone).
_TEMPORARY = ".tmp-"


def is_cache_dir(path: Path) -> bool:
    """``path`` is a cache folder (it holds a ``CACHEDIR.TAG`` with the signature)."""
    try:
        with open(path / TAG_NAME, "rb") as tag:
            return tag.read(len(_SIGNATURE)) == _SIGNATURE.encode()
    except OSError:
        return False


def prepare_cache(folder: str | Path) -> Path:
    """Make the cache folder (and its tag) if needed; return it. A folder that is neither a
    cache folder nor empty is never adopted (pruning would remove its ``.arrow`` files, and the
    tag would hide it from the reader); it, like any unusable folder, raises :class:`OSError`
    (the caller decides whether that stops the run)."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    if not is_cache_dir(path):
        if any(path.iterdir()):
            raise OSError(errno.ENOTEMPTY, "文件夹里已有别的文件，不是 points 的缓存文件夹；"
                          "请用一个新的或空的文件夹")
        atomic_write(path / TAG_NAME, _TAG_TEXT.encode())
    return path


def cache_folder(cache: str | Path | None) -> Path | None:
    """The cache folder a caller asked for (``None``: no cache), prepared by
    :func:`prepare_cache`; a folder that cannot be used raises :class:`~points.ArgumentError`
    with the reason, so that reading and scoring refuse the same folders alike."""
    if cache is None:
        return None
    if not isinstance(cache, str | Path):
        raise ArgumentError(f"cache（缓存文件夹）：应为文件夹路径或 None，实际是 {cache!r}")
    try:
        return prepare_cache(cache)
    except OSError as error:
        raise ArgumentError(f"无法使用缓存文件夹 {cache}（{error.strerror or error}）；"
                            "请换一个文件夹，或不用缓存") from None


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder and a rename."""
    with atomic_file(target) as out:
        out.write(data)


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target`` through: a temporary in the same folder, renamed to
    ``target`` when the block ends (removed if it fails)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{_TEMPORARY}{run_pid()}-",
                               suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_ipc(sink: pa.NativeFile, table: pa.Table, *, compress: bool = True,
              threads: bool = False) -> None:
    """Write ``table`` to ``sink`` as an Arrow IPC file (LZ4-compressed unless ``compress`` is
    false; the columns compressed side by side with ``threads``, for a large table), its
    buffers straight from memory (no copy of the table first)."""
    options = _WRITE if compress else _PLAIN
    if threads:
        options = pa.ipc.IpcWriteOptions(compression=options.compression, use_threads=True)
    with pa.ipc.new_file(sink, table.schema, options=options) as writer:
        if table.num_rows or not all(c.num_chunks for c in table.columns):
            writer.write_table(table)
        else:  # one empty batch, which keeps what the columns hold besides rows (dictionaries)
            writer.write_batch(pa.record_batch([c.chunk(0) for c in table.columns],
                                               schema=table.schema))


#: The cache writes running in the background (:func:`in_background`).
_BACKGROUND: list[threading.Thread] = []
_BACKGROUND_LOCK = threading.Lock()


def in_background(job: Callable[[], None], name: str) -> None:
    """Run ``job``, a cache write, in a thread of its own while the run goes on;
    :func:`written` waits for it. The thread is not a daemon (the interpreter waits for it
    before it exits), a fork waits for it first (a child never starts with a half-done write
    in a thread it does not have), and a failure only means the entry is not kept: it never
    reaches the user as an error. ``job`` must hold its data: keep a shallow pandas copy of
    a frame (copy-on-write then copies the caller's frame if the caller changes it in place,
    never the data being written)."""
    thread = threading.Thread(target=_quietly, args=(job,), name=name)
    with _BACKGROUND_LOCK:
        _BACKGROUND.append(thread)
    thread.start()


def _quietly(job: Callable[[], None]) -> None:
    with contextlib.suppress(Exception):  # a cache entry not kept is only a slower next run
        job()


def written() -> None:
    """Wait until the cache writes running in the background (:func:`in_background`) are
    done: before reading what they write, removing their folder, or forking."""
    while True:
        with _BACKGROUND_LOCK:
            if not _BACKGROUND:
                return
            thread = _BACKGROUND.pop()
        if thread is not threading.current_thread():
            thread.join()


if hasattr(os, "register_at_fork"):  # (POSIX; Windows has no fork)
    os.register_at_fork(before=written)


def ipc_bytes(table: pa.Table, *, compress: bool = True) -> bytes:
    """``table`` as an Arrow IPC file (LZ4-compressed unless ``compress`` is false: a table
    of entries that are compressed already)."""
    sink = pa.BufferOutputStream()
    write_ipc(sink, table, compress=compress)
    return bytes(sink.getvalue().to_pybytes())


def map_ipc(path: Path) -> pa.Table:
    """The table of an uncompressed Arrow IPC file, memory-mapped: its columns are the file's
    pages, nothing is copied (raises on damage)."""
    return pa.ipc.open_file(pa.memory_map(str(path)), options=_READ).read_all()


def read_ipc(data: bytes | pa.Buffer) -> pa.Table:
    """The table of an Arrow IPC file's bytes (raises on damage: the caller ignores it)."""
    return pa.ipc.open_file(pa.py_buffer(data), options=_READ).read_all()


def prune(folder: Path, keep: Iterable[str], suffix: str, prefix: str = "",
          skip: str | None = None) -> int:
    """Remove the entries of ``folder`` named ``prefix…suffix`` (and not ``skip…``) that are
    not in ``keep`` (file names); return how many went. Errors are ignored (another run may
    be pruning the same folder); temporary files are left alone while the run writing them
    goes on, and removed once it is gone (a run ended at once, ``kill -9``, leaves them:
    see :func:`stale`)."""
    kept = set(keep)
    gone = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):  # once per entry, never per record
            name = entry.name
            if name.startswith(_TEMPORARY):
                if stale(entry, name[len(_TEMPORARY):].split("-", 1)[0]):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
            elif (name.startswith(prefix) and name.endswith(suffix) and name not in kept
                    and not (skip and name.startswith(skip))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    gone += 1
    return gone


#: Seconds after which a temporary file of a process that no longer runs is a leftover: a
#: worker's temporary waiting for its parent to take it into the run's outputs is younger.
STALE_AFTER = 600


class KeptFiles:
    """Files a run keeps in the cache folder ``folder``, one a key (``PREFIX + key + SUFFIX``),
    and the ones this run used: what is read is marked used, what was not is pruned. A kind of
    file (each with its own header) is a subclass naming its ``PREFIX`` and ``SUFFIX``."""

    PREFIX = ""
    SUFFIX = ""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def _path(self, key: str) -> Path:
        return self.folder / f"{self.PREFIX}{key}{self.SUFFIX}"

    def _read(self, key: str) -> bytes | None:
        """The bytes kept for ``key``, marked used (None: there are none, or unreadable)."""
        path = self._path(key)
        self.used.add(path.name)
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _write(self, key: str, data: bytes) -> None:
        """Keep ``data`` for ``key`` (errors ignored: it is only a cache)."""
        with contextlib.suppress(OSError):
            atomic_write(self._path(key), data)

    def prune(self) -> int:
        """Remove the files of this kind this run did not use; return how many went."""
        return prune(self.folder, self.used, self.SUFFIX, self.PREFIX)


def stale(entry: os.DirEntry[str], pid: str) -> bool:
    """Whether ``entry``, a temporary file named by the process ``pid`` (its digits) that made
    it, was left behind: a file of this user, untouched for :data:`STALE_AFTER` seconds, whose
    process no longer runs."""
    try:
        if not pid.isdigit() or not entry.is_file(follow_symlinks=False):
            return False
        info = entry.stat(follow_symlinks=False)
        return (info.st_uid == os.getuid() and time.time() - info.st_mtime > STALE_AFTER
                and not process_alive(int(pid)))
    except (OSError, AttributeError):  # (no getuid: not on Windows; nothing removed)
        return False
