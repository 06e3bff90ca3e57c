"""Which files changed since the last run, without reading the ones that did not: each file's
*stamp* (size, modification and change times, inode), taken before any file is hashed, kept
with its SHA-256 (:mod:`.lastrun`). A file whose stamp is the one the last run saw, and had
settled well before that run looked, keeps its SHA-256 unread — the way version control and
build tools tell changed files; the others are hashed. Any write to a file moves its change
time, which no program can set back; a change within the same tick of a coarse clock is
caught by requiring the file to have settled (:data:`SETTLED_NS`) first."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from pathlib import Path

__all__ = ["SETTLED_NS", "Looked", "Stamp", "digests", "looked"]

Stamp = tuple[int, int, int, int]  # size, modification and change time (ns), inode
Looked = tuple[int, dict[str, Stamp | None]]  # when (ns since the epoch), each file's stamp

#: A file whose last change came less than this long (ns) before a run looked at it is
#: hashed again by the next run (clocks that tick in seconds; FAT keeps two).
SETTLED_NS = 3_000_000_000


def looked(files: list[str]) -> Looked:
    """When the files were looked at, and each one's stamp (size, modification and change
    times, inode; None when it cannot be looked at), taken before any of them is hashed."""
    at = time.time_ns()
    stamps: dict[str, Stamp | None] = {}
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            stamps[path] = None
        else:
            stamps[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return at, stamps


def digests(files: list[str], settled: Mapping[str, tuple[Stamp, str]], now: Looked
            ) -> dict[str, str | None]:
    """The SHA-256 of each file's content (None for a file that cannot be read: it is read
    again, and the reading says why). A file whose stamp (``now``) is the one the last run
    saw, and had last changed well before that run looked (:data:`SETTLED_NS`: a change
    within the same tick of a coarse clock could keep the stamp), is not read: its content
    is the one the last run hashed (``settled``: the last run's settled files, their stamp
    and SHA-256). Any write to a file moves its change time, which no program can set
    back."""
    out: dict[str, str | None] = {}
    for path in files:
        stamp, kept = now[1].get(path), settled.get(path)
        if stamp is not None and kept is not None and kept[0] == stamp:
            out[path] = kept[1]
            continue
        out[path] = _sha256(path)
    return out


def _sha256(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
