"""The ``points`` command: argument parsing and printing only; the work is the public API.

:mod:`.parser` builds the parser, :mod:`.commands` runs each command.

Every library error becomes one line on stderr (``错误：…``) and exit status 1; usage errors
exit 2 (argparse); no traceback reaches the user. Ctrl-C and SIGTERM (``kill``, a stopped service,
``timeout``) stop a run the same way: through its cleanup (temporary files and folders
removed), with 已中断 and exit status 130. Everything printed passes through
:func:`terminal_text` (a control character from a cell, a file name or a ruleset is shown as
``\\x1b``, never sent to the terminal raw), and a character the console cannot encode (an emoji
on a GBK console, a file name that is not UTF-8) is printed as its escape: printing never fails.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, TextIO

from ..vocab.errors import PointsError, RulesetError
from . import commands
from .parser import parser

__all__ = ["main", "main_exit", "parser", "terminal_text"]

#: C0 controls but tab, LF and CR; DEL; C1 controls (ESC starts a terminal escape sequence);
#: the bidirectional overrides and isolates, which reorder what a line seems to say.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """``text`` safe for a terminal: each control character written as its visible escape
    (``\\x1b``, ``\\x07``, ``\\u202e`` …), so it can neither clear the screen, retitle the
    window nor reverse a line."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class _Terminal:
    """A text stream whose every write goes through :func:`terminal_text`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_text(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _terminal() -> Iterator[None]:
    """stdout and stderr made safe for the length of one command (restored after)."""
    out, err = sys.stdout, sys.stderr
    errors = [getattr(stream, "errors", None) for stream in (out, err)]
    for stream in (out, err):
        if hasattr(stream, "reconfigure"):  # an emoji on a GBK console: printed as \U0001f389
            stream.reconfigure(errors="backslashreplace")
    sys.stdout, sys.stderr = _Terminal(out), _Terminal(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
        for stream, before in zip((out, err), errors, strict=True):
            if before is not None and hasattr(stream, "reconfigure"):  # as the caller had it
                stream.reconfigure(errors=before)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    with _terminal(), _terminate_as_interrupt():
        return _main(argv)


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM stops the run as Ctrl-C does (by default it ends the process
    at once, leaving the workers' and the prefetch's temporary folders behind); the caller's
    handler is given back after. Only the main thread can set a handler: elsewhere nothing
    changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _main(argv: Sequence[str] | None) -> int:
    command = parser()
    args = command.parse_args(argv)
    if getattr(args, "mask_names", False) and not getattr(args, "public", None):
        command.error("--mask-names 只用于公示版：请同时给出 --public 公示.xlsx")
    commands.KEPT.clear()  # (the last command's results, in a process that runs several)
    try:
        return int(args.run(args))
    except BrokenPipeError:  # `points … | head`: the reader stopped; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except PointsError as error:
        message = error.one_line() if isinstance(error, RulesetError) else str(error)
        print(f"错误：{message.replace(chr(10), ' ')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


def main_exit() -> NoReturn:
    """The console-script entry point (and ``python -m points``): :func:`main`, then the
    process ends without freeing its objects one by one (after a city's run that is half a
    second of the command's time). The outputs are written and closed by then; what was
    registered to run at exit (:mod:`atexit`) still runs and the output streams are
    flushed. While a thread other than a daemon's still runs, the process ends the usual
    way, once it is done."""
    _end(main())


def _end(code: int) -> NoReturn:
    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon and t.is_alive()
           for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()  # (what interpreter shutdown would run, in the same order)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # (a closed pipe, a closed stream)
            stream.flush()
    os._exit(code)
