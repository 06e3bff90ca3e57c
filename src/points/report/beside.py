"""Work done beside the main line of a write: in a second thread (:func:`alongside`), or in a
child process forked from this one (:class:`Child`, ``alongside``'s ``process=True``): a long
ledger file written on the second core while this process builds the workbook (a thread would
share the interpreter with it). The child writes its files as temporaries (see
:func:`.files.held`) that this process adopts into the :func:`.files.all_or_nothing` block
under way, so that the run stays all or nothing and every file is the same as when written
here.

The child is forked (Linux, :func:`points.vocab.forking.can_fork`): it sees the assessment
without copying or pickling it. Ctrl-C (which reaches every process of the command) stops the
call in the child, which removes what it wrote and ends quietly, never with a traceback; so
does :meth:`Child.cancel`. When the child cannot report (it died, or its outcome cannot be
sent), the call is made here, in this process: the files are the same.
"""

from __future__ import annotations

import contextlib
import contextvars
import multiprocessing
import os
import signal
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from ..vocab.forking import can_fork
from .files import STOPS, adopt, discard, held, hold_stops, release_stops

__all__ = ["STOP_WAIT", "Child", "Submit", "alongside"]

Staged = list[tuple[Path, Path]]
#: Seconds a stopped child has to end before it is killed (:meth:`Child.cancel`): removing
#: its temporaries takes a moment, a call stuck in a library's C code may never return.
STOP_WAIT = 10.0
_BUSY = False  # in the child: making the call (an interrupt then stops it)


def _interrupted(number: int, frame: object) -> None:
    """In the child: Ctrl-C or :meth:`Child.cancel` stops the call (its temporaries are
    removed on the way out); once it is done, nothing is left to stop."""
    if _BUSY:
        raise KeyboardInterrupt


def _run(call: Callable[[], None], send: Connection) -> None:
    """In the child: ``call()``, its files held as temporaries; send ``("done", staged)`` or
    ``("failed", error)``, then end at once (nothing of the parent's to flush or clean up)."""
    global _BUSY
    _BUSY = True
    for number in STOPS:
        signal.signal(number, _interrupted)
    outcome: tuple[str, Any]
    staged: Staged = []
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)  # (blocked while forking)
        with held() as staged:
            try:
                call()
            finally:
                _BUSY = False
        outcome = ("done", staged)
    except BaseException as error:  # every outcome goes to the parent
        discard(staged)  # (already removed when the call itself failed)
        outcome = ("failed", error if isinstance(error, Exception) else None)
    try:
        send.send(outcome)
    except BaseException:  # an error that cannot be pickled: the parent makes the call itself
        discard(staged)
        with contextlib.suppress(BaseException):
            send.send(("failed", None))
    finally:
        os._exit(0)


class Child:
    """``call()`` started in a forked child process (see the module); :meth:`result` adopts
    its files, :meth:`cancel` stops it and removes them."""

    def __init__(self, call: Callable[[], None]) -> None:
        context = multiprocessing.get_context("fork")
        self._call = call
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(call, send), daemon=False)
        # Ctrl-C held back while forking: the child takes it once its own handlers are set
        blocked = hold_stops()
        try:
            with warnings.catch_warnings():  # 3.12+: "multi-threaded, fork() may deadlock"
                warnings.simplefilter("ignore", DeprecationWarning)
                self._process.start()
        finally:
            release_stops(blocked)
        send.close()

    def _outcome(self) -> tuple[str, Any]:
        """What the child sent (``("failed", None)`` when it ended without a word)."""
        try:
            outcome: tuple[str, Any] = self._receive.recv()
        except (EOFError, OSError):
            outcome = ("failed", None)
        self._receive.close()
        self._process.join()
        return outcome

    def result(self) -> None:
        """Wait for the child; its files join the :func:`.files.all_or_nothing` block under
        way. Its error is raised here; when it was stopped or could not report, the call is
        made here instead."""
        kind, value = self._outcome()
        if kind == "done":
            adopt(value)
        elif value is not None:
            raise value
        else:
            self._call()

    def cancel(self) -> None:
        """Stop the child (it removes what it wrote) and wait for it; remove what it had
        finished. A child that has not ended :data:`STOP_WAIT` seconds after it was asked to
        (stuck in a call that does not return to the interpreter) is killed: the command
        never hangs on it (a temporary it leaves is removed by the next run that writes in
        its folder)."""
        pid = self._process.pid
        if self._process.is_alive() and pid is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
            with contextlib.suppress(OSError):
                if not self._receive.poll(STOP_WAIT) and self._process.is_alive():
                    os.kill(pid, signal.SIGKILL)
        kind, value = self._outcome()
        if kind == "done":
            discard(value)


class Submit(Protocol):
    """What :func:`alongside` gives: ``submit(call)`` runs ``call()`` beside the block."""

    def __call__(self, call: Callable[[], None], *, process: bool = False) -> None: ...


@contextmanager
def alongside() -> Iterator[Submit]:
    """A ``submit(call, process=False)`` that runs ``call()`` beside the block, within the
    :func:`.files.all_or_nothing` block under way (the files it writes join it): in a second
    thread, or with ``process`` in a forked :class:`Child` where processes may be forked
    (:func:`points.vocab.forking.can_fork`; elsewhere in the thread). The block waits for
    every call and raises the first error (after the block's own, if it failed: then the
    children are stopped and what they wrote is removed)."""
    with ThreadPoolExecutor(1) as pool:
        futures: list[Future[None]] = []
        children: list[Child] = []

        def submit(call: Callable[[], None], *, process: bool = False) -> None:
            if process and can_fork():
                children.append(Child(call))
            else:
                futures.append(pool.submit(contextvars.copy_context().run, call))

        try:
            try:
                yield submit
            finally:
                wait(futures)
        except BaseException:
            for child in children:
                child.cancel()
            raise
        for future in futures:
            future.result()
        _results(children)


def _results(children: list[Child]) -> None:
    """Each child's files adopted, in order; on the first failure (or an interrupt while
    waiting) that child and the others are stopped."""
    for at, child in enumerate(children):
        try:
            child.result()
        except BaseException:
            for other in children[at:]:  # (a child that has reported: nothing left to stop)
                other.cancel()
            raise
