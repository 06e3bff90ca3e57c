"""The hostile corpus: a deterministic set of malformed and hostile inputs for ``points``.

    from hostile.corpus import make_corpus
    cases = make_corpus(folder)                 # every case, each in folder/<id>/
    cases = make_corpus(folder, only="cell")    # one category
    cases = make_corpus(folder, ids=["cell-err-signin-na"])   # chosen cases

Each :class:`Case` names the files it wrote, the command line to run in its folder and the
outcome expected of it (see README.md). Cases are described by cheap specs; only the cases
asked for are written, so a subset is quick to make. The categories live in ``cases_*.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CATEGORIES", "OUTCOMES", "Case", "Spec", "make_corpus", "specs"]

#: The outcome classes: exit 0; exit 0 with a given data issue; exit 1 with one ``错误：``
#: line; exit 2 (a usage error).
OUTCOMES = ("ok", "issue", "error", "usage")
CATEGORIES = ("container", "cell", "semantic", "injection", "rulesets", "cli")


@dataclass(frozen=True)
class Case:
    """One hostile input and what ``points`` should do with it.

    ``argv``: the arguments after ``points``, run in ``cwd``. ``files``: the input files the
    case wrote (they must be unchanged after the run). ``expect``: one of :data:`OUTCOMES`;
    ``also``: other classes accepted where the documentation leaves the choice open (the
    invariants still hold). ``issue``: for ``expect == "issue"``, ``(code, address)`` where
    code and address may each list alternatives as ``"a|b"``, and the address ``*`` is any
    address. ``absent``: issues ``(code, address)`` that must not be reported (``points score``
    cases). ``literals``: hostile text the case wrote that a message may quote back (left out
    of the English-word check). ``forbidden``: text that must appear in no output at all (a
    leaked ``/etc/passwd``). ``env``: extra environment variables (subprocess runs only).
    ``inprocess``: safe to run inside the test process (no risk of a hang or of exhausting
    memory, no environment needed).
    """

    id: str
    category: str
    title: str
    argv: tuple[str, ...]
    cwd: Path
    files: tuple[Path, ...] = ()
    expect: str = "ok"
    also: tuple[str, ...] = ()
    issue: tuple[str, str] | None = None
    absent: tuple[tuple[str, str], ...] = ()
    literals: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    inprocess: bool = True

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.expect, *self.also)


@dataclass(frozen=True)
class Spec:
    """A case not yet written: ``build(folder, **kw)`` writes its files into ``folder`` and
    returns the :class:`Case` fields other than id, category and cwd."""

    id: str
    category: str
    build: Callable[..., dict[str, Any]]
    kw: dict[str, Any] = field(default_factory=dict)


def specs(only: str | None = None) -> list[Spec]:
    """Every case spec, in a stable order (one category with ``only``)."""
    from . import cases_cell, cases_cli, cases_container, cases_injection, cases_rulesets, cases_semantic
    modules = {"container": cases_container, "cell": cases_cell, "semantic": cases_semantic,
               "injection": cases_injection, "rulesets": cases_rulesets, "cli": cases_cli}
    if only is not None and only not in modules:
        raise ValueError(f"unknown category {only!r}; one of {', '.join(CATEGORIES)}")
    out: list[Spec] = []
    for name in CATEGORIES:
        if only is None or name == only:
            out += list(modules[name].specs())
    ids = [s.id for s in out]
    if len(ids) != len(set(ids)):
        raise AssertionError("duplicate case ids: " + ", ".join(sorted({i for i in ids if ids.count(i) > 1})))
    return out


def make_corpus(folder: str | Path, *, only: str | None = None,
                ids: Iterable[str] | None = None) -> list[Case]:
    """Write the corpus into ``folder`` (one sub-folder per case; an existing one is
    replaced) and return its cases. ``only``: one category; ``ids``: these cases only."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    wanted = None if ids is None else set(ids)
    chosen = [s for s in specs(only) if wanted is None or s.id in wanted]
    if wanted is not None and len(chosen) != len(wanted):
        missing = wanted - {s.id for s in chosen}
        raise ValueError("no such case: " + ", ".join(sorted(missing)))
    cases = []
    for spec in chosen:
        where = root / spec.id
        if where.exists() or where.is_symlink():
            _remove(where)
        where.mkdir()
        plan = spec.build(where, **spec.kw)
        plan["argv"] = tuple(plan["argv"])
        plan["files"] = tuple(plan.get("files", ()))
        cases.append(Case(id=spec.id, category=spec.category, cwd=where, **plan))
    return cases


def _remove(path: Path) -> None:
    for sub in path.rglob("*"):  # FIFOs and links are removed, never opened
        if sub.is_symlink() or not (sub.is_dir() or sub.is_file()):
            sub.unlink()
    shutil.rmtree(path)


# -- shared by the case modules ----------------------------------------------------------------

def plan(argv: Iterable[str], files: Iterable[Path] = (), expect: str = "ok", **kw: Any
         ) -> dict[str, Any]:
    """The fields of a case (for a spec's ``build``)."""
    if expect not in OUTCOMES or any(a not in OUTCOMES for a in kw.get("also", ())):
        raise ValueError(expect)
    if expect == "issue" and kw.get("issue") is None:
        raise ValueError("an issue case names its issue")
    kw.setdefault("title", "")
    return {"argv": tuple(argv), "files": tuple(files), "expect": expect, **kw}


_OUTPUTS: dict[str, dict[str, bytes]] = {}


def points_outputs() -> dict[str, bytes]:
    """Files ``points`` itself writes for the clean branch (made once, with the command line
    in this process): 复核.xlsx, 公示.xlsx, 对比.xlsx and the ``points init`` template."""
    if _OUTPUTS:
        return _OUTPUTS["files"]
    import tempfile

    from points.cli import main

    from .books import appraisal_rows, roster_rows, signin_rows, write_book
    with tempfile.TemporaryDirectory() as scratch:
        d = Path(scratch)
        write_book(d / "名册.xlsx", {"党员名册": roster_rows(), "民主评议": appraisal_rows()})
        write_book(d / "签到.xlsx", {"主题党日": signin_rows()})
        here = os.getcwd()
        out, err = io.StringIO(), io.StringIO()
        try:
            os.chdir(d)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                codes = [main(["score", "名册.xlsx", "签到.xlsx", "-o", "复核.xlsx",
                               "--public", "公示.xlsx"]),
                         main(["compare", "名册.xlsx", "签到.xlsx", "--with", "hongtong", "-o", "对比.xlsx"]),
                         main(["init", "模板"])]
        finally:
            os.chdir(here)
        if any(codes):
            raise RuntimeError(f"points could not write its own outputs: {err.getvalue()}")
        files = {name: (d / name).read_bytes() for name in ("复核.xlsx", "公示.xlsx", "对比.xlsx")}
        files["积分模板.xlsx"] = (d / "模板" / "积分模板.xlsx").read_bytes()
    _OUTPUTS["files"] = files
    return files
