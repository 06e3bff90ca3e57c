"""Cell contents: error values, formulas without results, odd numbers and every textual form
of a date in date cells, invisible and control characters, giant cells, full-width digits,
numbers and booleans where text belongs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .books import SCORE, Raw, base, patch_zip, raw_xlsx, roster_only, roster_rows, sheet_xml, signin_rows
from .corpus import Spec, plan

__all__ = ["specs"]

CATEGORY = "cell"
SIGNIN = "签到.xlsx!主题党日!"
ROSTER = "名册.xlsx!党员名册!"


def _spec(case_id: str, build: Any, **kw: Any) -> Spec:
    return Spec(f"cel-{case_id}", CATEGORY, build, kw)


def _set(sheet: str, ref: str, value: Any, data_type: str | None = None, fmt: str | None = None) -> Any:
    def post(book: Any) -> None:
        cell = book[sheet][ref]
        cell.value = value
        if data_type:
            cell.data_type = data_type
        if fmt:
            cell.number_format = fmt
    return post


# -- error values and formulas without results ----------------------------------------------------

ERRORS = ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA"]


def error_value(d: Path, where: str, value: str) -> dict[str, Any]:
    """An error value in: a sign-in cell (D3), a name cell (B3), a member-id cell (C3), the
    date header (E2), the roster's name (C2) or join date (F2)."""
    ids = where != "name"
    ref, codes = {"mark": ("D3", "bad_cell"), "name": ("B3", "bad_cell"), "id": ("C3", "bad_cell"),
                  "header": ("E2", "bad_date|bad_cell|unknown_column")}.get(where, ("", ""))
    if where.startswith("roster"):
        ref = "C2" if where == "roster-name" else "F2"
        files = base(d, roster_post=_set("党员名册", ref, value, "e"))
        issue = ("bad_cell|no_person" if ref == "C2" else "bad_cell|bad_date|roster_date",
                 f"{ROSTER}{ref}" + ("" if ref == "C2" else f"|{ROSTER}C2"))
    else:
        files = base(d, ids=ids, signin_post=_set("主题党日", ref, value, "e"))
        issue = (codes, SIGNIN + ref)
    return plan(SCORE, files, "issue", issue=issue, title=f"{value} in the {where} cell",
                literals=(value,))


def formula(d: Path, where: str) -> dict[str, Any]:
    """A formula saved without its result (openpyxl writes no cached value)."""
    if where == "roster-name":
        files = base(d, roster_post=_set("党员名册", "C2", '="张三"'))
        issue = ("bad_cell|no_person", ROSTER + "C2")
    else:
        ref, text, codes = {"mark": ("D3", '=IF(1,"√")', "bad_cell"), "name": ("B3", "=A1", "bad_cell"),
                            "header": ("E2", "=DATE(2024,2,5)", "bad_cell|bad_date|unknown_column")}[where]
        files = base(d, ids=where != "name", signin_post=_set("主题党日", ref, text))
        issue = (codes, SIGNIN + ref)
    return plan(SCORE, files, "issue", issue=issue, title=f"a formula without its result in the {where} cell")


def formula_raw(d: Path, kind: str) -> dict[str, Any]:
    r = roster_only(d)
    rows = signin_rows()
    cell = {"cached": '<c r="{ref}" t="str"><f>IF(1,"√")</f><v>√</v></c>',
            "shared": '<c r="{ref}"><f t="shared" ref="D3:D5" si="0">1+1</f></c>',
            "array": '<c r="{ref}"><f t="array" ref="D3">SUM(1)</f></c>'}[kind]
    rows[2][3] = Raw(cell)
    p = raw_xlsx(d / "签到.xlsx", [("主题党日", sheet_xml(rows))])
    if kind == "cached":
        return plan(SCORE, [r, p], "ok", title="a formula with its cached result",
                    absent=(("bad_cell", SIGNIN + "D3"),))
    return plan(SCORE, [r, p], "issue", issue=("bad_cell", SIGNIN + "D3"),
                title=f"a {kind} formula without a result")


# -- numbers in date cells -----------------------------------------------------------------------

_PLACEHOLDER = b"<v>45000.25</v>"


