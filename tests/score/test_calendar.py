"""The period to score: a clear Chinese error for every argument that cannot be one."""

from __future__ import annotations

import pytest

import points
from conftest import build


@pytest.mark.parametrize("as_of", ["", "  ", "soon", "2024-13-01", 10**30, "NaT"])
def test_an_as_of_that_is_not_a_date_is_one_clear_error(as_of: object) -> None:
    records = build([("M1", "张三", "一支部", "在职党员")],
                    [("M1", "2024-03-10", "主题党日", "present")])
    with pytest.raises(points.ArgumentError, match="统计截止日：应为日期") as info:
        points.assess(records, as_of=as_of)  # type: ignore[arg-type]
    assert info.value.code == "bad_argument"
