"""Meaning: rows with marks but no person, unknown members, duplicates, impossible dates,
rosters that contradict themselves, people named like totals rows, empty and headless rosters,
logs and appraisals that do not fit the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .books import (
    BRANCH,
    MEMBERS,
    SCORE,
    appraisal_rows,
    base,
    roster_only,
    roster_rows,
    signin_rows,
    write_book,
)
from .corpus import Spec, plan

__all__ = ["specs"]

CATEGORY = "semantic"
SIGNIN = "签到.xlsx!主题党日!"
ROSTER = "名册.xlsx!党员名册!"


def _spec(case_id: str, build: Any, **kw: Any) -> Spec:
    return Spec(f"sem-{case_id}", CATEGORY, build, kw)


def _row(ids: bool, name: Any, member_id: Any = None, marks: tuple[Any, ...] = ("√", "√", "√")) -> list[Any]:
    return [4, name] + ([member_id] if ids else []) + list(marks)


def _extra_signin_row(d: Path, row: list[Any], ids: bool, title: str, issue: tuple[str, str] | None,
                      expect: str = "issue", **kw: Any) -> dict[str, Any]:
    rows = [*signin_rows(ids=ids), row]
    files = base(d, signin=rows, ids=ids)
    return plan(SCORE, files, expect, issue=issue, title=title, **kw)


# -- people --------------------------------------------------------------------------------------------

def no_person(d: Path, kind: str) -> dict[str, Any]:
    if kind == "blank":
        return _extra_signin_row(d, _row(True, None), True, "marks, no name and no id",
                                 ("no_person", SIGNIN + "B6"))
    if kind in ("spaces", "fullwidth-space"):
        name = "   " if kind == "spaces" else "\u3000"
        return _extra_signin_row(d, _row(False, name), False, f"marks, a name of {kind}",
                                 ("no_person", SIGNIN + "B6"))
    if kind == "roster":
        rows = [*roster_rows(), [4, "A04", None, BRANCH, "在职党员", dt.date(2015, 1, 1)]]
        return plan(SCORE, base(d, roster=rows), "issue", issue=("no_person", ROSTER + "C5"),
                    title="a roster row with an id and no name")
    log = [["党员编号", "姓名", "日期", "事项"], [None, None, dt.date(2024, 5, 1), "未按时交纳党费"]]
    return plan(SCORE, base(d, extra_sheets={"负面清单": log}), "issue",
                issue=("no_person", "签到.xlsx!负面清单!A2|签到.xlsx!负面清单!B2"),
                title="a negative-list record with no person")


def unknown(d: Path, kind: str) -> dict[str, Any]:
    if kind == "name":
        return _extra_signin_row(d, _row(False, "赵六"), False, "a name not in the roster",
                                 ("unknown_member", SIGNIN + "B6"))
    if kind == "id":
        return _extra_signin_row(d, _row(True, "赵六", "Z99"), True, "an id not in the roster",
                                 ("unknown_member", "|".join(SIGNIN + c + "6" for c in "BCDEF")))
    if kind == "other-branch":
        rows = signin_rows(ids=False, title="第二党支部2024年主题党日签到表")
        return plan(SCORE, base(d, signin=rows, ids=False), "ok",
                    title="the roster's names under another branch's title")
    if kind == "thousand":
        rows = signin_rows(ids=False) + [[i, f"陌生人{i:04d}", "√", "×", "√"] for i in range(4, 1004)]
        return plan(SCORE, base(d, signin=rows, ids=False), "issue", issue=("unknown_member", SIGNIN + "B6"),
                    title="1000 names not in the roster")
    if kind == "appraisal":
        rows = [*appraisal_rows(), ["Z99", "赵六", "合格"]]
        r = write_book(d / "名册.xlsx", {"党员名册": roster_rows(), "民主评议": rows})
        s = write_book(d / "签到.xlsx", {"主题党日": signin_rows()})
        at = "|".join(f"名册.xlsx!民主评议!{c}5" for c in "ABC")
        return plan(SCORE, [r, s], "issue", issue=("unknown_member", at),
                    title="an appraisal for an unknown member")
    log = [["党员编号", "姓名", "日期", "事项"], ["Z99", "赵六", dt.date(2024, 5, 1), "未按时交纳党费"]]
    return plan(SCORE, base(d, extra_sheets={"负面清单": log}), "issue",
                issue=("unknown_member", "|".join(f"签到.xlsx!负面清单!{c}2" for c in "ABCD")),
                title="a negative-list record for an unknown member")


def duplicates(d: Path, kind: str) -> dict[str, Any]:
    if kind == "row-same":
        return _extra_signin_row(d, [4, "张三", "A01", "√", "√", "请假"], True, "a member's row twice",
                                 ("duplicate_record", "*"))
    if kind == "row-conflict":
        return _extra_signin_row(d, [4, "张三", "A01", "×", "×", "×"], True,
                                 "a member's row twice, other marks", ("conflicting_records", "*"))
    if kind == "roster-id":
        rows = [*roster_rows(), [4, "A01", "赵六", BRANCH, "在职党员", dt.date(2015, 1, 1)]]
        return plan(SCORE, base(d, roster=rows), "issue",
                    issue=("duplicate_member", f"{ROSTER}C5|{ROSTER}B5"),
                    title="a member id twice in the roster")
    if kind == "roster-name":
        rows = [*roster_rows(), [4, None, "张三", BRANCH, "在职党员", dt.date(2015, 1, 1)]]
        for row in rows[1:]:
            row[1] = None
        return plan(SCORE, base(d, roster=rows, ids=False), "issue", issue=("ambiguous_name", SIGNIN + "B3"),
                    title="two 张三 in one branch, no ids")
    if kind == "date-columns":
        rows = signin_rows(dates=["1月5日", "1月5日", "3月5日"])
        return plan(SCORE, base(d, signin=rows), "issue",
                    issue=("duplicate_record|conflicting_records", "*"), title="the same date twice")
    if kind == "file-twice":
        files = base(d)
        return plan((*SCORE[:3], "签到.xlsx", *SCORE[3:]), files, "ok",
                    absent=(("duplicate_record", "*"),), title="the same file given twice")
    if kind == "file-copy":
        files = base(d)
        copy = d / "签到副本.xlsx"
        copy.write_bytes(files[1].read_bytes())
        return plan((*SCORE[:3], "签到副本.xlsx", *SCORE[3:]), [*files, copy], "issue",
                    issue=("duplicate_record", "*"), title="a copy of the sign-in workbook")
    rows = [*appraisal_rows(), ["A01", "张三", "优秀"]]
    r = write_book(d / "名册.xlsx", {"党员名册": roster_rows(), "民主评议": rows})
    s = write_book(d / "签到.xlsx", {"主题党日": signin_rows()})
    return plan(SCORE, [r, s], "issue", issue=("conflicting_appraisal", "*"), title="two appraisal results")


# -- impossible dates ------------------------------------------------------------------------------------

BAD_HEADERS = {"feb-30": "2月30日", "apr-31": "4月31日", "2023-feb-29": "2023-02-29", "month-13": "13月5日",
               "month-0": "0月5日", "day-0": "2月0日", "full-feb-30": "2024年2月30日",
               "year-9999": "9999-02-05", "year-1899": "1899-12-31", "year-2100-feb-29": "2100-02-29"}


def bad_header(d: Path, value: str) -> dict[str, Any]:
    rows = signin_rows(dates=["1月5日", value, "3月5日"])
    odd_year = value.startswith(("9999", "1899", "2100"))
    issue = ("bad_date|outside_year", f"{SIGNIN}E2|{SIGNIN}E3") if odd_year else ("bad_date", SIGNIN + "E2")
    return plan(SCORE, base(d, signin=rows), "issue", issue=issue, title=f"the date header {value}",
                literals=(value,))


def leap_day(d: Path) -> dict[str, Any]:
    rows = signin_rows(dates=["1月5日", "2024-02-29", "3月5日"])
    return plan(SCORE, base(d, signin=rows), "ok", absent=(("bad_date", "*"),), title="2024-02-29 exists")


def roster_dates(d: Path, kind: str) -> dict[str, Any]:
    header = [*roster_rows()[0], "转出日期"]
    joined, left = {"joined-9999": (dt.date(9999, 1, 1), None),
                    "left-before-joined": (dt.date(2020, 1, 1), dt.date(2019, 1, 1)),
                    "left-before-year": (dt.date(2010, 5, 1), dt.date(2020, 1, 1)),
                    "joined-1800": (dt.date(1800, 1, 1), None),
                    "joined-feb-30": ("2020年2月30日", None),
                    "joined-after-as-of": (dt.date(2024, 6, 1), None)}[kind]
    rows = [header] + [[i, m[0], m[1], BRANCH, m[2], m[3], None] for i, m in enumerate(MEMBERS, 1)]
    rows[1][5], rows[1][6] = joined, left
    argv = (*SCORE, "--as-of", "2024-03-31") if kind == "joined-after-as-of" else SCORE
    if kind in ("left-before-year", "joined-1800", "joined-after-as-of"):  # joining later is no error
        return plan(argv, base(d, roster=rows), "ok", title=f"roster dates: {kind}")
    codes = "bad_date|roster_date" if kind == "joined-feb-30" else "roster_date"
    return plan(argv, base(d, roster=rows), "issue", issue=(codes, f"{ROSTER}C2|{ROSTER}F2"),
                title=f"roster dates: {kind}")


# -- names like totals and notes rows ----------------------------------------------------------------

def totals_name(d: Path, name: str) -> dict[str, Any]:
    members = [("A01", name, "在职党员", dt.date(2010, 5, 1)), *MEMBERS[1:]]
    rows = signin_rows(ids=False, names=[name, "李四", "王五"])
    r = write_book(d / "名册.xlsx", {"党员名册": roster_rows(members), "民主评议": appraisal_rows(members)})
    s = write_book(d / "签到.xlsx", {"主题党日": rows})
    return plan(SCORE, [r, s], "ok", title=f"a member named {name}")


# -- rosters ----------------------------------------------------------------------------------------------

def rosters(d: Path, kind: str) -> dict[str, Any]:
    s = write_book(d / "签到.xlsx", {"主题党日": signin_rows()})
    expect, also = "error", ()
    if kind == "header-only":
        r = write_book(d / "名册.xlsx", {"党员名册": roster_rows([])})
        also = ("ok",)
    elif kind == "empty-sheet":
        r = write_book(d / "名册.xlsx", {"党员名册": []})
    elif kind == "no-name-column":
        rows = [[c for c in row if c != "姓名"] for row in roster_rows()]
        rows = [row[:2] + row[3:] if i else row for i, row in enumerate(rows)]
        r = write_book(d / "名册.xlsx", {"党员名册": rows})
    elif kind == "header-row-25":
        r = write_book(d / "名册.xlsx", {"党员名册": [[f"说明第{i}行"] for i in range(24)] + roster_rows()})
        also = ("ok",)
    elif kind == "none":
        return plan(("score", "签到.xlsx", "-o", "复核.xlsx"), [s], "error", title="no roster at all")
    elif kind == "only-roster":
        s.unlink()
        r = roster_only(d)
        return plan(("score", "名册.xlsx", "-o", "复核.xlsx"), [r], "ok", also=("error",),
                    title="a roster and nothing else (no date: the year may be asked for)")
    else:  # "ten-thousand"
        members = [(f"M{i:05d}", f"党员{i:05d}", "在职党员", dt.date(2010, 1, 1)) for i in range(10_000)]
        r = write_book(d / "名册.xlsx", {"党员名册": roster_rows(members)})
        expect = "ok"
    return plan(SCORE, [r, s], expect, also=also, title=f"roster: {kind}")


# -- logs, appraisals, categories, marks, sheets -------------------------------------------------------

def _log(item: Any, when: Any = dt.date(2024, 5, 1), member: str = "A01") -> list[list[Any]]:
    return [["党员编号", "姓名", "日期", "事项"], [member, "张三", when, item]]


def records(d: Path, kind: str) -> dict[str, Any]:
    log_at = "|".join(f"签到.xlsx!{{sheet}}!{c}2" for c in "ABCD")
    if kind in ("unknown-item", "missing-item", "log-outside-year", "log-year-9999", "bonus-unknown"):
        sheet = "先锋示范" if kind == "bonus-unknown" else "负面清单"
        item, when, code = {"unknown-item": ("乱扔垃圾", dt.date(2024, 5, 1), "unknown_item"),
                            "bonus-unknown": ("见义勇为", dt.date(2024, 5, 1), "unknown_item"),
                            "missing-item": (None, dt.date(2024, 5, 1), "missing_value"),
                            "log-outside-year": ("未按时交纳党费", dt.date(2023, 5, 1),
                                                 "outside_year|history"),
                            "log-year-9999": ("未按时交纳党费", "9999-05-01", "outside_year|bad_date")}[kind]
        files = base(d, extra_sheets={sheet: _log(item, when)})
        return plan(SCORE, files, "issue", issue=(code, log_at.format(sheet=sheet)), title=f"log: {kind}")
    if kind in ("appraisal-unknown", "appraisal-candidate"):
        members = list(MEMBERS)
        if kind == "appraisal-candidate":
            members[0] = ("A01", "张三", "发展对象", dt.date(2023, 5, 1))
        rows = appraisal_rows(members)
        if kind == "appraisal-unknown":
            rows[1][2] = "很好"
        r = write_book(d / "名册.xlsx", {"党员名册": roster_rows(members), "民主评议": rows})
        s = write_book(d / "签到.xlsx", {"主题党日": signin_rows()})
        code = "unknown_appraisal_result" if kind == "appraisal-unknown" else "appraisal_not_applicable"
        at = "|".join(f"名册.xlsx!民主评议!{c}2" for c in "ABC")
        return plan(SCORE, [r, s], "issue", issue=(code, at), title=kind)
    if kind == "category":
        rows = roster_rows()
        rows[1][4] = "外星党员"
        return plan(SCORE, base(d, roster=rows), "issue",
                    issue=("unknown_category", f"{ROSTER}C2|{ROSTER}E2"),
                    title="an unknown member category")
    if kind == "after-as-of":
        return plan((*SCORE, "--as-of", "2024-02-01"), base(d), "issue",
                    issue=("after_as_of", f"{SIGNIN}E3|{SIGNIN}E2"), title="records after --as-of")
    if kind == "hidden":
        def hide(book: Any) -> None:
            book.create_sheet("封面")["A1"] = "封面"
            book["主题党日"].sheet_state = "hidden"
        return plan(SCORE, base(d, signin_post=hide), "issue", issue=("hidden_sheet", SIGNIN + "A1"),
                    title="a hidden sign-in sheet")
    if kind == "unknown-mark":
        rows = signin_rows()
        rows[2][3] = "好"
        return plan(SCORE, base(d, signin=rows), "issue", issue=("unknown_mark", SIGNIN + "D3"),
                    title="the mark 好")
    if kind == "unknown-activity":
        rows = signin_rows(title=f"{BRANCH}2024年签到表")
        r = roster_only(d)
        s = write_book(d / "签到.xlsx", {"Sheet1": rows})
        return plan(SCORE, [r, s], "issue", issue=("unknown_activity", "*"), title="no activity anywhere")
    if kind == "unknown-column":
        rows = signin_rows()
        rows[1].append("随便写写")
        rows[2].append("内容")
        return plan(SCORE, base(d, signin=rows), "issue", issue=("unknown_column", SIGNIN + "G2"),
                    title="a column nobody knows")
    return plan(SCORE, base(d, extra_sheets={"杂项": [["这是一张", "随便的表"], ["没有", "表头"]]}), "issue",
                issue=("unknown_sheet", "签到.xlsx!杂项!A1"), title="a sheet without a header row")


def specs() -> Iterator[Spec]:
    for kind in ("blank", "spaces", "fullwidth-space", "roster", "log"):
        yield _spec(f"no-person-{kind}", no_person, kind=kind)
    for kind in ("name", "id", "other-branch", "thousand", "appraisal", "log"):
        yield _spec(f"unknown-{kind}", unknown, kind=kind)
    for kind in ("row-same", "row-conflict", "roster-id", "roster-name", "date-columns", "file-twice",
                 "file-copy", "appraisal"):
        yield _spec(f"duplicate-{kind}", duplicates, kind=kind)
    for key, value in BAD_HEADERS.items():
        yield _spec(f"date-{key}", bad_header, value=value)
    yield _spec("date-leap-day", leap_day)
    for kind in ("joined-9999", "left-before-joined", "left-before-year", "joined-1800", "joined-feb-30",
                 "joined-after-as-of"):
        yield _spec(f"roster-{kind}", roster_dates, kind=kind)
    for i, name in enumerate(("合计", "小计", "总计", "注明", "说明", "备注")):
        yield _spec(f"totals-name-{i + 1}", totals_name, name=name)
    for kind in ("header-only", "empty-sheet", "no-name-column", "header-row-25", "none", "only-roster",
                 "ten-thousand"):
        yield _spec(f"roster-{kind}", rosters, kind=kind)
    for kind in ("unknown-item", "missing-item", "log-outside-year", "log-year-9999", "bonus-unknown",
                 "appraisal-unknown", "appraisal-candidate", "category", "after-as-of", "hidden",
                 "unknown-mark", "unknown-activity", "unknown-column", "unknown-sheet"):
        yield _spec(kind, records, kind=kind)
