"""report/ruletable.py: the 积分规则 sheet says every rule in Chinese; a rule's key (编号) is
the only place its English identifier appears, as the ruleset file spells it."""

from __future__ import annotations

import re

import pytest

from points.report.ruletable import rule_table
from points.rules import load_ruleset, shipped_rulesets
from points.vocab.codes import FLAG_CODES


@pytest.mark.parametrize("name", shipped_rulesets())
def test_every_rule_is_described_in_chinese(name: str) -> None:
    table = rule_table(load_ruleset(name))
    described = table["说明"].dropna().astype(str)
    english = described[described.str.contains(r"[A-Za-z]{2,}")]
    assert english.empty, list(english)  # e.g. 计入participation, 提示：grade_basic
    for code in FLAG_CODES:  # a band's flag by its label, never its code
        assert not described.str.contains(re.escape(code)).any(), code


def test_a_bands_flag_is_named_by_its_label() -> None:
    table = rule_table(load_ruleset("dujiangyan"))
    described = table["说明"].dropna().astype(str)
    assert described.str.contains("提示：" + FLAG_CODES["grade_basic"].label).any()