def date_number(d: Path, where: str, value: str) -> dict[str, Any]:
    """The number ``value`` (as written in the XML) in a date-formatted cell: the header E2 of
    the sign-in sheet, or the roster's join date F2."""
    if where == "header":
        files = base(d, signin_post=_set("主题党日", "E2", 45000.25, fmt="yyyy-mm-dd"))
        patch_zip(files[1], "xl/worksheets/sheet1.xml", _PLACEHOLDER, f"<v>{value}</v>".encode())
        # reported in some way: a bad date, an unknown column, or a date in another year
        issue = ("bad_date|unknown_column|outside_year|history", f"{SIGNIN}E2|{SIGNIN}E3")
    else:
        files = base(d, roster_post=_set("党员名册", "F2", 45000.25, fmt="yyyy-mm-dd"))
        patch_zip(files[0], "xl/worksheets/sheet1.xml", _PLACEHOLDER, f"<v>{value}</v>".encode())
        issue = ("bad_date|roster_date", f"{ROSTER}F2|{ROSTER}C2")
    return plan(SCORE, files, "issue", issue=issue, title=f"{value} in a date-formatted {where} cell")


HEADER_NUMBERS = ["1e-05", "INF", "-INF", "NaN", "-1", "-1e10", "1e308", "1e309", "2958466", "0",
                  "1e-300", "", "60", "2958465.99999", "45000.5"]
ROSTER_NUMBERS = ["INF", "-1", "1e308", "2958466"]

# -- dates written as text -------------------------------------------------------------------------

DOCUMENTED_DATES = ["2024-02-05", "2024/2/5", "2024.2.5", "2月5日", "2024年2月5日", "２０２４年２月５日",
                    "2.05", "2024年02月05日星期一", "2月5号", " 2月 5日 ",
                    "2024.02.05", "2月5日（周一）"]
OTHER_DATES = ["Feb 5, 2024", "5 February 2024", "05/02/2024", "2/5/2024", "20240205", "二〇二四年二月五日",
               "二月五日", "2024-W06-1", "45327", "2024-02-05T09:00:00+08:00", "2月5日-2月6日", "2024年2月",
               "2024-2-5 00:00:00", "2月5日2月6日", "5日", "02-05-24"]


def text_date(d: Path, value: str, documented: bool) -> dict[str, Any]:
    if value == "2.5":  # the number 2.5: Feb 5 or Feb 50? (documented: bad_date)
        files = base(d, signin_post=_set("主题党日", "E2", 2.5))
        return plan(SCORE, files, "issue", issue=("bad_date", SIGNIN + "E2"),
                    title="the number 2.5 as a date header", literals=(value,))
    files = base(d, signin_post=_set("主题党日", "E2", value))
    absent = (("bad_date", SIGNIN + "E2"), ("unknown_column", SIGNIN + "E2")) if documented else ()
    return plan(SCORE, files, "ok", absent=absent, literals=(value,),
                title=f"the date header {value!r} ({'documented' if documented else 'undocumented'})")


# -- invisible and control characters ----------------------------------------------------------------

#: name → (XML text, whether the reader should see 张三 in it)
NAMES: dict[str, tuple[str, bool]] = {
    "zwsp": ("张\u200b三", False), "zwnj": ("张\u200c三", False), "zwj": ("张\u200d三", False),
    "bom": ("\ufeff张三", False), "soft-hyphen": ("张\u00ad三", False), "rlo": ("\u202e三张", False),
    "nbsp": ("张\u00a0三", True), "ideographic-space": ("张\u3000三", True), "tab": ("张\t三", True),
    "newline": ("张\n三", True), "line-separator": ("张\u2028三", False),
    "bel": ("张_x0007_三", False), "ansi-clear": ("_x001B_[2J_x001B_[31m张三", False),
    "osc-title": ("_x001B_]0;pwned_x0007_张三", False), "nul": ("张_x0000_三", False),
    "lone-surrogate": ("张_xD800_三", False), "traditional": ("張三", False),
    "emoji": ("张三\U0001f600", False), "fullwidth-latin": ("ｚｈａｎｇ", False),
}


def _text_cell(xml_text: str) -> Raw:
    """A text cell whose ``_xHHHH_`` escapes are kept as written (the rest is escaped)."""
    return Raw('<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">' + escape(xml_text) + "</t></is></c>")


