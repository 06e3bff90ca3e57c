"""Writing files: atomically, all of a run or nothing, under names every file system accepts.

:func:`atomic_write` writes to a temporary file beside the target and renames it into place;
within :func:`all_or_nothing`, the renames wait until the block ends, so that a command that
fails writes nothing (and a file it would have replaced keeps its previous contents).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from ..vocab.errors import OutputError, os_problem
from ..vocab.forking import run_pid
from ..vocab.store import stale

__all__ = ["STOPS", "adopt", "all_or_nothing", "atomic_write", "discard", "held", "hold_stops",
           "release_stops", "safe_filename", "write_file"]

_STAGED: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("staged", default=None)


#: Folders whose leftover temporaries this process has looked for (once each).
_SWEPT: set[Path] = set()


def _sweep(folder: Path) -> None:
    """Remove the temporaries (``.~NAME.PID-….tmp``) that runs ended at once (``kill -9``)
    left in ``folder``: this user's, whose process no longer runs. Once per folder."""
    if folder in _SWEPT:
        return
    _SWEPT.add(folder)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):  # once per file of the folder, once per run
            name = entry.name
            if name.startswith(".~") and name.endswith(".tmp") and "." in name[2:-4]:
                pid = name[2:-4].rsplit(".", 1)[1].split("-", 1)[0]
                if stale(entry, pid):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def _temporary(target: Path) -> Path:
    """A new empty file beside ``target`` (same folder, so a rename never copies), named by
    the run's process (``.~NAME.PID-….tmp``, so that a later run can tell a leftover, and
    this one never takes a worker's for one)."""
    _sweep(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent,
                                   prefix=f".~{target.stem[:40]}.{run_pid()}-", suffix=".tmp")
    except OSError as error:
        raise OutputError(target, f"无法在 {target.parent} 中写入文件（{os_problem(error)}）") from None
    try:
        if os.name != "nt":  # (Windows: a file's permissions are its folder's)
            os.fchmod(fd, _mode(target))
    except OSError:
        pass  # (a file system without permissions: as it comes)
    finally:
        os.close(fd)
    return Path(tmp)


def _mode(target: Path) -> int:
    """The permissions ``target`` gets: those of the file it replaces, else what a new file
    gets here (read and write as the umask allows, as Excel's or any program's would; a
    temporary file is made for its owner alone, which would keep the others who share the
    folder from opening a workbook)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """This process's umask, read without changing it where the system tells it (Linux)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # (elsewhere: set and put back at once)
    os.umask(mask)
    return mask


#: The signals that stop a run: Ctrl-C, and SIGTERM (which the command line makes stop it as
#: Ctrl-C does).
STOPS = {signal.SIGINT, signal.SIGTERM}


def hold_stops() -> set[int | signal.Signals] | None:
    """Ctrl-C and SIGTERM held back in this thread (where the platform can): the previous mask."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)


def release_stops(previous: set[int | signal.Signals] | None) -> None:
    """The mask :func:`hold_stops` returned put back: a signal held meanwhile arrives now."""
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _failed(target: Path, error: OSError) -> OutputError:
    if isinstance(error, PermissionError):
        return OutputError(target, "无法写入：文件可能正在 Excel/WPS 中打开，请关闭后重试")
    return OutputError(target, f"无法写入（{os_problem(error)}）")


def atomic_write(path: str | Path, write: Any) -> None:
    """Call ``write(handle)`` on a temporary file beside ``path``, then rename it into place;
    on any failure the temporary file is removed and ``path`` is left as it was. Within
    :func:`all_or_nothing`, the rename waits until the block ends."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(target, "这是一个文件夹，请给出要写入的文件名")
    if not target.parent.is_dir():
        raise OutputError(target, f"文件夹 {target.parent} 不存在，请先创建")
    held = hold_stops()  # an interrupt between making the temporary and knowing it would leave it
    try:
        tmp = _temporary(target)
    except BaseException:
        release_stops(held)
        raise
    try:
        release_stops(held)  # an interrupt held meanwhile is raised here, where the temporary is removed
        with tmp.open("wb") as handle:
            write(handle)
        staged = _STAGED.get()
        if staged is None:
            os.replace(tmp, target)
        else:
            staged.append((tmp, target))
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise _failed(target, error) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def all_or_nothing() -> Iterator[None]:
    """Every file :func:`atomic_write` writes within this block is kept as a temporary file
    beside its target until the block ends; then all are renamed into place. If the block
    fails, the temporaries are removed and no target is touched; if a rename fails, the files
    already renamed get their previous contents back (or are removed when there was none) and
    the error is raised. A block within another joins it."""
    if _STAGED.get() is not None:
        yield
        return
    staged: list[tuple[Path, Path]] = []
    token = _STAGED.set(staged)
    try:
        yield
    except BaseException:
        discard(staged)
        raise
    finally:
        _STAGED.reset(token)
    _commit(staged)


@contextmanager
def held() -> Iterator[list[tuple[Path, Path]]]:
    """Like :func:`all_or_nothing`, but the files written in the block are left as temporary
    files and handed over: the block's list of ``(temporary, target)`` pairs, for
    :func:`adopt` (in a worker process: the parent adopts them). If the block fails, the
    temporaries are removed."""
    staged: list[tuple[Path, Path]] = []
    token = _STAGED.set(staged)
    try:
        yield staged
    except BaseException:
        discard(staged)
        raise
    finally:
        _STAGED.reset(token)


def adopt(staged: list[tuple[Path, Path]]) -> None:
    """Files written as :func:`held` temporaries: they join the :func:`all_or_nothing` block
    under way (or are renamed into place at once when there is none)."""
    current = _STAGED.get()
    if current is None:
        _commit(staged)
    else:
        current.extend(staged)


def discard(staged: list[tuple[Path, Path]]) -> None:
    """Remove the temporaries of ``staged``."""
    for tmp, _ in staged:
        tmp.unlink(missing_ok=True)


def _commit(staged: list[tuple[Path, Path]]) -> None:
    """Rename each temporary onto its target, keeping the previous file aside until all are
    done; on failure put everything back."""
    done: list[tuple[Path, Path | None]] = []  # a target and where its previous file is kept
    try:
        for tmp, target in staged:
            kept = None
            if target.exists():
                kept = _temporary(target)
                try:
                    os.replace(target, kept)
                except OSError:
                    kept.unlink(missing_ok=True)
                    raise
            done.append((target, kept))
            os.replace(tmp, target)
    except (OSError, OutputError) as error:
        for written, kept in reversed(done):
            with contextlib.suppress(OSError):  # best effort: the error below is the news
                if kept is None:
                    written.unlink(missing_ok=True)
                else:
                    os.replace(kept, written)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        if isinstance(error, OutputError):
            raise
        raise _failed(target, error) from None
    for _, kept in done:
        if kept is not None:
            kept.unlink(missing_ok=True)


def write_file(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda handle: handle.write(data))


_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(name: str, taken: set[str]) -> str:
    """A file name (without extension) for ``name`` that every file system accepts, distinct
    from the (case-insensitive) names in ``taken``, which it joins."""
    stem = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip().rstrip(". ") or "未命名"
    stem = stem[:80]
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    out, n = stem, 1
    while out.casefold() in taken:
        n += 1
        out = f"{stem}-{n}"
    taken.add(out.casefold())
    return out
