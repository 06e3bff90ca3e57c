"""Load rulesets from TOML files, reporting every problem at once.

Every problem names its key path, the expectation and the value::

    $.activities.主题党日.cap: 应为 ≥ 0 的数字，实际是 '二十'
    $.activities.主题党日.caps: 无法识别的键（是不是 'cap'？）

Messages are in Chinese: the people who edit ruleset files read Chinese.

The document is built into a :class:`Ruleset` by :mod:`.build` (declarations in
:mod:`.schema`, checks in :mod:`.check`). Only a regular file of at most :data:`MAX_BYTES` is read; a TOML
syntax error keeps its line and column. The shipped rulesets (``shipped/*.toml``) load by this
same code.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from ..vocab.errors import RulesetError, os_problem
from ..vocab.text import suggestion_zh
from .build import build_ruleset
from .check import toml_problem
from .model import Ruleset

__all__ = ["DEFAULT_RULESET", "RulesetError", "default_ruleset", "load_ruleset", "ruleset_source",
           "shipped_rulesets"]

DEFAULT_RULESET = "dujiangyan"
#: The largest ruleset file read, in bytes (a ruleset is a few thousand).
MAX_BYTES = 1 << 20
_TOO_BIG = f"文件过大（{{:,}} 字节），规则文件通常只有几千字节，上限为 {MAX_BYTES:,} 字节"
#: A dotted key or table name of 32 parts or more: not a ruleset's, and tomllib takes time
#: growing with the square of the parts, even before it finds that no '=' or ']' follows.
_PART = r"""(?:[\w-]+|"[^"\n]*"|'[^'\n]*')"""
_DOTTED = re.compile(rf"(?:^|[\[{{,])[ \t]*{_PART}(?:[ \t]*\.[ \t]*{_PART}){{31}}", re.M)


# -- the file and its TOML ----------------------------------------------------------------------
def _parse(data: bytes, source: str) -> Ruleset:
    return _built(hashlib.sha256(data).hexdigest(), data, source)


@functools.lru_cache(maxsize=16)
def _built(sha256: str, data: bytes, source: str) -> Ruleset:
    """The ruleset of ``data`` read from ``source``, built once for the same bytes and name (a
    Ruleset is frozen; rebuilding the default one took ~10 ms of every ``assess`` that names
    none). A file with any problem raises each time (an exception is not cached)."""
    try:
        return build_ruleset(_document(data, source), source, sha256)
    except RecursionError:
        raise _file_error(source, "嵌套层数过多（方括号或花括号套了太多层），不是规则文件") from None


def _document(data: bytes, source: str) -> dict[str, Any]:
    """The TOML document in ``data``; a RulesetError in Chinese, with line and column, if none."""
    if len(data) > MAX_BYTES:
        raise _file_error(source, _TOO_BIG.format(len(data)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise _file_error(source, f"不是 UTF-8 编码的文字（第 {line} 行有无法解读的字节），"
                                  "请用 UTF-8 编码保存") from None
    if dotted := _DOTTED.search(text):
        line = text.count("\n", 0, dotted.end()) + 1
        raise _file_error(source, f"第 {line} 行的键名或表名由太多段（用 . 连接）组成，不是规则文件")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _file_error(source, toml_problem(str(exc))) from None
    except ValueError:  # an integer of more than 4300 digits
        digits = re.search(r"[0-9_]{4300}", text)
        at = f"第 {text.count(chr(10), 0, digits.start()) + 1} 行" if digits else ""
        raise _file_error(source, f"{at}有位数过多的整数，不是规则文件") from None


def _read(file: Path, source: str) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES`: a directory, device or FIFO is
    refused before it is opened (and checked again once open), so reading never blocks."""
    try:
        mode, size = _kind(os.stat(file))
        if mode is None and size <= MAX_BYTES:
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
            with os.fdopen(os.open(file, flags), "rb") as stream:
                mode, size = _kind(os.fstat(stream.fileno()))
                data = stream.read(MAX_BYTES + 1) if mode is None else b""
    except FileNotFoundError:
        hint = suggestion_zh(source, shipped_rulesets())
        raise _file_error(source, "找不到此文件，也不是内置规则名" + hint) from None
    except OSError as exc:
        raise _file_error(source, "无法读取文件：" + os_problem(exc)) from None
    except ValueError:  # a NUL character in the name
        raise _file_error(source, "文件名中有无效的字符") from None
    if mode is not None or size > MAX_BYTES:
        raise _file_error(source, mode or _TOO_BIG.format(size))
    return data


def _kind(status: os.stat_result) -> tuple[str | None, int]:
    """Why a file cannot be a ruleset (None for a regular file), and its size."""
    if stat.S_ISDIR(status.st_mode):
        return "这是一个文件夹，不是规则文件", 0
    if not stat.S_ISREG(status.st_mode):
        return "不是普通文件（是设备、管道或套接字），不能作为规则文件", 0
    return None, status.st_size


def _file_error(source: str, problem: str) -> RulesetError:
    return RulesetError(source, [("$", problem)])


def shipped_rulesets() -> list[str]:
    """Names of the rulesets shipped inside the package (``dujiangyan`` is the default)."""
    folder = resources.files("points.rules") / "shipped"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_ruleset(path: str | Path) -> Ruleset:
    """Load and validate a ruleset.

    ``path`` is a TOML file, or the name of a shipped ruleset (see :func:`shipped_rulesets`).
    Raises :class:`RulesetError` listing every problem found, each with its key path.
    """
    return _parse(ruleset_source(path), str(path))


def ruleset_source(path: str | Path) -> bytes:
    """The bytes of the ruleset :func:`load_ruleset` would load from ``path`` (a TOML file or
    a shipped ruleset's name), as written: comments and all. Raises :class:`RulesetError` for a
    file that cannot be read."""
    text_path = str(path)
    file = Path(path)
    if not file.suffix and not file.exists() and text_path in shipped_rulesets():
        return (resources.files("points.rules") / "shipped" / f"{text_path}.toml").read_bytes()
    return _read(file, text_path)


def default_ruleset() -> Ruleset:
    """The shipped default ruleset, ``dujiangyan`` (都江堰式分类积分)."""
    return load_ruleset(DEFAULT_RULESET)
