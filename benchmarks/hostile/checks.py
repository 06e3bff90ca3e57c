"""The checks every case passes: the global invariants (no traceback, no hang, no crash, no
English leaking to the user, no control characters on the terminal, inputs unchanged, nothing
written by a failed run, no formula in any output, CSV/Parquet ledgers neutralised, nothing
forbidden leaked) and the case's own expected outcome.

    before = snapshot(case.cwd)
    outcome = run_subprocess(case)            # or run the command in-process (tests)
    problems = verify(case, outcome, before, snapshot(case.cwd))
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import os
import re
import stat
import subprocess
import sys
import time
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .corpus import Case

__all__ = ["MEMORY_LIMIT", "RISKY", "TRACEBACK", "Outcome", "english_words", "run_subprocess",
           "snapshot", "verify"]

TRACEBACK = "Traceback (most recent call last)"
#: Text a spreadsheet program could take for a formula (as points.report.xlsx.RISKY).
RISKY = re.compile(r"^[=+\-@\t\r＝＋－＠]")
MEMORY_LIMIT = 4 << 30
_LIMITED = ("import os, resource, sys; "
            "resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1]))); "
            "os.execv(sys.argv[2], sys.argv[2:])")


@dataclass
class Outcome:
    """What a run did: exit status (None: killed after the timeout), its output, its time;
    ``exception``: the traceback of an exception that escaped (in-process runs)."""

    rc: int | None
    stdout: str
    stderr: str
    seconds: float
    exception: str = ""


# -- running ---------------------------------------------------------------------------------------

def points_command() -> list[str]:
    return [sys.executable, "-m", "points"]


def run_subprocess(case: Case, *, timeout: float = 60, memory: int = MEMORY_LIMIT,
                   command: list[str] | None = None) -> Outcome:
    """Run the case's command line in its folder, in a new session, with ``memory`` bytes of
    address space at most; kill the whole session after ``timeout`` seconds."""
    command = command or points_command()
    argv = [sys.executable, "-c", _LIMITED, str(memory), *_resolve(command), *case.argv]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LC_ALL", "COLUMNS")}
    env.setdefault("LANG", "C.UTF-8")
    env.update(case.env)
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=case.cwd, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = child.communicate(timeout=timeout)
        rc: int | None = child.returncode
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, 9)  # the session this run started, and nothing else
        out, err = child.communicate()
        rc = None
    encoding = case.env.get("PYTHONIOENCODING", "utf-8")
    return Outcome(rc, out.decode(encoding, "replace"), err.decode(encoding, "replace"),
                   time.perf_counter() - start)


def _resolve(command: list[str]) -> list[str]:
    """``command`` with its program as an absolute path (``os.execv`` does not search PATH)."""
    import shutil
    first = command[0] if os.sep in command[0] else (shutil.which(command[0]) or command[0])
    return [os.path.abspath(first), *command[1:]]


# -- the folder before and after -------------------------------------------------------------------

def snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (links and FIFOs are never followed or opened): relative path
    → SHA-256 of a regular file, or a tag for a folder, link or special file."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode):
                out[rel] = _sha256(path)
            elif stat.S_ISLNK(info.st_mode):
                out[rel] = "link:" + os.readlink(path)
            elif stat.S_ISDIR(info.st_mode):
                out[rel] = "dir"
            else:
                out[rel] = "special"
    return out


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(functools.partial(handle.read, 1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- English words ---------------------------------------------------------------------------------

_QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|\"[^\"\n]*\"|'[^'\n]*'|「[^」]*」|『[^』]*』|《[^》]*》")
_TOKEN = re.compile(r"[A-Za-z0-9_.\-/\\:!$@#%+=~*?\[\]]*[A-Za-z][A-Za-z0-9_.\-/\\:!$@#%+=~*?\[\]]*")
_CODE_CHARS = re.compile(r"[_./\\!$@=:#%~*?\[\]]")
_WORD = re.compile(r"[A-Za-z]{3,}")
#: Names of formats and programs a secretary knows, the program's own name and its commands.
ALLOWED = {"excel", "wps", "csv", "parquet", "toml", "xlsx", "xlsm", "xlsb", "xls", "ods", "numbers",
           "points", "nfkc", "owasp", "utf", "libreoffice", "true", "false",
           "score", "check", "compare", "init", "rules", "explain"}  # (`points score …` hints)


@functools.lru_cache(maxsize=1)
def _shipped_words() -> frozenset[str]:
    words: set[str] = set()
    for path in (resources.files("points.rules") / "shipped").iterdir():
        if path.name.endswith(".toml"):
            words |= _toml_words(path.read_text(encoding="utf-8"))
    return frozenset(words)


def _toml_words(text: str) -> set[str]:
    """The identifiers a ruleset file spells (ids, names, keys, enum values): the file's own
    vocabulary, which the rules table and messages may quote): its keys and text values, or
    every word of it when it is not TOML."""
    import tomllib
    try:
        parsed = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text)}
    found: list[str] = []
    stack: list[object] = [parsed]
    while stack:  # (not recursive: a hostile file nests thousands deep)
        value = stack.pop()
        if isinstance(value, dict):
            found += [str(key) for key in value]
            stack += list(value.values())
        elif isinstance(value, list):
            stack += value
        else:
            found.append(str(value))
    return {w.lower() for text_ in found for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text_)}


def _drop_usage(text: str) -> str:
    """Text without argparse's usage block (``用法：points …`` and its continuation lines)."""
    out, in_usage = [], False
    for line in text.splitlines():
        if line.startswith("用法："):
            in_usage = True
            continue
        if in_usage and line[:1].isspace():
            continue
        in_usage = False
        out.append(line)
    return "\n".join(out)


