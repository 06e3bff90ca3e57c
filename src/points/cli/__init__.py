"""The ``points`` command: argument parsing and printing only; the work is the public API.

:mod:`.parser` builds the parser, :mod:`.commands` runs each command.

Every library error becomes one line on stderr (``错误：…``) and exit status 1; usage errors
exit 2 (argparse); no traceback reaches the user.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..vocab.errors import PointsError, RulesetError
from .parser import parser

__all__ = ["main", "main_exit", "parser"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    command = parser()
    args = command.parse_args(argv)
    if getattr(args, "mask_names", False) and not getattr(args, "public", None):
        command.error("--mask-names 只用于公示版：请同时给出 --public 公示.xlsx")
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


def main_exit() -> None:
    """The console-script entry point."""
    sys.exit(main())
