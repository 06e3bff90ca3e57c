"""Ruleset files: wrong types, non-finite and huge numbers, deep nesting, unknown keys, empty
and binary files, encodings, devices, a FIFO, a folder, names that are paths."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from points import shipped_rulesets

from .books import base
from .corpus import Spec, plan

__all__ = ["specs"]

CATEGORY = "rulesets"
#: every scheme shipped with the package, so that a new one is covered without a change here
SHIPPED = tuple(shipped_rulesets())


def _spec(case_id: str, build: Any, **kw: Any) -> Spec:
    return Spec(f"rul-{case_id}", CATEGORY, build, kw)


def default_text() -> str:
    return (resources.files("points.rules") / "shipped" / "dujiangyan.toml").read_text(encoding="utf-8")


def _rules(d: Path, data: bytes | str, name: str = "规则.toml", score: bool = False, expect: str = "error",
           also: tuple[str, ...] = (), title: str = "", **kw: Any) -> dict[str, Any]:
    path = d / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    if score:
        files = base(d)
        argv: tuple[str, ...] = ("score", "名册.xlsx", "签到.xlsx", "-r", name, "-o", "复核.xlsx")
        return plan(argv, [*files, path], expect, also=also, title=title, **kw)
    return plan(("rules", "-r", name), [path], expect, also=also, title=title, **kw)


def _replace(pattern: str, new: str, count: int = 1) -> str:
    """The default ruleset with the first ``count`` matches of ``pattern`` (a line regex) replaced."""
    text, n = re.subn(pattern, new, default_text(), count=count, flags=re.M)
    if n == 0:
        raise ValueError(pattern)
    return text


# -- wrong types ---------------------------------------------------------------------------------------

#: (line pattern, replacement, what)
TYPES = [
    (r"^points = 5$", 'points = "五"', "points as text"),
    (r"^points = 5$", "points = true", "points as a boolean"),
    (r"^points = 5$", "points = [5]", "points as a list"),
    (r"^points = 5$", "points = { v = 5 }", "points as a table"),
    (r"^points = 5$", "points = 2024-01-01", "points as a date"),
    (r"^points = 5$", "points = 12:00:00", "points as a time"),
    (r"^cap = 20$", 'cap = "20"', "cap as text"),
    (r"^floor = 0 .*$", 'floor = "零"', "floor as text"),
    (r"^period = .*$", "period = 5", "period as a number"),
    (r"^period = .*$", 'period = "decade"', "an unknown period"),
    (r"^aggregate = .*$", 'aggregate = "median"', "an unknown aggregate"),
    (r"^name = .*$", "name = 5", "name as a number"),
    (r"^title = .*$", "title = []", "title as a list"),
    (r"^aliases = .*$", 'aliases = "支部大会"', "aliases as text"),
    (r"^present = 1 .*$", 'present = "1"', "a status factor as text"),
    (r"^present = \[.*$", 'present = "√"', "marks as text"),
    (r"^bands = \[$", 'bands = "优秀"\nold_bands = [', "bands as text"),
    (r"^top_quota = .*$", 'top_quota = "三分之一"', "top_quota in words"),
    (r"^six_month_run = .*$", "six_month_run = 6.5", "a count as a float"),
    (r"^six_month_run = .*$", 'six_month_run = "6"', "a count as text"),
    (r"^org_life = true$", 'org_life = "true"', "a flag as text"),
    (r"^blank = .*$", 'blank = "maybe"', "an unknown blank rule"),
]

#: (line pattern, replacement, what, whether a run is worth scoring)
NUMBERS = [
    (r"^points = 5$", "points = inf", "points inf", True),
    (r"^points = 5$", "points = -inf", "points -inf", True),
    (r"^points = 5$", "points = nan", "points nan", True),
    (r"^points = 5$", "points = +nan", "points +nan", False),
    (r"^points = 2$", "points = 1e308", "points 1e308", True),
    (r"^points = 2$", "points = -1e308", "points -1e308", True),
    (r"^points = 2$", f"points = {2 ** 70}", "points 2**70", True),
    (r"^points = 2$", f"points = -{2 ** 70}", "points -2**70", True),
    (r"^points = 2$", "points = 5e-324", "points 5e-324", True),
    (r"^cap = 20$", "cap = inf", "cap inf", False),
    (r"^cap = 20$", "cap = 1e308", "cap 1e308", True),
    (r"^cap = 20$", "cap = nan", "cap nan", False),
    (r"^floor = 0 .*$", "floor = -inf", "floor -inf", True),
    (r"^floor = 0 .*$", "floor = nan", "floor nan", False),
    (r"^cap = 60$", "cap = nan", "dimension cap nan", False),
    (r"^six_month_run = .*$", f"six_month_run = {2 ** 70}", "six_month_run 2**70", True),
    (r"^unexcused_absences = .*$", "unexcused_absences = -1", "a negative count", False),
    (r'^top_quota = .*$', 'top_quota = "1/0"', "a quota of 1/0", False),
    (r'^top_quota = .*$', 'top_quota = "1e308/1"', "a quota of 1e308/1", False),
    (r"^present = 1 .*$", "present = 1e308", "a status factor of 1e308", True),
    (r'^results = .*$', 'results = { "优秀" = inf, "合格" = 15, "基本合格" = 10, "不合格" = 0 }',
     "an appraisal worth inf", False),
    (r'^  \{ name = "优秀", min = 90 \},$', '  { name = "优秀", min = nan },', "a band minimum of nan",
     False),
    (r'^  \{ name = "合格", min = 70 \},$', '  { name = "合格", min = 95 },', "bands out of order", False),
]


def typed(d: Path, n: int) -> dict[str, Any]:
    pattern, new, what = TYPES[n]
    return _rules(d, _replace(pattern, new), title=what, literals=(new,))


def number(d: Path, n: int) -> dict[str, Any]:
    pattern, new, what, score = NUMBERS[n]
    finite = not re.search(r"inf|nan", new)
    also = ("ok",) if finite and "1/0" not in new else ()
    return _rules(d, _replace(pattern, new), score=score, also=also, title=what, literals=(new,))


# -- deep nesting ---------------------------------------------------------------------------------------

def nesting(d: Path, kind: str, depth: int) -> dict[str, Any]:
    head = default_text()
    if kind == "array":
        extra = "deep = " + "[" * depth + "]" * depth
    elif kind == "inline-table":
        extra = "deep = " + "{ a = " * depth + "1" + " }" * depth
    elif kind == "dotted-key":
        extra = ".".join(["a"] * depth) + " = 1"
    elif kind == "table-header":
        extra = "[" + ".".join(["a"] * depth) + "]\nb = 1"
    else:  # "unclosed": brackets that never close
        extra = "deep = " + "[" * depth
    return _rules(d, extra + "\n" + head if kind != "table-header" else head + "\n" + extra,
                  title=f"{kind} nested {depth} deep")


# -- unknown keys and structure -------------------------------------------------------------------------

def unknown(d: Path, kind: str) -> dict[str, Any]:
    text = default_text()
    if kind == "top":
        text = "colour = \"red\"\n" + text
    elif kind == "misspelt":
        text = re.sub(r"^cap = 20$", "cpa = 20", text, count=1, flags=re.M)
    elif kind == "section":
        text += "\n[extras]\nanything = 1\n"
    elif kind == "activity":
        text = text.replace('[activities."主题党日"]', '[activities."主题党日"]\npointz = 3', 1)
    elif kind == "missing-name":
        text = re.sub(r"^name = .*$", "", text, count=1, flags=re.M)
    elif kind == "missing-dimensions":
        text = re.sub(r"^\[dimensions\.\w+\]\nlabel = .*\n(cap = .*\n)?", "", text, flags=re.M)
    elif kind == "escape-title":  # shown by `points rules` and in every workbook
        escaped = 'title = "\\u001b[2J\\u001b]0;规则\\u0007都江堰"'
        text = text.replace('title = "都江堰式分类积分"', escaped, 1)
        return _rules(d, text, expect="ok", title="an escape sequence in the title")
    else:  # "duplicate-key"
        text = text.replace('name = "dujiangyan"', 'name = "dujiangyan"\nname = "again"', 1)
    return _rules(d, text, title=f"keys: {kind}")


def files(d: Path, kind: str) -> dict[str, Any]:
    text = default_text()
    expect, also = "error", ()
    data: bytes | str
    if kind == "empty":
        data = b""
    elif kind == "whitespace":
        data = b"  \n\t\n"
    elif kind == "comment-only":
        data = "# 规则\n"
    elif kind == "bom":
        data, expect, also = b"\xef\xbb\xbf" + text.encode(), "ok", ("error",)
    elif kind == "utf16":
        data = text.encode("utf-16")
    elif kind == "gb18030":
        data = text.encode("gb18030")
    elif kind == "binary":
        data = bytes((i * 7919 + 13) % 256 for i in range(4096))
    elif kind == "nul":
        data = text.replace('title = "都江堰式分类积分"', 'title = "都江堰\x00式"').encode()
    elif kind == "crlf":
        data, expect = text.replace("\n", "\r\n"), "ok"
    elif kind == "long-line":
        data, expect, also = text + '\nnote = "' + "长" * 5_000_000 + '"\n', "error", ("ok",)
    elif kind == "huge-comment":
        data, expect, also = text + "#" + "注" * 10_000_000 + "\n", "ok", ("error",)
    elif kind == "xlsx":
        base(d)
        data = (d / "名册.xlsx").read_bytes()
    else:  # "no-extension"
        return _rules(d, text, name="规则", expect="ok", title="a ruleset file without an extension")
    return _rules(d, data, expect=expect, also=also, title=f"ruleset file: {kind}",
                  inprocess=kind not in ("long-line", "huge-comment"))


def special(d: Path, kind: str) -> dict[str, Any]:
    """Rulesets that are not files: devices, a FIFO, a folder, odd names."""
    target = {"dev-zero": "/dev/zero", "dev-null": "/dev/null", "dev-urandom": "/dev/urandom",
              "missing": "没有这个文件.toml", "empty-name": "", "traversal": "../../../../etc/passwd",
              "upper-name": "HONGTONG", "name-with-ext": "hongtong.toml", "dot": "."}.get(kind)
    inprocess = kind not in ("dev-zero", "dev-urandom", "fifo")
    if kind == "fifo":
        os.mkfifo(d / "规则.toml")
        target = "规则.toml"
    elif kind == "folder":
        (d / "规则.toml").mkdir()
        target = "规则.toml"
    expect, also = "error", ()
    if kind in ("empty-name",):
        also = ("usage",)
    if kind in ("upper-name", "name-with-ext"):
        also = ("ok",)
    return plan(("rules", "-r", target), [], expect, also=also, title=f"ruleset: {kind} ({target!r})",
                inprocess=inprocess, literals=(target,) if target else ())


def shipped(d: Path, name: str, command: str) -> dict[str, Any]:
    if command == "rules":
        return plan(("rules", "-r", name), [], "ok", title=f"the shipped {name}")
    files = base(d)
    return plan(("score", "名册.xlsx", "签到.xlsx", "-r", name, "-o", "复核.xlsx"), files, "ok",
                title=f"scored under the shipped {name}")


def specs() -> Iterator[Spec]:
    for n in range(len(TYPES)):
        yield _spec(f"type-{n + 1}", typed, n=n)
    for n in range(len(NUMBERS)):
        yield _spec(f"number-{n + 1}", number, n=n)
    for kind, depth in (("array", 1000), ("array", 100_000), ("inline-table", 1000), ("inline-table", 50_000),
                        ("dotted-key", 5000), ("table-header", 5000), ("unclosed", 100_000)):
        yield _spec(f"nesting-{kind}-{depth}", nesting, kind=kind, depth=depth)
    for kind in ("top", "misspelt", "section", "activity", "missing-name", "missing-dimensions",
                 "duplicate-key", "escape-title"):
        yield _spec(f"keys-{kind}", unknown, kind=kind)
    for kind in ("empty", "whitespace", "comment-only", "bom", "utf16", "gb18030", "binary", "nul", "crlf",
                 "long-line", "huge-comment", "xlsx", "no-extension"):
        yield _spec(f"file-{kind}", files, kind=kind)
    for kind in ("dev-zero", "dev-null", "dev-urandom", "fifo", "folder", "missing", "empty-name",
                 "traversal", "upper-name", "name-with-ext", "dot"):
        yield _spec(f"special-{kind}", special, kind=kind)
    for name in SHIPPED:
        yield _spec(f"shipped-{name}", shipped, name=name, command="rules")
    yield _spec("shipped-score-hongtong", shipped, name="hongtong", command="score")
    yield _spec("shipped-score-huguan", shipped, name="huguan", command="score")
