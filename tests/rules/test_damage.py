"""Random damage to a shipped ruleset file gives a valid Ruleset or a RulesetError, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import points

SHIPPED = Path(points.__file__).parent / "rules" / "shipped"
TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.toml"))}

#: Values of every TOML type, and of the wrong sign, size or spelling for the keys they land on.
VALUES = ['"x"', '""', '"none"', '"1/3"', '"1/0"', '"participation"', '"grade_basic"', "0", "3",
          "-5", "1.5", "-0.5", "1e400", "inf", "nan", "true", "false", "[]", '["a"]', '[1, "a"]',
          "{}", "{ a = 1 }", '[{ name = "a", min = 1 }]', "1979-05-27", "07:32:00"]
CHARS = st.sampled_from([*'"[]{}=.,#\n \'-_0a中', "\\"])


@st.composite
def damage(draw: st.DrawFn) -> str:
    """A shipped ruleset with one to three lines or characters deleted, duplicated, garbled, or
    a value changed to another type."""
    lines = TEXTS[draw(st.sampled_from(sorted(TEXTS)))].split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        j = draw(st.integers(0, len(line)))
        match draw(st.sampled_from(["delete", "duplicate", "value", "cut", "insert"])):
            case "delete":
                del lines[i]
            case "duplicate":
                lines.insert(i, line)
            case "value":
                k = draw(st.sampled_from([n for n, x in enumerate(lines) if "=" in x] or [i]))
                lines[k] = lines[k].split("=", 1)[0] + "= " + draw(st.sampled_from(VALUES))
            case "cut":
                lines[i] = line[:j] + line[j + 1:]
            case _:
                lines[i] = line[:j] + draw(CHARS) + line[j:]
        if not lines:
            break
    return "\n".join(lines)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("damaged")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=damage())
def test_damage_gives_a_ruleset_or_a_ruleset_error(folder: Path, text: str) -> None:
    path = folder / "rules.toml"
    path.write_text(text, encoding="utf-8")
    try:
        ruleset = points.load_ruleset(path)
    except points.RulesetError as error:
        assert error.problems
        for where, message in error.problems:
            assert where.startswith("$") and message, (where, message)
    else:
        assert isinstance(ruleset, points.Ruleset) and len(ruleset.sha256) == 64
