"""vocab/frozen.py: a read-only mapping that pickles, and the objects that hold one."""

from __future__ import annotations

import pickle

import pytest

import points
from conftest import assert_same_frame
from points.vocab.frozen import FrozenMap


def test_a_frozen_map_reads_like_a_mapping_and_cannot_be_changed() -> None:
    items = FrozenMap({"请假": 0.5, "迟到": 0.8})
    assert list(items) == ["请假", "迟到"] and items["迟到"] == 0.8 and len(items) == 2
    assert items == {"请假": 0.5, "迟到": 0.8} and items != {"请假": 0.5}
    assert dict(items.items()) == {"请假": 0.5, "迟到": 0.8} and items.get("缺席") is None
    with pytest.raises(TypeError):
        items["缺席"] = 0  # type: ignore[index]  # (the point: it has no __setitem__)
    copy = pickle.loads(pickle.dumps(items))
    assert type(copy) is FrozenMap and copy == items and list(copy) == list(items)


@pytest.mark.parametrize("name", points.shipped_rulesets())
def test_every_shipped_ruleset_pickles_to_an_equal_ruleset(name: str) -> None:
    """A ruleset goes to a worker process (``concurrent.futures``, ``multiprocessing``) as it
    is: it used to hold ``mappingproxy`` values, which cannot be pickled."""
    ruleset = points.load_ruleset(name)
    again = pickle.loads(pickle.dumps(ruleset))
    assert again == ruleset and again.sha256 == ruleset.sha256


def test_an_assessment_pickles_with_its_tables(example: points.Assessment) -> None:
    again = pickle.loads(pickle.dumps(example))
    assert again.ruleset == example.ruleset and again.year == example.year
    for name in ("totals", "ledger", "rankings", "flags", "issues"):
        assert_same_frame(getattr(again, name), getattr(example, name))