def english_words(text: str, literals: tuple[str, ...] = (), vocabulary: frozenset[str] | None = None
                  ) -> list[str]:
    """Runs of three or more ASCII letters a Chinese reader would meet, outside what is fine:
    the usage block, quoted text, the case's own hostile text and paths (``literals``),
    tokens with code characters (paths, ``file!sheet!A1`` addresses, ``snake_case`` codes,
    ``$.key.paths``, ``--options``), all-capital words (acronyms, argument names), format and
    program names (:data:`ALLOWED`) and the words of the rulesets in use (``vocabulary``; by
    default those of the shipped rulesets)."""
    vocabulary = _shipped_words() if vocabulary is None else vocabulary
    text = _drop_usage(text)
    for literal in sorted({*literals, *(unicodedata.normalize("NFKC", x) for x in literals)},
                          key=len, reverse=True):
        if literal.strip():
            text = text.replace(literal, " ")
    text = _QUOTED.sub(" ", text)
    found = []
    for token in _TOKEN.findall(text):
        if _CODE_CHARS.search(token) or token.startswith("-") or token.isupper():
            continue
        for word in _WORD.findall(token):
            if word.lower() not in ALLOWED and word.lower() not in vocabulary and not word.isupper():
                found.append(word)
    return found


def _control(text: str) -> list[str]:
    """Control characters (other than tab and newlines) that would reach the terminal."""
    return sorted({f"U+{ord(c):04X}" for c in text
                   if (ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F})


# -- outputs ---------------------------------------------------------------------------------------

def _xlsx_problems(path: Path) -> list[str]:
    with warnings.catch_warnings():  # openpyxl's notes on extensions it drops: not our news
        warnings.simplefilter("ignore")
        return _xlsx_cells(path)


def _xlsx_cells(path: Path) -> list[str]:
    import openpyxl
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as error:  # any failure: the output is unreadable
        return [f"output {path.name} does not open ({type(error).__name__}: {error})"[:300]]
    found = []
    try:
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        where = f"{path.name}!{ws.title}!{cell.coordinate}"
                        found.append(f"formula in {where}: {cell.value!r}"[:200])
                        break
                if found:
                    break
    except Exception as error:  # a sheet that does not parse is the news
        found.append(f"output {path.name} is not a valid workbook ({type(error).__name__}: {error})"[:300])
    finally:
        book.close()
    return found[:3]


def _csv_problems(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig", "replace")
    try:
        rows = list(csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC))
        texts = [v for row in rows for v in row if isinstance(v, str)]
        unquoted = ""
    except ValueError:  # a text field without quotes: take each field that is not a number
        rows = list(csv.reader(io.StringIO(text)))
        texts = [v for row in rows for v in row if not _is_number(v)]
        unquoted = f"text not quoted in {path.name}"
    risky = [v for v in texts if RISKY.match(v)]
    problems = [f"formula-like text in {path.name}: {v[:40]!r}" for v in risky[:3]]
    return problems + ([unquoted] if unquoted else [])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parquet_problems(path: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(path)
    except Exception as error:  # any failure: unreadable
        return [f"output {path.name} does not open ({type(error).__name__})"]
    found = []
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            found += [f"formula-like text in {path.name}[{name}]: {v[:40]!r}"
                      for v in column.to_pylist() if isinstance(v, str) and RISKY.match(v)][:3]
    return found


def _text_of(path: Path) -> str:
    """What a file says, for the forbidden-text check (the parts of a zip package)."""
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return data.decode("utf-8", "replace")


# -- the case's outcome ----------------------------------------------------------------------------

def _output_arg(case: Case) -> str | None:
    argv = list(case.argv)
    for flag in ("-o", "--output"):
        if flag in argv and argv.index(flag) + 1 < len(argv):
            return argv[argv.index(flag) + 1]
    return None


def reported_issues(case: Case, outcome: Outcome) -> list[tuple[str, str]] | None:
    """``(code, address)`` of the data issues the run reported: the 数据问题 sheet of the review
    workbook (``score``) or the lines of ``check``; None when there is nowhere to look."""
    if case.argv[:1] == ("check",):
        lines = [line.split("\t") for line in outcome.stdout.splitlines()]
        return [(parts[1], parts[0]) for parts in lines if len(parts) >= 3]
    target = _output_arg(case)
    if case.argv[:1] != ("score",) or target is None or not (case.cwd / target).is_file():
        return None
    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(case.cwd / target, read_only=True)
        try:
            if "数据问题" not in book.sheetnames:
                return []
            rows = list(book["数据问题"].iter_rows(values_only=True))
        finally:
            book.close()
    return [(str(r[1]), str(r[0])) for r in rows[1:] if r and r[0] is not None]


def _matches(issue: tuple[str, str], pattern: tuple[str, str]) -> bool:
    codes, addresses = pattern[0].split("|"), pattern[1].split("|")
    return issue[0] in codes and ("*" in addresses or issue[1] in addresses)


def _class(rc: int) -> str:
    return {0: "ok", 1: "error", 2: "usage"}.get(rc, f"exit {rc}")


def outcome_problems(case: Case, outcome: Outcome) -> list[str]:
    """How the run's outcome differs from the case's expected outcome ([] when it matches)."""
    rc = outcome.rc
    if rc is None:
        return []
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    tried = []
    for want in case.accepted:
        if want == "ok" and rc == 0:
            return _absent(case, outcome)
        if want == "usage" and rc == 2:
            if any(line.startswith("错误：") for line in lines):
                return []
            tried.append("usage error without an 错误： line")
        if want == "error" and rc == 1:
            if len(lines) == 1 and lines[0].startswith("错误："):
                return []
            tried.append(f"error output is not one 错误： line: {outcome.stderr.strip()[:200]!r}")
        if want == "issue" and rc == (1 if case.argv[:1] == ("check",) else 0):
            assert case.issue is not None
            issues = reported_issues(case, outcome) or []
            if any(_matches(i, case.issue) for i in issues):
                return _absent(case, outcome)
            seen = ", ".join(f"{c}@{a}" for c, a in issues[:6]) or "none"
            tried.append(f"issue {case.issue[0]} @ {case.issue[1]} not reported (reported: {seen})")
    if tried:
        return tried
    return [f"expected {'/'.join(case.accepted)}, got {_class(rc)}"
            + (f": {lines[-1][:200]}" if lines and rc != 0 else "")]


def _absent(case: Case, outcome: Outcome) -> list[str]:
    if not case.absent:
        return []
    issues = reported_issues(case, outcome) or []
    return [f"unexpected issue {c} @ {a}" for c, a in issues
            if any(_matches((c, a), pattern) for pattern in case.absent)][:3]


# -- everything ------------------------------------------------------------------------------------

def _vocabulary(case: Case) -> frozenset[str]:
    words = set(_shipped_words())
    for path in case.files:
        if path.suffix.lower() == ".toml" or path.name == "规则":
            with contextlib.suppress(OSError):
                words |= _toml_words(path.read_bytes().decode("utf-8", "replace"))
    return frozenset(words)


def verify(case: Case, outcome: Outcome, before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Every problem with this run: the global invariants, then the expected outcome."""
    problems: list[str] = []
    rc = outcome.rc
    if rc is None:
        problems.append(f"timeout (killed after {outcome.seconds:.0f} s)")
    if TRACEBACK in outcome.stderr or outcome.exception:
        last = (outcome.exception or outcome.stderr).strip().splitlines()[-1:]
        problems.append("traceback: " + (last[0][:200] if last else ""))
    elif rc is not None and (rc < 0 or rc in (134, 137, 139) or rc > 2):
        first = outcome.stderr.strip().splitlines()[:1]
        problems.append(f"crash (exit status {rc}): {first[0][:200] if first else ''}")
    literals = (*case.literals, *case.argv, *(p.name for p in case.files), str(case.cwd))
    words = english_words(outcome.stdout + "\n" + outcome.stderr, literals, _vocabulary(case))
    if words and not any(p.startswith(("traceback", "crash")) for p in problems):  # said already
        problems.append("English words: " + ", ".join(sorted(set(words))[:8]))
    control = _control(outcome.stdout + outcome.stderr)
    if control:
        problems.append("control characters on the terminal: " + " ".join(control[:6]))
    problems += _file_problems(case, outcome, before, after)
    if rc is not None and not any(p.startswith(("traceback", "crash")) for p in problems):
        problems += outcome_problems(case, outcome)
    return problems


def _file_problems(case: Case, outcome: Outcome, before: dict[str, str], after: dict[str, str]) -> list[str]:
    problems = []
    for path in case.files:
        rel = os.path.relpath(path, case.cwd)
        if rel in before and after.get(rel) != before[rel]:
            problems.append(f"input changed: {rel}")
    new = sorted(set(after) - set(before))
    changed = sorted(p for p in set(after) & set(before) if after[p] != before[p])
    if outcome.rc != 0:
        touched = new + changed
        if touched:
            problems.append("output left by a failed run: " + ", ".join(touched[:4]))
    stray = [p for p in new if os.path.basename(p).startswith(".~") and p.endswith(".tmp")]
    if stray:
        problems.append("temporary file left behind: " + ", ".join(stray[:3]))
    for rel in new + changed:
        path = case.cwd / rel
        if after[rel] in ("dir", "special") or after[rel].startswith("link:"):
            continue
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            problems += _xlsx_problems(path)
        elif suffix == ".csv":
            problems += _csv_problems(path)
        elif suffix == ".parquet":
            problems += _parquet_problems(path)
        for text in case.forbidden:
            if text in _text_of(path):
                problems.append(f"forbidden text {text!r} in output {rel}")
    for text in case.forbidden:
        if text in outcome.stdout or text in outcome.stderr:
            problems.append(f"forbidden text {text!r} on the terminal")
    return problems
