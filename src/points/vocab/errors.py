"""The one family of errors ``points`` raises for bad input and bad arguments.

Every error is a :class:`PointsError`: a stable English ``code`` (for scripts), ``where`` (the
file or key path concerned, "" when there is none) and a Chinese message (``str(error)``) a
secretary can act on. The command line catches this family only and prints one line; any
other exception is a bug in ``points`` and keeps its traceback.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path
from typing import ClassVar

import pandas as pd

from .text import readable_path

__all__ = ["ArgumentError", "OutputError", "PointsError", "ReaderError", "RecordsError",
           "RulesetError", "WorkbookError", "os_problem"]

#: An operating system's reason for failing, in Chinese (errno → text); the OS's own text
#: (``strerror``) is English, or in the language of the machine's locale.
_OS_PROBLEMS = {
    errno.ENOENT: "文件不存在（或是指向不存在文件的链接）", errno.EACCES: "没有权限",
    errno.EPERM: "没有权限", errno.EIO: "读写时出错（磁盘或网络故障）",
    errno.ENOTDIR: "路径中的某一段不是文件夹", errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "符号链接层数过多（链接可能指向自己）", errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘是只读的", errno.EEXIST: "已存在同名文件",
    errno.EBUSY: "文件正被占用", errno.ETXTBSY: "文件正被占用", errno.EMFILE: "打开的文件过多",
    errno.ENFILE: "打开的文件过多", errno.ENOMEM: "内存不足", errno.EINVAL: "路径或文件名无效",
    errno.EXDEV: "不能跨磁盘移动文件", errno.ENXIO: "设备不存在", errno.ENODEV: "设备不存在",
    errno.EDQUOT: "磁盘配额已用完", errno.EFBIG: "文件过大",
}


def os_problem(error: OSError) -> str:
    """The reason for ``error`` in Chinese (never the OS's own English text)."""
    if error.errno is None:
        return "系统错误"
    return _OS_PROBLEMS.get(error.errno, f"系统错误（代码 {error.errno}）")


class PointsError(Exception):
    """Base of every error raised for bad input or bad arguments."""

    #: Stable code of the kind of error.
    code: ClassVar[str] = "points_error"

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(message)
        self.where = where

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.__dict__, self.args))  # raised in a worker process


def _rebuild(cls: type[PointsError], state: dict[str, object], args: tuple[object, ...]
             ) -> PointsError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ArgumentError(PointsError, ValueError):
    """An argument of a public function is out of range (a year, an as-of date, a count)."""

    code = "bad_argument"


class RulesetError(PointsError, ValueError):
    """A ruleset file is unreadable or invalid. ``problems`` lists ``(path, message)`` pairs,
    each path a key path such as ``$.activities.主题党日.cap``."""

    code = "ruleset_invalid"

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [f"{path}: {msg}" for path, msg in problems]
        super().__init__(f"规则 {source} 有 {self.count} 处错误：\n  " + "\n  ".join(lines),
                         where=source)

    @property
    def count(self) -> int:
        """How many problems there are (a long list ends with ``另有 N 处错误未列出``)."""
        more = re.fullmatch(r"另有 (\d+) 处错误未列出", self.problems[-1][1]) if self.problems else None
        return len(self.problems) - 1 + int(more.group(1)) if more else len(self.problems)

    def one_line(self) -> str:
        """The message on one line (for the command line)."""
        return (f"规则 {self.source} 有 {self.count} 处错误："
                + "；".join(f"{path}: {problem}" for path, problem in self.problems))

    def to_frame(self) -> pd.DataFrame:
        """The problems as a DataFrame with columns ``path`` and ``message``."""
        return pd.DataFrame(self.problems, columns=["path", "message"])


class RecordsError(PointsError, ValueError):
    """Records tables failed their checks. ``failures`` is a DataFrame: table, column, problem."""

    code = "records_invalid"

    def __init__(self, failures: list[tuple[str, str, str]]) -> None:
        self.failures = pd.DataFrame(failures, columns=["table", "column", "problem"])
        lines = [f"{t}.{c}: {p}" if c else f"{t}: {p}" for t, c, p in failures]
        super().__init__(f"记录表有 {len(failures)} 处问题：\n  " + "\n  ".join(lines),
                         where=failures[0][0] if failures else "")


class WorkbookError(PointsError):
    """A file that is not a readable workbook: one line naming the file and what to do."""

    code = "workbook_unreadable"

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{readable_path(self.path)}：{problem}", where=readable_path(self.path))


class ReaderError(PointsError, ValueError):
    """The files hold no roster (or nothing at all) to read records against."""

    code = "no_roster"


class OutputError(PointsError):
    """An output file that cannot be written: one line naming the file and what to do."""

    code = "output_unwritable"

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{readable_path(self.path)}：{problem}", where=readable_path(self.path))
