"""The score cache's entries by kind of run: an entry is ``score-<group>-<key>.arrow``, its
group the first characters of the key every chunk of one ruleset, period and program shares
(:func:`.cache.common_key`). One listing of the folder says when each group was last used
(its newest entry's mtime), its bytes and its files: what pruning keeps beside this run
(:func:`last_other`), which entries a run starts loading early (:func:`kept_keys`) and which
the prefetch unpacks (:mod:`.prefetch`)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import attrs

__all__ = ["PREFIX", "SUFFIX", "Group", "entry_groups", "kept_keys", "last_other", "last_used"]

#: Score entries' names: ``score-<group>-<key>.arrow`` (scan entries are ``<key>.arrow``).
PREFIX = "score-"
SUFFIX = ".arrow"


@attrs.frozen
class Group:
    """The score entries of one kind of run in a cache folder: when one was last used (its
    newest mtime), their bytes and their file names."""

    used: float
    size: int
    names: list[str]


def entry_groups(folder: Path) -> dict[str, Group]:
    """The score entries in ``folder`` by kind of run."""
    used: dict[str, float] = {}
    size: dict[str, int] = {}
    names: dict[str, list[str]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):  # once per entry
            name = entry.name
            if name.startswith(PREFIX) and name.endswith(SUFFIX):
                group = name[len(PREFIX):].split("-")[0]
                with contextlib.suppress(OSError):
                    stat = entry.stat()
                    used[group] = max(used.get(group, 0.0), stat.st_mtime)
                    size[group] = size.get(group, 0) + stat.st_size
                    names.setdefault(group, []).append(name)
    return {g: Group(used[g], size[g], names[g]) for g in used}


def last_used(groups: dict[str, Group]) -> str | None:
    """The kind of run among ``groups`` whose entries were used last (None: no entries)."""
    return max(groups, key=lambda g: (groups[g].used, g)) if groups else None


def kept_keys(folder: Path, group: str) -> list[str]:
    """The keys of the entries of one kind of run (``group``: ruleset, period, program) in
    ``folder``, the last such run's chunks: loaded before this run's keys are known."""
    found = entry_groups(folder).get(group)
    return sorted(n[len(PREFIX):-len(SUFFIX)] for n in found.names) if found else []


def last_other(folder: Path, group: str) -> list[str]:
    """The names of the entries of the group, other than ``group``, used last."""
    others = {g: found for g, found in entry_groups(folder).items() if g != group}
    last = last_used(others)
    return others[last].names if last is not None else []
