"""The docs keep up with the code: every ruleset key and issue code is documented; the README
example runs and says what it prints."""

from __future__ import annotations

import re
from pathlib import Path

import points
from points import loader

ROOT = Path(__file__).parent.parent
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
FLAGS_DOC = (ROOT / "docs" / "flags.md").read_text(encoding="utf-8")
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
REVIEW_DOC = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def test_every_ruleset_key_is_documented() -> None:
    keys = set(loader._TOP_KEYS) | set(loader._DIMENSION_KEYS) | set(loader._ACTIVITY_KEYS)
    keys |= set(loader._ITEM_KEYS) | set(loader._CATEGORY_KEYS) | set(loader._FLAG_KEYS)
    keys |= set(loader._BAND_KEYS) | {"results", "required", "top", "top_quota", "bottom",
                                      "bottom_min_share", "blank"}
    missing = sorted(k for k in keys if f"`{k}`" not in RULES_DOC and f"`grades.{k}`" not in RULES_DOC)
    assert missing == []


def test_every_shipped_ruleset_and_issue_code_is_documented() -> None:
    for name in points.shipped_rulesets():
        assert f"`{name}`" in RULES_DOC
    for code, label in points.ISSUE_CODES.items():
        assert f"| `{code}` | {label} |" in GUIDE


def test_readme_example_runs_and_its_figures_hold() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert block is not None
    code = block.group(1).replace('"my-rules.toml"', '"dujiangyan"')
    scope: dict[str, object] = {}
    exec(code, scope)
    totals = scope["result"].totals.iloc[0]  # type: ignore[attr-defined]
    assert (totals["participation"], totals["appraisal"], totals["deductions"],
            totals["total"]) == (5, 15, -2, 18)
    assert "日常表现 5, 民主评议 15, 扣分 −2 → total 18" in readme


def test_every_flag_code_is_documented_with_its_label_and_action() -> None:
    for code, spec in points.FLAG_CODES.items():
        row = next((line for line in FLAGS_DOC.splitlines() if line.startswith(f"| `{code}` |")),
                   None)
        assert row is not None, code
        assert f"| {spec.label} |" in row and row.rstrip().endswith(f"| {spec.action} |"), code


def test_every_public_name_is_in_the_api_doc() -> None:
    missing = [name for name in points.__all__
               if name != "__version__" and f"points.{name}" not in API_DOC]
    assert missing == []


def test_every_review_sheet_and_column_is_documented() -> None:
    from test_review import CONTRACT

    for sheet, columns in CONTRACT.items():
        assert f"### {sheet}" in REVIEW_DOC, sheet
        for column in columns:
            assert column in REVIEW_DOC, (sheet, column)


def test_every_cli_command_is_documented() -> None:
    from points import cli

    commands = cli.parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for command, sub in commands.items():
        assert f"### points {command}" in CLI_DOC, command
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in CLI_DOC, (command, flag)
