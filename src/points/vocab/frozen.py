"""A read-only mapping that can be pickled.

:class:`types.MappingProxyType` cannot be pickled, so a ruleset holding one could not be sent
to a worker process (``concurrent.futures``, ``multiprocessing``) nor kept with
:mod:`pickle`. :class:`FrozenMap` reads like it — a :class:`~collections.abc.Mapping` with no
way to change it through its methods, equal to any mapping with the same items — and pickles
as its items.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

__all__ = ["FrozenMap"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """The items of ``items`` (a mapping or pairs), read-only, in their order."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | Any = ()) -> None:
        self._items: dict[K, V] = dict(items)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def __reduce__(self) -> tuple[type[FrozenMap[K, V]], tuple[dict[K, V]]]:
        return (type(self), (dict(self._items),))
