"""Progress of the long steps, told to a callback the caller gives: the library never prints.

A callback is called as ``progress(step, done, total)`` — ``step`` one of :data:`STEPS`,
``done`` of ``total`` units finished — first with ``done == 0`` when the step starts, then as
units finish, last with ``done == total``. The command line shows it on stderr
(:mod:`points.cli.progress`); a script may log it or ignore it.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["STEPS", "Progress", "tell"]

#: A progress callback: ``(step, done, total)``.
Progress = Callable[[str, int, int], None]

#: The steps reported: files scanned (units: files), members scored (units: branches, or
#: partitions of branches), workbooks written (units: workbooks).
STEPS = ("scan", "score", "write")


def tell(progress: Progress | None, step: str, done: int, total: int) -> None:
    """Call ``progress`` if there is one."""
    if progress is not None:
        progress(step, done, total)
