"""The declarations of rules/schema.py agree with the model and drive the loader's checks."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import points
from points.rules import model, schema
from points.rules.schema import Key, Section

SHIPPED = Path(points.__file__).parent / "rules" / "shipped"

MODELS: list[tuple[Section, type]] = [
    (schema.TOP, model.Ruleset), (schema.DIMENSION, model.Dimension),
    (schema.ACTIVITY, model.Activity), (schema.BONUS, model.Item), (schema.NEGATIVE, model.Item),
    (schema.CATEGORY, model.Category), (schema.APPRAISAL, model.Appraisal),
    (schema.GRADES, model.Grades), (schema.BAND, model.Band), (schema.FLAGS, model.FlagRules),
]


@pytest.mark.parametrize(("section", "cls"), MODELS, ids=[s.path for s, _ in MODELS])
def test_declared_defaults_are_the_models_defaults(section: Section, cls: type) -> None:
    fields = {f.name: f for f in attrs.fields(cls)}
    for key in section:
        field = fields.get(key.name)
        if field is None or key.kind == "table" or field.default is attrs.NOTHING:
            continue
        default = field.default.factory() if isinstance(field.default, attrs.Factory) else field.default
        if key.required:
            continue  # e.g. an item's points: required unless zero_out
        assert key.default == default, (section.path, key.name)


def test_every_section_names_its_keys_once_and_labels_them() -> None:
    for section in schema.SECTIONS:
        assert len(set(section.names)) == len(section.names), section.path
        for key in section:
            assert key.label and key.help, (section.path, key.name)
            assert not (key.required and key.default is not None), (section.path, key.name)
            assert (key.kind == "choice") == bool(key.choices), (section.path, key.name)
            if key.kind == "choice" and key.default is not None:
                assert key.default in key.choices, (section.path, key.name)


def test_a_key_of_each_kind_is_checked_from_its_declaration(tmp_path: Path) -> None:
    """Every top-level setting given a value of the wrong type is reported at its path."""
    text = (SHIPPED / "dujiangyan.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition("\n[")
    settings = [k for k in schema.TOP if k.kind not in ("table", "factors")]
    lines = [line for line in head.splitlines()
             if line.split("=")[0].strip() not in {k.name for k in settings}]
    wrong = {"text": "[1]", "choice": '"never"', "number": "true"}
    lines += [f"{k.name} = {wrong[k.kind]}" for k in settings]
    path = tmp_path / "rules.toml"
    path.write_text("\n".join(lines) + "\n[" + tail, encoding="utf-8")
    with pytest.raises(points.RulesetError) as info:
        points.load_ruleset(path)
    assert [p for p, _ in info.value.problems] == [f"$.{k.name}" for k in settings
                                                   if k.name != "default_category"] + [
        "$.default_category"]


def test_an_undeclared_key_is_unknown_in_every_section(tmp_path: Path) -> None:
    text = (SHIPPED / "dujiangyan.toml").read_text(encoding="utf-8")
    text = text.replace('label = "扣分"', 'label = "扣分"\nlable = "x"')
    text = text.replace('id = "volunteer"', 'id = "volunteer"\nzero = true')
    text = text.replace("six_month_run = 6 ", "six_month_runs = 6 ")
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(points.RulesetError) as info:
        points.load_ruleset(path)
    assert info.value.problems == [
        ("$.dimensions.deductions.lable", "无法识别的键（是不是 'label'？）"),
        ("$.bonuses.志愿服务.zero", "无法识别的键（是不是 'zero_out'？）"),
        ("$.flags.six_month_runs", "无法识别的键（是不是 'six_month_run'？）"),
    ]


def test_a_key_can_take_a_default_known_only_while_loading() -> None:
    key: Key = schema.GRADES["top"].with_default("优秀")
    assert (key.required, key.default, key.name) == (False, "优秀", "top")
    assert schema.GRADES["top"].default is None
    assert schema.BONUS.with_key(schema.BONUS["points"].with_default(0.0))["points"].default == 0.0
