"""The docs keep up with the code: every ruleset key and issue code is documented; the README
example runs and says what it prints."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import points
from points.rules import schema

ROOT = Path(__file__).parent.parent
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
FLAGS_DOC = (ROOT / "docs" / "flags.md").read_text(encoding="utf-8")
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
REVIEW_DOC = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
SCHEMES_DOC = (ROOT / "docs" / "schemes.md").read_text(encoding="utf-8")
QUICKSTART = (ROOT / "docs" / "quickstart.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = sorted((ROOT / "examples" / "workbooks").glob("*.xlsx"))


def _rules_doc_part(section: schema.Section) -> str:
    """The part of docs/rules.md (between two ``## `` headings) that documents ``section``."""
    table = section.path.split(".")[1] if section is not schema.TOP else ""
    heading = {"": "顶层", "<grades|probation|candidates>": "[grades]"}.get(table, f"[{table}")
    parts = [p for p in RULES_DOC.split("\n## ") if heading in p.partition("\n")[0]]
    assert len(parts) == 1, section.path
    return parts[0]


@pytest.mark.parametrize("section", schema.SECTIONS, ids=[s.path for s in schema.SECTIONS])
def test_every_ruleset_key_is_documented(section: schema.Section) -> None:
    """Each key declared in rules/schema.py is named in its section of docs/rules.md."""
    part = _rules_doc_part(section)
    table = section.path.removeprefix("$.")
    missing = [k.name for k in section if f"`{k.name}`" not in part and f"`{table}.{k.name}`" not in part]
    assert missing == []


def test_every_shipped_ruleset_and_issue_code_is_documented() -> None:
    for name in points.shipped_rulesets():
        assert f"`{name}`" in RULES_DOC and f"| `{name}` |" in SCHEMES_DOC, name
    for code, label in points.ISSUE_CODES.items():
        assert f"| `{code}` | {label} |" in GUIDE


def test_readme_example_runs_and_its_figures_hold(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert block is not None
    code = block.group(1).replace('"my-rules.toml"', '"dujiangyan"')
    scope: dict[str, object] = {}
    monkeypatch.chdir(tmp_path)  # the example writes 复核.xlsx where it runs
    exec(code, scope)
    assert (tmp_path / "复核.xlsx").stat().st_size > 0
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
    spec = importlib.util.spec_from_file_location(
        "review_tests", ROOT / "tests" / "report" / "test_review.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    CONTRACT = module.CONTRACT

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


def test_every_doc_page_is_linked_from_the_readme() -> None:
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{page.name})" in README, page.name


def test_the_quick_start_shows_what_points_score_prints(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from points import cli

    assert cli.main(["score", *map(str, EXAMPLES), "-o", str(tmp_path / "复核.xlsx")]) == 0
    lines = capsys.readouterr().out.splitlines()
    for line in lines[:3]:
        assert f"\n{line}\n" in QUICKSTART, line
    assert lines[3][:lines[3].index("，")] in QUICKSTART  # 复核提示 44 条：…, abridged there
    assert f"\n{lines[4]}\n" in QUICKSTART
    for name in ("README.md", "docs/quickstart.md"):
        assert "points score examples/workbooks -o 复核.xlsx" in (ROOT / name).read_text(encoding="utf-8")


def test_every_example_script_and_workbook_is_in_the_quick_start() -> None:
    for script in sorted((ROOT / "examples").glob("*.py")):
        if script.name != "make_example_year.py":
            assert f"examples/{script.name}" in QUICKSTART, script.name
    for workbook in EXAMPLES:
        assert f"| {workbook.name} |" in QUICKSTART, workbook.name


def test_the_example_year_under_each_scheme_is_as_documented(
        example_under: Callable[[str], points.Assessment]) -> None:
    """docs/schemes.md: the table "同一年，十套方案" is recomputed here, stars and boards too
    (the example year read once for the session, resolved under each scheme)."""
    for name in points.shipped_rulesets():
        result = example_under(name)
        rules = result.ruleset
        members = result.rankings[result.rankings["kind"] == "member"]
        counts = members["grade"].value_counts()
        grades = [str(counts.get(g, 0)) if rules.grades else "—"
                  for g in ("优秀", "合格", "基本合格", "不合格")]
        rated = members["rating"].value_counts()
        rating = "、".join(f"{b.name} {rated.get(b.name, 0)}" for b in rules.rating.bands
                          ) if rules.rating else "—"
        row = (f"| `{name}` | {len(result.totals)} | {result.totals['total'].mean():.1f} | "
               + " | ".join(grades) + f" | {rating} | {len(result.flags)} | {len(result.issues)} |")
        assert f"\n{row}\n" in SCHEMES_DOC, row