def odd_name(d: Path, kind: str, where: str) -> dict[str, Any]:
    text, matches = NAMES[kind]
    if where == "signin":
        r = roster_only(d)
        rows = signin_rows(ids=False)
        rows[2][1] = _text_cell(text)
        p = raw_xlsx(d / "签到.xlsx", [("主题党日", sheet_xml(rows))])
        absent = (("unknown_member", SIGNIN + "B3"),) if matches else ()
        files = [r, p]
    else:  # the roster (matched by id): the name reaches every sheet of the output
        files = base(d)
        rows = roster_rows()
        rows[1][2] = _text_cell(text)
        raw_xlsx(d / "名册.xlsx", [("党员名册", sheet_xml(rows))])
        absent = ()
    return plan(SCORE, files, "ok", absent=absent, title=f"name with {kind} in the {where}",
                literals=(text,))


def control_elsewhere(d: Path, where: str) -> dict[str, Any]:
    """An escape sequence in a file name, a sheet name or a mark, beside an unknown mark (so
    that the issue, which quotes them, is printed)."""
    rows = signin_rows()
    rows[2][3] = _text_cell("_x001B_[2J好") if where == "mark" else "好"
    (d / "台账").mkdir()
    r = roster_only(d / "台账")
    name = "\x1b[31m签到.xlsx" if where == "file" else "签到.xlsx"
    sheet = "\x1b[2J主题党日" if where == "sheet" else "主题党日"
    s = raw_xlsx(d / "台账" / name, [(sheet, sheet_xml(rows))])
    return plan(("score", "台账", "-o", "复核.xlsx"), [r, s], "ok", literals=(name, sheet),
                title=f"an escape sequence in the {where}")


# -- giant cells -------------------------------------------------------------------------------------

def giant(d: Path, kind: str) -> dict[str, Any]:
    big = 32767
    argv: tuple[str, ...] = SCORE
    if kind == "signin-name":
        files = base(d, ids=False, signin_post=_set("主题党日", "B3", "张" * big))
        return plan(SCORE, files, "issue", issue=("unknown_member", SIGNIN + "B3"), title="a 32767-char name")
    if kind == "mark":
        files = base(d, signin_post=_set("主题党日", "D3", "√" * big))
        return plan(SCORE, files, "issue", issue=("unknown_mark", SIGNIN + "D3"), title="a 32767-char mark")
    if kind == "header":
        files = base(d, signin_post=_set("主题党日", "E2", "X" * big))
        return plan(SCORE, files, "issue", issue=("unknown_column|bad_date", SIGNIN + "E2"),
                    title="a 32767-char date header")
    if kind == "title":
        files = base(d, signin_post=_set("主题党日", "A1", "第一党支部2024年主题党日签到表" + "表" * 32000))
        return plan(SCORE, files, "ok", title="a 32k-char title")
    if kind == "roster-name":
        files = base(d, roster_post=_set("党员名册", "C2", "张" * big))
        return plan(SCORE, files, "ok", title="a 32767-char name in the roster")
    if kind == "roster-branch":
        files = base(d, roster=roster_rows(branch="支" * big))
        argv = (*SCORE, "--per-branch", "支部", "--public", "公示.xlsx")
        return plan(argv, files, "ok", title="a 32767-char branch name, one workbook per branch")
    rows = signin_rows()
    if kind == "raw-100k-name":
        r = roster_rows()
        r[1][2] = "张" * 100_000
        files = [raw_xlsx(d / "名册.xlsx", [("党员名册", sheet_xml(r))]),
                 raw_xlsx(d / "签到.xlsx", [("主题党日", sheet_xml(rows))])]
        return plan(SCORE, files, "ok", title="a 100,000-char name (beyond Excel's limit)")
    rows[2][3] = "√" * 1_000_000
    files = [roster_only(d), raw_xlsx(d / "签到.xlsx", [("主题党日", sheet_xml(rows))])]
    # beyond Excel's limit of 32,767 characters: a bad cell (docs/faq.md), or at least an unknown mark
    return plan(SCORE, files, "issue", issue=("bad_cell|unknown_mark", SIGNIN + "D3"),
                title="a 1,000,000-char mark")


# -- full-width digits, numbers and booleans where text belongs --------------------------------------

