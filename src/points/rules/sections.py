"""Reading the sections added for the rules localities write (#16): ``[minimums.<名称>]``.

Kept apart from :mod:`.build` so that each kind of rule reads in one place; :func:`.build.
build_ruleset` calls these after the sections they refer to (activities, categories,
dimensions) are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..vocab.text import suggestion_zh
from .check import Checker, key_path, shown
from .model import Minimum
from .schema import MINIMUM

__all__ = ["read_minimums"]


def read_minimums(c: Checker, doc: Mapping[str, Any], activities: list[str],
                  categories: list[str]) -> list[Minimum]:
    """``[minimums.<名称>]``: each names an activity and categories of the ruleset; one that
    deducts needs the ``deductions`` dimension."""
    out: list[Minimum] = []
    ids: dict[str, str] = {}
    table = c.table(doc.get("minimums"), "$.minimums")
    for name, value in table.items():
        path = key_path("$.minimums", name)
        values = c.read(c.open(value, MINIMUM, path), MINIMUM, path)
        if values["id"] in ids:
            c.fail(key_path(path, "id"), f"编号 {shown(values['id'])} 已被 {shown(ids[values['id']])} 使用")
        ids.setdefault(values["id"], name)
        activity = values["activity"]
        if activity is not None and activities and activity not in activities:
            c.fail(key_path(path, "activity"),
                   f"未定义的活动 {shown(activity)}" + suggestion_zh(activity, activities))
        for i, category in enumerate(values["categories"] or ()):
            if categories and category not in categories:
                c.fail(key_path(key_path(path, "categories"), i),
                       f"未定义的类别 {shown(category)}" + suggestion_zh(category, categories))
        if values["points"] and "deductions" not in c.dimension_ids:
            c.fail(key_path(path, "points"), "扣分需要一个 'deductions' 维度（[dimensions.deductions]）")
        if all(values[k.name] is not None for k in MINIMUM if k.name != "activity"):
            out.append(Minimum(name=name, **values))
    return out
