"""The shape of the code: stages import only downward, no import circles, and
docs/architecture.md names every module that exists (and none that does not)."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "points"
#: The layers from the floor up: a module may import from its own layer and those below.
LAYERS = ["_version", "vocab", "rules", "records", "read", "score", "judge", "backends", "report",
          "assess", "cli", "__init__", "__main__"]


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The ``points`` modules ``name`` imports (type-only imports included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target
                          for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        found |= {c for c in candidates if c in MODULES and c != name}
    return found


@functools.cache
def _graph() -> dict[str, set[str]]:
    """Module → the ``points`` modules it imports: parsed when a test first asks (every test
    process collects this file; parsing the package at collection cost each ~0.5 s of CPU)."""
    return {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> int:
    parts = name.split(".")
    return LAYERS.index(parts[1] if len(parts) > 1 else "__init__")


def test_every_module_is_in_a_layer() -> None:
    for name in MODULES:
        assert _layer(name) >= 0, name


def test_no_module_imports_a_later_stage() -> None:
    upward = [(a, b) for a, targets in _graph().items() for b in targets
              if _layer(b) > _layer(a)]
    assert upward == []


def test_no_import_circle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_architecture_doc_names_every_module_and_only_real_ones() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = {n for n in re.findall(r"`([a-z_/]+\.py)`", doc) if not n.startswith("tests/")}
    files = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if p.name not in ("__init__.py", "__main__.py", "_version.py")}
    assert sorted(named - files) == [], "named in docs/architecture.md but missing"
    assert sorted(files - named) == [], "missing from docs/architecture.md"


def test_functions_and_modules_stay_short() -> None:
    long = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 400:
            long.append((name, len(text.splitlines())))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > 60:
                    long.append((f"{name}.{node.name}", size))
    assert long == []
