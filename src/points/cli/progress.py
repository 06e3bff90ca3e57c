"""Progress on stderr for the long steps of a run, in Chinese, with the time left.

The library tells a callback (:mod:`points.vocab.progress`); this is the callback of the
command line. One line per step, rewritten in place (at most five times a second): files
scanned of N, branches scored, workbooks written, the time so far and, once a few units are
done, an estimate of the time left. Nothing is shown when stderr is not a terminal (a log, a
pipe, a test) or with ``--quiet``.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from typing import TextIO

__all__ = ["ProgressLine"]

#: step → (what is done, the unit counted).
LABELS = {"scan": ("读取表格", "个文件"), "score": ("计分", "个支部"), "write": ("写出工作簿", "个")}
#: Seconds between two redraws of the line.
INTERVAL = 0.2


def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分 {seconds % 60:02d} 秒"
    return f"{seconds // 3600} 小时 {seconds % 3600 // 60:02d} 分"


class ProgressLine:
    """A :data:`points.vocab.progress.Progress` callback drawing one line per step on
    ``stream`` (stderr) when it is a terminal and ``quiet`` is false."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False,
                 clock: float | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.show = not quiet and self.stream.isatty()
        self.step = ""
        self.start = self.drawn = 0.0
        self.width = 0  # terminal columns of the line on screen (cleared with spaces: the CLI
        # shows control characters such as ESC escaped, so no erase sequence is sent)
        self.clock = clock  # a fixed time for tests (None: the real clock)

    def _now(self) -> float:
        return time.monotonic() if self.clock is None else self.clock

    def line(self, step: str, done: int, total: int) -> str:
        """The text shown for ``done`` of ``total`` units of ``step``."""
        label, unit = LABELS.get(step, (step, ""))
        elapsed = self._now() - self.start
        text = f"{label}：{done}/{total} {unit}，已用 {_duration(elapsed)}"
        if 0 < done < total and elapsed >= 1:
            text += f"，约剩 {_duration(elapsed / done * (total - done))}"
        return text

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.show:
            return
        now = self._now()
        if step != self.step:
            self.step, self.start, self.drawn = step, now, 0.0
        finished = done >= total
        if not finished and now - self.drawn < INTERVAL and done:
            return
        self.drawn = now
        text = self.line(step, done, total)
        width = _width(text)
        self.stream.write("\r" + text + " " * max(0, self.width - width)
                          + ("\n" if finished else ""))
        self.width = 0 if finished else width
        self.stream.flush()
