"""The command line: odd paths, devices and FIFOs as input, outputs onto inputs or into missing
folders, odd ``--as-of`` and ``--year`` values, flags without their partner, usage errors,
the other commands, and a hostile environment (C locale, a GBK console)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .books import SCORE, base, roster_only, signin_rows, write_book
from .corpus import Spec, plan

__all__ = ["specs"]

CATEGORY = "cli"


def _spec(case_id: str, build: Any, **kw: Any) -> Spec:
    return Spec(f"cli-{case_id}", CATEGORY, build, kw)


# -- odd paths -------------------------------------------------------------------------------------------

ODD_NAMES = {
    "spaces": " 第一 党支部 签到 .xlsx", "emoji": "签到🎉.xlsx", "nfd": "cafe\u0301签到.xlsx",
    "rlo": "签到\u202exslx.exe.xlsx", "long": "签" * 80 + ".xlsx", "newline": "签\n到.xlsx",
    "bang": "签到!表!A1.xlsx", "format": "%s%n{0}签到.xlsx", "glob": "[签到]*?.xlsx",
    "quote": "签'到\".xlsx", "trailing-dot": "签到..xlsx", "only-ext": ".xlsx",
}


def odd_path(d: Path, kind: str) -> dict[str, Any]:
    name = ODD_NAMES[kind]
    r = roster_only(d)
    s = write_book(d / name, {"主题党日": signin_rows()})
    also = ("error",) if kind == "only-ext" else ()  # a hidden file with no extension, strictly
    return plan(("score", "名册.xlsx", name, "-o", "复核.xlsx"), [r, s], "ok", also=also,
                title=f"input named {name!r}", literals=(name,))


def dash(d: Path, kind: str) -> dict[str, Any]:
    r = roster_only(d)
    s = write_book(d / "-x.xlsx", {"主题党日": signin_rows()})
    argv, expect = {"dot-slash": (("score", "名册.xlsx", "./-x.xlsx", "-o", "复核.xlsx"), "ok"),
                    "bare": (("score", "名册.xlsx", "-x.xlsx", "-o", "复核.xlsx"), "usage"),
                    "double-dash": (("score", "-o", "复核.xlsx", "--", "名册.xlsx", "-x.xlsx"), "ok"),
                    "output": (("score", "名册.xlsx", "./-x.xlsx", "-o", "./-复核.xlsx"), "ok")}[kind]
    return plan(argv, [r, s], expect, title=f"a file named -x.xlsx: {kind}", literals=("-x.xlsx",))


def undecodable(d: Path) -> dict[str, Any]:
    """A file name that is not UTF-8 (bytes from a GBK file system)."""
    r = roster_only(d)
    raw = os.fsdecode("签到".encode("gbk") + b".xlsx")
    s = write_book(d / raw, {"主题党日": signin_rows()})
    return plan(("score", "名册.xlsx", raw, "-o", "复核.xlsx"), [r, s], "ok",
                title="a file name in GBK bytes", literals=(raw,))


# -- inputs that are not files --------------------------------------------------------------------------

def not_a_file(d: Path, kind: str) -> dict[str, Any]:
    r = roster_only(d)
    target = {"dev-null": "/dev/null", "dev-zero": "/dev/zero", "proc": "/proc/self/status",
              "missing": "没有这个文件.xlsx", "empty-folder": "空文件夹",
              "trailing-slash": "名册.xlsx/"}.get(kind, "")
    if kind == "fifo":
        os.mkfifo(d / "管道.xlsx")
        target = "管道.xlsx"
    elif kind == "empty-folder":
        (d / "空文件夹").mkdir()
    return plan(("score", "名册.xlsx", target, "-o", "复核.xlsx"), [r], "error", title=f"input {target!r}",
                inprocess=kind not in ("fifo", "dev-zero"), literals=(target,))


# -- outputs -------------------------------------------------------------------------------------------------

def output(d: Path, kind: str) -> dict[str, Any]:
    files = base(d)
    argv: tuple[str, ...]
    expect, extra = "error", {}
    if kind == "onto-input":
        argv = (*SCORE[:3], "-o", "签到.xlsx")
    elif kind == "onto-input-dot":
        argv = (*SCORE[:3], "-o", "./签到.xlsx")
    elif kind == "onto-input-symlink":
        os.symlink("签到.xlsx", d / "链接.xlsx")
        argv = (*SCORE[:3], "-o", "链接.xlsx")
    elif kind == "onto-input-hardlink":
        os.link(d / "签到.xlsx", d / "硬链接.xlsx")
        argv = (*SCORE[:3], "-o", "硬链接.xlsx")  # the rename leaves the input's contents alone
        extra = {"also": ("ok",)}
    elif kind == "public-onto-input":
        argv = (*SCORE, "--public", "名册.xlsx")
    elif kind == "public-same-as-output":
        argv = (*SCORE, "--public", "复核.xlsx")
    elif kind == "onto-folder-input":
        (d / "台账").mkdir()
        files = base(d / "台账")
        argv = ("score", "台账", "-o", "台账/签到.xlsx")
    elif kind == "ledger-onto-input":
        csv = d / "复核-积分明细.csv"
        csv.write_text("党员编号,姓名,日期,活动类型,出勤情况\nA01,张三,2024-03-05,主题党日,√\n",
                       encoding="utf-8")
        files.append(csv)
        argv = (*SCORE[:3], "复核-积分明细.csv", "-o", "复核.xlsx", "--ledger", "csv")
    elif kind == "per-branch-onto-input":
        (d / "各支部").mkdir()
        files.append(write_book(d / "各支部" / "第一党支部.xlsx", {"主题党日": signin_rows()}))
        argv = (*SCORE[:3], "各支部/第一党支部.xlsx", "-o", "复核.xlsx", "--per-branch", "各支部")
    elif kind == "missing-folder":
        argv = (*SCORE[:3], "-o", "没有的文件夹/复核.xlsx")
    elif kind == "public-missing-folder":
        argv = (*SCORE, "--public", "没有的文件夹/公示.xlsx")
    elif kind == "per-branch-deep":
        argv, expect = (*SCORE, "--per-branch", "新/各/支部"), "ok"
    elif kind == "per-branch-onto-file":
        argv = (*SCORE, "--per-branch", "名册.xlsx")
    elif kind == "onto-folder":
        (d / "复核.xlsx").mkdir()
        argv = SCORE
    elif kind == "wrong-extension":
        argv = (*SCORE[:3], "-o", "复核.xls")
    elif kind == "no-extension":
        argv = (*SCORE[:3], "-o", "复核")
    elif kind == "empty":
        argv = (*SCORE[:3], "-o", "")
        extra = {"also": ("usage",)}
    elif kind == "dash":
        argv = (*SCORE[:3], "-o", "-")
        extra = {"also": ("usage",)}
    elif kind == "dev-null":
        argv = (*SCORE[:3], "-o", "/dev/null")
    elif kind == "compare-onto-input":
        argv = ("compare", "名册.xlsx", "签到.xlsx", "--with", "hongtong", "-o", "签到.xlsx")
    elif kind == "replace-existing":
        (d / "复核.xlsx").write_bytes(b"old contents")
        argv, expect = SCORE, "ok"
    else:  # "inside-file": a folder path through a file
        argv = (*SCORE[:3], "-o", "名册.xlsx/复核.xlsx")
    return plan(argv, files, expect, title=f"output: {kind}", **extra)


# -- option values ------------------------------------------------------------------------------------------

AS_OF = {"empty": "", "feb-30": "2024-02-30", "word": "tomorrow", "month-13": "2024-13-01",
         "year-1": "0001-01-01", "year-9999": "9999-12-31", "year-only": "2024", "padded": " 2024-06-30 ",
         "hour-25": "2024-06-30T25:00", "fullwidth": "２０２４-０６-３０", "before-year": "2023-06-30"}


def as_of(d: Path, kind: str) -> dict[str, Any]:
    value = AS_OF[kind]
    expect, also = "error", ("usage",)
    if kind in ("padded", "fullwidth", "year-only", "year-9999", "year-1", "before-year"):
        expect, also = "ok", ("error", "usage")
    return plan((*SCORE, "--as-of", value), base(d), expect, also=also, title=f"--as-of {value!r}",
                literals=(value,))


YEARS = {"no-record": "2030", "ancient": "1800", "zero": "0", "negative": "-1", "huge": "99999",
         "float": "2024.0", "chinese": "二〇二四", "empty": ""}


def year(d: Path, kind: str) -> dict[str, Any]:
    value = YEARS[kind]
    expect, also = "error", ("usage",)
    if kind == "no-record":
        expect, also = "ok", ("error",)
    elif kind in ("float", "chinese", "empty"):
        expect, also = "usage", ()
    return plan((*SCORE, "--year", value), base(d), expect, also=also, title=f"--year {value!r}",
                literals=(value,))


USAGE = {
    "no-args": (), "unknown-command": ("scores",), "score-no-output": ("score", "名册.xlsx"),
    "score-no-files": ("score", "-o", "复核.xlsx"), "bad-ledger": (*SCORE, "--ledger", "xml"),
    "rules-no-value": ("rules", "-r"), "unknown-option": (*SCORE, "--colour"),
    "mask-names-alone": (*SCORE, "--mask-names"), "compare-no-with": ("compare", "名册.xlsx"),
    "explain-no-files": ("explain", "张三"),
}


def usage(d: Path, kind: str) -> dict[str, Any]:
    files = base(d)
    also = ("error",) if kind == "mask-names-alone" else ()
    return plan(USAGE[kind], files, "usage", also=also, title=f"usage: {kind}")


def commands(d: Path, kind: str) -> dict[str, Any]:
    files = base(d)
    if kind == "compare-with-missing":
        return plan(("compare", "名册.xlsx", "签到.xlsx", "--with", "没有.toml"), files, "error", title=kind)
    if kind == "compare-same":
        return plan(("compare", "名册.xlsx", "签到.xlsx", "--with", "dujiangyan", "-o", "对比.xlsx"), files,
                    "ok", title=kind)
    if kind.startswith("explain-") and kind != "explain-ok":
        who = {"explain-empty": "", "explain-formula": "=1+1", "explain-missing": "赵六",
               "explain-star": "*"}[kind]
        return plan(("explain", who, "名册.xlsx", "签到.xlsx"), files, "error", title=f"explain {who!r}",
                    literals=(who,))
    if kind == "explain-ok":
        return plan(("explain", "A01", "名册.xlsx", "签到.xlsx"), files, "ok", title=kind)
    if kind == "check-issues":  # check exits 1 when there is an issue: the issue line is on stdout
        rows = signin_rows()
        rows[2][3] = "好"
        files = base(d, signin=rows)
        return plan(("check", "名册.xlsx", "签到.xlsx"), files, "issue",
                    issue=("unknown_mark", "签到.xlsx!主题党日!D3"), title=kind)
    if kind == "init-onto-file":
        return plan(("init", "名册.xlsx"), files, "error", title=kind)
    if kind == "init-dev-null":
        return plan(("init", "/dev/null"), files, "error", title=kind)
    if kind == "init-odd-name":
        return plan(("init", "=1+1 我的\t支部"), files, "ok", title=kind, literals=("=1+1 我的\t支部",))
    if kind == "many-files":
        names = []
        for i in range(300):
            name = f"签到{i:03d}.xlsx"
            (d / name).write_bytes(files[1].read_bytes())
            names.append(name)
        return plan(("score", "名册.xlsx", *names, "-o", "复核.xlsx"), files, "ok", title="300 copies",
                    inprocess=False)
    if kind == "file-and-folder":
        (d / "台账").mkdir()
        inner = base(d / "台账")
        return plan(("score", "台账", "台账/签到.xlsx", "-o", "复核.xlsx"), [*files, *inner], "ok",
                    absent=(("duplicate_record", "*"),), title=kind)
    return plan(("rules",), [], "ok", title="rules")  # "rules"


def environment(d: Path, kind: str) -> dict[str, Any]:
    env = {"c-locale": {"LC_ALL": "C", "LANG": "C"}, "posix": {"LC_ALL": "POSIX"},
           "gbk-console": {"PYTHONIOENCODING": "gbk"}, "narrow": {"COLUMNS": "5"},
           "no-home": {"HOME": "/nonexistent"}}[kind]
    if kind == "gbk-console":  # a Windows console in GBK: an emoji name must not crash the printing
        rows = signin_rows(ids=False, names=["张三🎉", "李四", "王五"])
        files = base(d, signin=rows, ids=False)
    else:
        files = base(d)
    return plan(SCORE, files, "ok", env=env, inprocess=False, title=f"environment: {env}")


def specs() -> Iterator[Spec]:
    for kind in ODD_NAMES:
        yield _spec(f"path-{kind}", odd_path, kind=kind)
    for kind in ("dot-slash", "bare", "double-dash", "output"):
        yield _spec(f"dash-{kind}", dash, kind=kind)
    yield _spec("path-gbk-bytes", undecodable)
    for kind in ("dev-null", "dev-zero", "proc", "missing", "empty-folder", "trailing-slash", "fifo"):
        yield _spec(f"input-{kind}", not_a_file, kind=kind)
    for kind in ("onto-input", "onto-input-dot", "onto-input-symlink", "onto-input-hardlink",
                 "public-onto-input", "public-same-as-output", "onto-folder-input", "ledger-onto-input",
                 "per-branch-onto-input", "missing-folder", "public-missing-folder", "per-branch-deep",
                 "per-branch-onto-file", "onto-folder", "wrong-extension", "no-extension", "empty", "dash",
                 "dev-null", "compare-onto-input", "replace-existing", "inside-file"):
        yield _spec(f"output-{kind}", output, kind=kind)
    for kind in AS_OF:
        yield _spec(f"as-of-{kind}", as_of, kind=kind)
    for kind in YEARS:
        yield _spec(f"year-{kind}", year, kind=kind)
    for kind in USAGE:
        yield _spec(f"usage-{kind}", usage, kind=kind)
    for kind in ("compare-with-missing", "compare-same", "explain-empty", "explain-formula",
                 "explain-missing", "explain-star", "explain-ok", "check-issues", "init-onto-file",
                 "init-dev-null", "init-odd-name", "many-files", "file-and-folder", "rules"):
        yield _spec(kind, commands, kind=kind)
    for kind in ("c-locale", "posix", "gbk-console", "narrow", "no-home"):
        yield _spec(f"env-{kind}", environment, kind=kind)
