"""What every file ``points`` writes shares: the target checks and the book's metadata."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from ..judge.assessment import AssessmentTables
from ..vocab.errors import OutputError, os_problem
from .page import default_org, run_date
from .xlsx import Book

__all__ = ["check_folder", "check_target", "check_targets", "created_at", "folder_made",
           "new_book", "not_an_input"]


class _Inputs(Protocol):
    """What was read: an assessment, or the records themselves."""

    @property
    def files(self) -> tuple[tuple[str, str], ...]: ...


def not_an_input(path: Path, read: _Inputs) -> None:
    """Refuse to write over a file the assessment (or records) ``read`` was read from."""
    if path.resolve() in _resolved(read.files, os.getcwd()):
        raise OutputError(path, "这是本次读取的输入文件，不能写在它上面；请换一个文件名")


@functools.lru_cache(maxsize=4)
def _resolved(files: tuple[tuple[str, str], ...], cwd: str) -> frozenset[Path]:
    """The input files as absolute paths, resolved once for all the targets of a run (one
    workbook per branch checks thousands of targets against thousands of inputs). ``cwd``:
    a relative path depends on it."""
    return frozenset(Path(cwd, p).resolve() for p, _ in files)


def check_target(path: Path, read: _Inputs, suffix: str = ".xlsx") -> None:
    """Refuse an input file, a name that does not end in ``suffix``, a folder, or a file in a
    folder that does not exist or cannot be written to."""
    not_an_input(path, read)
    if path.suffix.lower() != suffix:
        raise OutputError(path, f"文件名须以 {suffix} 结尾")
    if path.is_dir():
        raise OutputError(path, "这是一个文件夹，请给出要写入的文件名")
    if not path.parent.is_dir():
        raise OutputError(path, f"文件夹 {path.parent} 不存在，请先创建")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise OutputError(path, f"无法在文件夹 {path.parent} 中写入文件（没有写入权限）")


def check_targets(targets: Iterable[tuple[Path, str]], read: _Inputs) -> None:
    """:func:`check_target` for each ``(path, suffix)`` of ``targets``, and no file twice."""
    seen: dict[str, Path] = {}
    for path, suffix in targets:
        check_target(path, read, suffix)
        key = str(path.resolve()).casefold()  # case-insensitive file systems (Windows, macOS)
        if key in seen:
            raise OutputError(path, f"本次要写出的文件中有两个是同一个文件（{seen[key]}），"
                                    "请换一个文件名")
        seen[key] = path


def check_folder(folder: Path) -> None:
    """Refuse a folder that cannot hold the files: a file of that name, or a folder that
    cannot be created (inside a file) or written to."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(folder, "已存在同名文件，请给出一个文件夹")
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise OutputError(folder, f"{existing} 是一个文件，不能在其中创建文件夹")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(folder, f"无法在文件夹 {existing} 中写入文件（没有写入权限）")


@contextmanager
def folder_made(folder: Path | None) -> Iterator[None]:
    """Create ``folder`` (and its missing parents) for the block; if the block fails, remove
    the folders it created that are still empty."""
    if folder is None:
        yield
        return
    check_folder(folder)
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(folder, f"无法创建文件夹（{os_problem(error)}）") from None
    try:
        yield
    except BaseException:
        for path in made:  # the deepest first
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        raise


def created_at(assessment: AssessmentTables) -> dt.datetime:
    """The workbook's creation date: the end of the period (so the bytes depend on the
    content only)."""
    day = assessment.calendar.cutoff
    return dt.datetime(day.year, day.month, day.day)


def new_book(assessment: AssessmentTables, title: str, *, org: str | None = None,
             date: dt.date | None = None) -> Book:
    """A workbook titled ``title`` (which names the period) whose pages carry the title block
    (see :mod:`.page`): ``org`` (default :func:`.page.default_org`) and ``title`` in the
    header, the ruleset and the run date ``date`` (default :func:`.page.run_date`) in the
    footer."""
    name = default_org(assessment) if org is None else org
    return Book(title=title, header=f"{name} {title}".strip(),
                footer=f"规则：{assessment.ruleset.title}",
                footer_right=f"制表日期：{run_date(assessment, date):%Y-%m-%d}",
                created=created_at(assessment))