def fullwidth(d: Path, kind: str) -> dict[str, Any]:
    if kind == "signin-id":
        files = base(d, signin_post=_set("主题党日", "C4", "Ａ０２"))
        return plan(SCORE, files, "ok", absent=(("unknown_member", "*"),), title="member id Ａ０２")
    if kind == "roster-id":
        files = base(d, roster_post=_set("党员名册", "B2", "Ａ０１"))
        return plan(SCORE, files, "ok", absent=(("unknown_member", "*"),), title="roster id Ａ０１")
    if kind == "title-and-dates":
        rows = signin_rows(title="第一党支部２０２４年主题党日签到表",
                           dates=["１月５日", "２月５日", "３月５日"])
        files = base(d, signin=rows)
        return plan(SCORE, files, "ok", absent=(("bad_date", "*"), ("outside_year", "*")),
                    title="full-width year and dates")
    if kind == "roster-joined":
        files = base(d, roster_post=_set("党员名册", "F2", "２０１０年５月１日"))
        return plan(SCORE, files, "ok", title="full-width join date")
    files = base(d, signin_post=_set("主题党日", "D3", "１"))
    return plan(SCORE, files, "issue", issue=("unknown_mark", SIGNIN + "D3"), title="the mark １")


def typed(d: Path, kind: str) -> dict[str, Any]:
    ref, value, issue, ids = {
        "name-number": ("B3", 12345, "unknown_member", False),
        "name-bool": ("B3", True, "unknown_member|no_person|bad_cell", False),
        "mark-number": ("D3", 1, "unknown_mark", True),
        "mark-bool": ("D3", True, "unknown_mark", True),
        "id-number": ("C3", 1, "unknown_member", True)}[kind]
    files = base(d, ids=ids, signin_post=_set("主题党日", ref, value))
    address = SIGNIN + ref if kind != "id-number" else "|".join(SIGNIN + c + "3" for c in "BCDEF")
    return plan(SCORE, files, "issue", issue=(issue, address), title=f"{value!r} in the {ref} cell")


def typed_date(d: Path) -> dict[str, Any]:
    import datetime as dt
    files = base(d, signin_post=_set("主题党日", "D3", dt.datetime(2024, 1, 5), fmt="yyyy-mm-dd"))
    return plan(SCORE, files, "issue", issue=("unknown_mark", SIGNIN + "D3"), title="a date as a mark")


def specs() -> Iterator[Spec]:
    for i, value in enumerate(ERRORS):
        yield _spec(f"error-mark-{i + 1}", error_value, where="mark", value=value)
    for i, value in enumerate(ERRORS[:3]):
        yield _spec(f"error-name-{i + 1}", error_value, where="name", value=value)
    for where in ("id", "header", "roster-name", "roster-joined"):
        yield _spec(f"error-{where}", error_value, where=where, value="#N/A")
    for where in ("mark", "name", "header", "roster-name"):
        yield _spec(f"formula-{where}", formula, where=where)
    for kind in ("cached", "shared", "array"):
        yield _spec(f"formula-{kind}", formula_raw, kind=kind)
    for i, value in enumerate(HEADER_NUMBERS):
        yield _spec(f"date-number-{i + 1}", date_number, where="header", value=value)
    for i, value in enumerate(ROSTER_NUMBERS):
        yield _spec(f"roster-date-number-{i + 1}", date_number, where="roster", value=value)
    for i, value in enumerate(DOCUMENTED_DATES):
        yield _spec(f"date-text-{i + 1}", text_date, value=value, documented=True)
    yield _spec("date-text-one-decimal", text_date, value="2.5", documented=True)
    for i, value in enumerate(OTHER_DATES):
        yield _spec(f"date-other-{i + 1}", text_date, value=value, documented=False)
    for kind in NAMES:
        yield _spec(f"name-{kind}", odd_name, kind=kind, where="signin")
    for kind in ("ansi-clear", "lone-surrogate", "nul", "rlo"):
        yield _spec(f"roster-name-{kind}", odd_name, kind=kind, where="roster")
    for where in ("file", "sheet", "mark"):
        yield _spec(f"control-{where}", control_elsewhere, where=where)
    for kind in ("signin-name", "mark", "header", "title", "roster-name", "roster-branch",
                 "raw-100k-name", "raw-1m-mark"):
        yield _spec(f"giant-{kind}", giant, kind=kind)
    for kind in ("signin-id", "roster-id", "title-and-dates", "roster-joined", "mark"):
        yield _spec(f"fullwidth-{kind}", fullwidth, kind=kind)
    for kind in ("name-number", "name-bool", "mark-number", "mark-bool", "id-number"):
        yield _spec(f"typed-{kind}", typed, kind=kind)
    yield _spec("typed-mark-date", typed_date)
