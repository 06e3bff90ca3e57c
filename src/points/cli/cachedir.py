"""The cache folder of a command (``--cache DIR``, ``--no-cache``, by default ``积分缓存``
beside the output of ``points score``): where it is, removed again when a run that made it
fails, and its scans of files no longer read pruned after a run that succeeded (the score
entries are pruned by :func:`points.assess` itself, once scoring is done)."""

from __future__ import annotations

import argparse
import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..assess import Assessment
from ..backends.cache import PREFIX as SCORE_PREFIX
from ..read.cache import CACHE_NAME, entry_key, is_cache_dir
from ..read.lastrun import entry_names
from ..vocab.store import prune, written

__all__ = ["cache_folder", "fresh_cache_undone", "prune_scans"]


def cache_folder(args: argparse.Namespace) -> Path | None:
    """``--cache DIR``; without it, ``积分缓存`` beside ``-o`` (``points score``), else none;
    ``--no-cache``: none."""
    if getattr(args, "no_cache", False):
        return None
    if getattr(args, "cache", None):
        return Path(args.cache)
    output = getattr(args, "output", None)
    if not output or not Path(output).parent.is_dir():
        return None  # (a missing output folder is reported when the outputs are checked)
    return Path(output).parent / CACHE_NAME


def prune_scans(args: argparse.Namespace, result: Assessment) -> None:
    """After a run that succeeded: the scans of files it did not read (removed, renamed or
    changed since) leave the cache; the score cache keeps its own (:mod:`points.backends.cache`)."""
    written()  # (the records entry, if still being written into the folder)
    folder = cache_folder(args)
    if folder is None or not is_cache_dir(folder):
        return
    keep = [entry_key(sha, Path(path).name, args.year) + ".arrow" for path, sha in result.files]
    keep += entry_names(args.year)  # the records of the run (read/lastrun)
    prune(folder, keep, ".arrow", skip=SCORE_PREFIX)


@contextlib.contextmanager
def fresh_cache_undone(args: argparse.Namespace) -> Iterator[None]:
    """A cache folder this run creates is removed again if the run fails (a failed run leaves
    nothing behind; an existing cache keeps what it gained: it is only a cache)."""
    folder = cache_folder(args)
    fresh = folder is not None and not folder.exists()
    try:
        yield
    except BaseException:
        written()  # (the records entry, if still being written into it)
        if fresh and folder is not None and is_cache_dir(folder):
            shutil.rmtree(folder, ignore_errors=True)
        raise
