"""Generate a realistic city's year of party-branch workbooks (deterministic by seed).

    python benchmarks/city.py OUT_DIR [--scale 0.125] [--seed 2024] [--workers 2]

Scale 1 is a city of 125,000 members in 2,000 branch workbooks (about 5 M attendance records),
grouped in towns of 40 branches. Every town has a roster workbook (党员名册) and a logs workbook
(负面清单, 先锋示范, 民主评议). Each branch keeps its sign-in sheets in one of the shapes of the
example year (``examples/make_example_year.py``), spread over the city:

============== ===== ===========================================================================
shape          share how the branch keeps its year
============== ===== ===========================================================================
by_activity    35 %  机关: one matrix sheet per activity, Excel dates in the header, 党员编号,
                     合计 column, notes row; a 支委会 sheet for the committee
by_quarter     22 %  社区: one sheet per quarter, activity row merged over text dates (3月15日),
                     names only (some with stray or full-width spaces), 出勤率 column
by_month       20 %  村: one sheet per month, date and activity in one header cell, names only
list            8 %  村: the list form, one row per person and meeting, activity aliases,
                     Excel and text dates mixed
own_roster     15 %  学校: its own 党员名册 sheet (not on the town roster), matrices named by
                     activity with text dates (2024/3/15), a 填表说明 sheet
============== ===== ===========================================================================

Members of every category of the default rules (在职, 离退休, 流动, 年老体弱, 预备党员, 发展对象,
入党积极分子), with the mix depending on the branch (a 社区 is mostly retired members, a 村 has
many 流动党员). Planted in every branch: a mark nobody defined (``出差``), one person's row
entered twice, and a person not on the roster; in every town's logs, an item the rules do not
know and a few members without an appraisal result.

A city is written once per (scale, seed) into ``OUT_DIR/city-<scale>-s<seed>-v<version>/`` and
reused (a ``city.json`` written last marks it complete). Branch workbooks are written by
``--workers`` processes; each branch's content depends only on the seed and its index, so the
files are the same whatever the number of workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

VERSION = 1
YEAR = 2024
CITY_MEMBERS = 125_000
CITY_BRANCHES = 2_000
TOWN_SIZE = 40

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
            "杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉海林波宁浩凯"
         "鹏飞德清云琴俊峰成春燕雪梅慧")
TOWN_FIRST = "东西南北新和太永长安兴福龙凤青白金石红光"
TOWN_SECOND = ("河", "山", "桥", "溪", "坪", "塘", "湾", "林", "坝", "场")

CATEGORIES = ("在职党员", "离退休党员", "流动党员", "年老体弱党员", "预备党员", "发展对象", "入党积极分子")
#: shape → (share of branches, kind of branch in its name, category mix in CATEGORIES order)
SHAPES: dict[str, tuple[float, str, tuple[float, ...]]] = {
    "by_activity": (0.35, "机关", (0.80, 0.04, 0.00, 0.01, 0.05, 0.04, 0.06)),
    "by_quarter": (0.22, "社区", (0.15, 0.48, 0.05, 0.16, 0.04, 0.04, 0.08)),
    "by_month": (0.20, "村", (0.32, 0.14, 0.26, 0.10, 0.05, 0.05, 0.08)),
    "list": (0.08, "村", (0.34, 0.15, 0.24, 0.10, 0.05, 0.04, 0.08)),
    "own_roster": (0.15, "学校", (0.76, 0.09, 0.00, 0.00, 0.05, 0.04, 0.06)),
}
#: activity → (months, day of month); each branch meets on its own days (an offset)
SCHEDULE: dict[str, tuple[tuple[int, ...], int]] = {
    "党小组会": (tuple(range(1, 13)), 5),
    "主题党日": (tuple(range(1, 13)), 15),
    "支部党员大会": ((3, 6, 9, 12), 20),
    "党课": ((4, 7, 11), 25),
    "集中学习": ((2, 3, 4, 5, 7, 8, 9, 10), 10),
    "组织生活会": ((1,), 18),
}
STATUSES = ("present", "late", "online", "makeup", "leave", "absent", "blank")
ATTENDED = np.array([True, True, True, True, False, False, False])
MARKS: dict[str, tuple[str, ...]] = {  # per shape, in STATUSES order
    "by_activity": ("√", "迟到", "线上", "补学", "请假", "×", ""),
    "by_quarter": ("到", "迟", "送学", "补学", "假", "缺", ""),
    "by_month": ("√", "迟到", "线上", "补学", "请假", "", ""),
    "list": ("出席", "迟到", "线上", "补学", "请假", "缺席", "未到"),
    "own_roster": ("✓", "迟到", "线上", "补学", "请假", "×", ""),
}
LIST_ALIASES = {"支部党员大会": "支部大会", "主题党日": "主题党日活动", "集中学习": "集中学习",
                "党小组会": "党小组会", "党课": "党课", "组织生活会": "组织生活会"}
UNKNOWN_MARK = "出差"
NOTE = "注：{0} 出席，{1} 迟到，{2} 线上，{3} 补学，{4} 请假，{5} 缺席"


@dataclass(frozen=True)
class Branch:
    index: int
    town: str
    name: str
    shape: str
    first: int  # position of its first member in the city's member table
    size: int


#: Run in a child before timing: the ``points`` it imports compiled to bytecode, as ``pip
#: install`` leaves it (an editable checkout under ``PYTHONDONTWRITEBYTECODE`` would compile
#: every module on every run, ~0.3 s that no installed copy pays); prints what was compiled.
COMPILE = ("import compileall, pathlib, points; "
           "compileall.compile_dir(pathlib.Path(points.__file__).parent, quiet=1); "
           "print(points.__version__, points.__file__)")


def city_dir(data: Path, scale: float, seed: int) -> Path:
    return data / f"city-{scale:g}-s{seed}-v{VERSION}"


# ----------------------------------------------------------------------------------------------
# The city as tables
# ----------------------------------------------------------------------------------------------

def _town_names(n: int) -> list[str]:
    names = [a + b + "镇" for b in TOWN_SECOND for a in TOWN_FIRST]
    return [names[i % len(names)] + ("" if i < len(names) else str(i // len(names) + 1))
            for i in range(n)]


def plan(scale: float, seed: int) -> tuple[list[Branch], pd.DataFrame]:
    """The branches and the member table (member_id, name, branch, category, joined)."""
    rng = np.random.default_rng([seed, 0])
    n_branches = max(1, round(CITY_BRANCHES * scale))
    n_members = max(n_branches * 8, round(CITY_MEMBERS * scale))
    weights = rng.lognormal(0.0, 0.35, n_branches)
    sizes = np.maximum(8, np.floor(weights / weights.sum() * n_members)).astype(int)
    extra = n_members - int(sizes.sum())
    if extra > 0:
        sizes[:extra] += 1  # the remainder, one each
    shapes = list(SHAPES)
    kinds = rng.choice(len(shapes), size=n_branches, p=[SHAPES[s][0] for s in shapes])
    towns = _town_names(-(-n_branches // TOWN_SIZE))
    branches, first = [], 0
    for b in range(n_branches):
        shape = shapes[kinds[b]]
        town = towns[b // TOWN_SIZE]
        name = f"{town}第{b % TOWN_SIZE + 1}{SHAPES[shape][1]}党支部"
        branches.append(Branch(b, town, name, shape, first, int(sizes[b])))
        first += int(sizes[b])
    pool = np.array([s + g for s in SURNAMES for g in GIVEN]
                    + [s + g1 + g2 for s in SURNAMES for g1 in GIVEN for g2 in GIVEN if g1 != g2])
    parts = []
    for br in branches:
        mix = np.array(SHAPES[br.shape][2])
        cats = np.sort(rng.choice(len(CATEGORIES), size=br.size, p=mix / mix.sum()))
        names = pool[rng.choice(len(pool), size=br.size + 1, replace=False)]
        years = rng.integers(1975, 2023, br.size)
        months = rng.integers(1, 13, br.size)
        probation = cats == CATEGORIES.index("预备党员")
        years[probation] = YEAR - 1
        months[probation] = rng.integers(6, 12, probation.sum())
        joined = (years - 1970) * 12 + months - 1
        joined = joined.astype("datetime64[M]").astype("datetime64[ns]")
        joined[cats >= CATEGORIES.index("发展对象")] = np.datetime64("NaT")
        parts.append(pd.DataFrame({
            "member_id": [f"D{br.index + 1:04d}{i + 1:03d}" for i in range(br.size)],
            "name": names[: br.size], "branch": br.name, "town": br.town,
            "category": np.array(CATEGORIES)[cats], "joined": joined,
            "stranger": names[br.size]}))  # a name not in the branch: the planted unknown member
    return branches, pd.concat(parts, ignore_index=True)


def meetings(branch: Branch) -> list[tuple[str, dt.datetime]]:
    """The branch's meetings in date order (支委会 aside)."""
    offset = branch.index % 8
    rows = [(activity, dt.datetime(YEAR, m, min(day + offset, 28)))
            for activity, (months, day) in SCHEDULE.items() for m in months]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def statuses(rng: np.random.Generator, categories: np.ndarray, n_meetings: int) -> np.ndarray:
    """Status codes (index into STATUSES), one row per member and one column per meeting."""
    n = len(categories)
    p = rng.choice([0.99, 0.95, 0.9, 0.8, 0.6], size=n, p=[0.42, 0.3, 0.17, 0.08, 0.03])[:, None]
    away = np.isin(categories, ["流动党员", "年老体弱党员"])[:, None]
    r = rng.random((n, n_meetings))
    late = rng.random((n, n_meetings)) < 0.04
    other = rng.random((n, n_meetings))
    code = np.where(r < p, np.where(late, 1, 0),
                    np.where(r < p + (1 - p) * 0.7, 4,
                             np.where(away, 2, np.where(other < 0.3, 3, np.where(other < 0.65, 5, 6)))))
    code = np.where(away & (rng.random((n, n_meetings)) < 0.6) & (code == 0), 2, code)
    if n > 10 and rng.random() < 0.4:  # someone stopped coming in July: the six-month rule
        code[rng.integers(0, n), n_meetings // 2:] = 6
    return code


# ----------------------------------------------------------------------------------------------
# Writing: one function per sheet shape
# ----------------------------------------------------------------------------------------------

class Book:
    """An XlsxWriter workbook with the formats the example year uses."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(path, {"in_memory": True})
        self.book.set_properties({"created": dt.datetime(YEAR, 12, 31), "author": "组织办"})
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 14, "align": "center"})
        self.head = add({"bold": True, "border": 1, "align": "center", "text_wrap": True})
        self.day = add({"bold": True, "border": 1, "align": "center", "num_format": "m月d日"})
        self.cell = add({"border": 1, "align": "center"})
        self.left = add({"border": 1})
        self.iso = add({"border": 1, "num_format": "yyyy-mm-dd"})

    def sheet(self, name: str) -> Any:
        ws = self.book.add_worksheet(name)
        ws.set_column(0, 0, 5)
        ws.set_column(1, 2, 10)
        return ws

    def close(self) -> None:
        self.book.close()


@dataclass
class Year:
    """One branch's year as its sheets need it."""

    branch: Branch
    ids: list[str]
    names: list[str]
    categories: np.ndarray
    meetings: list[tuple[str, dt.datetime]]
    marks: np.ndarray        # mark text per member and meeting (planted unknown mark included)
    attended: np.ndarray     # bool per member and meeting
    duplicate: int           # the member whose row is entered twice
    stranger: str            # a person not on the roster
    joined: list[Any]        # join dates (None for candidates), for a roster sheet of its own


def _dated(text: str, day: dt.datetime) -> str:
    return text.format(y=day.year, m=day.month, d=day.day)


def write_by_activity(path: Path, year: Year, rng: np.random.Generator) -> None:
    """机关: one sheet per activity; Excel dates; 党员编号; 合计; notes; 支委会 for the committee."""
    book, br = Book(path), year.branch
    note = NOTE.format(*(m or "空白" for m in MARKS["by_activity"]))
    sheets = [(a, [j for j, (act, _) in enumerate(year.meetings) if act == a]) for a in SCHEDULE]
    for s, (activity, cols) in enumerate(sheets):
        ws = book.sheet(activity)
        last = 3 + len(cols)
        ws.merge_range(0, 0, 0, last, f"{br.name}{YEAR}年{activity}签到表", book.title)
        ws.write_row(1, 0, ["序号", "姓名", "党员编号"], book.head)
        for k, j in enumerate(cols):
            ws.write_datetime(1, 3 + k, year.meetings[j][1], book.day)
        ws.write(1, last, "合计", book.head)
        rows = list(range(len(year.ids))) + ([year.duplicate] if s == 0 else [])
        for r, i in enumerate(rows, start=2):
            ws.write_row(r, 0, [r - 1, year.names[i], year.ids[i], *year.marks[i, cols],
                                int(year.attended[i, cols].sum())], book.cell)
        r = len(rows) + 2
        if s == len(sheets) - 1:
            ws.write_row(r, 0, [r - 1, year.stranger, "", *["√"] * len(cols), len(cols)], book.cell)
            r += 1
        ws.write(r + 1, 0, note)
    ws = book.sheet("支委会")  # the committee (the first five on the list) meets monthly
    committee = min(5, len(year.ids))
    days = [dt.datetime(YEAR, m, 2) for m in range(1, 13)]
    ws.merge_range(0, 0, 0, 15, f"{br.name}{YEAR}年支委会签到表", book.title)
    ws.write_row(1, 0, ["序号", "姓名", "党员编号"], book.head)
    for k, day in enumerate(days):
        ws.write_datetime(1, 3 + k, day, book.day)
    ws.write(1, 15, "合计", book.head)
    came = rng.random((committee, 12)) < 0.92
    for i in range(committee):
        ws.write_row(2 + i, 0, [i + 1, year.names[i], year.ids[i],
                                *np.where(came[i], "√", "请假"), int(came[i].sum())], book.cell)
    book.close()


def _spaced(names: list[str]) -> list[str]:
    """Names as a secretary types them: a few with a full-width or a stray space."""
    out = list(names)
    for i, make in ((3, lambda s: s[0] + "\u3000" + s[1:]), (8, lambda s: s + " "),
                    (15, lambda s: " ".join(s))):
        if i < len(out):
            out[i] = make(out[i])
    return out


def write_by_quarter(path: Path, year: Year, rng: np.random.Generator) -> None:
    """社区: one sheet per quarter; activity row merged over text dates; names only; 出勤率."""
    book, br = Book(path), year.branch
    names = _spaced(year.names)
    note = NOTE.format(*(m or "空白" for m in MARKS["by_quarter"]))
    for q, label in enumerate(["第一季度", "第二季度", "第三季度", "第四季度"]):
        cols = sorted((j for j, (_, day) in enumerate(year.meetings) if (day.month - 1) // 3 == q),
                      key=lambda j: (year.meetings[j][0], year.meetings[j][1]))
        ws = book.sheet(label)
        last = 2 + len(cols)
        ws.merge_range(0, 0, 0, last, f"{br.name}{YEAR}年{label}组织生活签到表", book.title)
        ws.merge_range(1, 0, 2, 0, "序号", book.head)
        ws.merge_range(1, 1, 2, 1, "姓名", book.head)
        start = 0
        while start < len(cols):
            activity = year.meetings[cols[start]][0]
            end = start
            while end + 1 < len(cols) and year.meetings[cols[end + 1]][0] == activity:
                end += 1
            if end > start:
                ws.merge_range(1, 2 + start, 1, 2 + end, activity, book.head)
            else:
                ws.write(1, 2 + start, activity, book.head)
            start = end + 1
        for k, j in enumerate(cols):
            ws.write(2, 2 + k, _dated("{m}月{d}日", year.meetings[j][1]), book.head)
        ws.merge_range(1, last, 2, last, "出勤率", book.head)
        rows = list(range(len(names))) + ([year.duplicate] if q == 0 else [])
        for r, i in enumerate(rows, start=3):
            share = year.attended[i, cols].mean()
            ws.write_row(r, 0, [r - 2, names[i], *year.marks[i, cols], f"{share:.0%}"], book.cell)
        r = len(rows) + 3
        if q == 3:
            ws.write_row(r, 0, [r - 2, year.stranger, *["到"] * len(cols), "100%"], book.cell)
            r += 1
        ws.write(r + 1, 0, note)
        ws.write(r + 2, 0, "填表人：社区党支部书记")
    book.close()


def write_by_month(path: Path, year: Year, rng: np.random.Generator) -> None:
    """村: one sheet per month; date and activity in one header cell; names only; 备注."""
    book, br = Book(path), year.branch
    note = NOTE.format(*(m or "空白" for m in MARKS["by_month"]))
    for month in range(1, 13):
        cols = [j for j, (_, day) in enumerate(year.meetings) if day.month == month]
        ws = book.sheet(f"{month}月")
        last = 2 + len(cols)
        ws.merge_range(0, 0, 0, last, f"{br.name}{YEAR}年{month}月签到表", book.title)
        ws.write_row(1, 0, ["序号", "姓名"], book.head)
        for k, j in enumerate(cols):
            activity, day = year.meetings[j]
            ws.write(1, 2 + k, _dated("{m}月{d}日", day) + activity, book.head)
        ws.write(1, last, "备注", book.head)
        rows = list(range(len(year.names))) + ([year.duplicate] if month == 1 else [])
        for r, i in enumerate(rows, start=2):
            remark = "外出务工" if year.categories[i] == "流动党员" else ""
            ws.write_row(r, 0, [r - 1, year.names[i], *year.marks[i, cols], remark], book.cell)
        r = len(rows) + 2
        if month >= 9:
            ws.write_row(r, 0, [r - 1, year.stranger, *["√"] * len(cols), "9月转入"], book.cell)
            r += 1
        ws.write(r + 1, 0, note)
    book.close()


def write_list(path: Path, year: Year, rng: np.random.Generator) -> None:
    """村 (list form): one row per person and meeting; aliases; Excel and text dates mixed."""
    book, br = Book(path), year.branch
    ws = book.sheet("签到记录")
    ws.merge_range(0, 0, 0, 6, f"{br.name}{YEAR}年组织生活签到记录", book.title)
    ws.write_row(1, 0, ["序号", "党员编号", "姓名", "日期", "活动名称", "签到情况", "备注"], book.head)
    entries = [(i, j) for j in range(len(year.meetings)) for i in range(len(year.ids))]
    dup = entries[len(year.ids) * 3 + year.duplicate]
    entries.append(dup)  # entered twice
    r = 2
    for i, j in entries:
        activity, day = year.meetings[j]
        ws.write(r, 0, r - 1, book.cell)
        ws.write_row(r, 1, [year.ids[i], year.names[i]], book.left)
        if r % 3:
            ws.write_datetime(r, 3, day, book.iso)
        else:
            ws.write_string(r, 3, _dated("{y}/{m}/{d}", day), book.left)
        ws.write_row(r, 4, [LIST_ALIASES[activity], year.marks[i, j] or "未到", ""], book.left)
        r += 1
    for j in range(len(year.meetings) - 4, len(year.meetings)):  # transferred in, not on the roster
        activity, day = year.meetings[j]
        ws.write(r, 0, r - 1, book.cell)
        ws.write_row(r, 1, ["", year.stranger], book.left)
        ws.write_datetime(r, 3, day, book.iso)
        ws.write_row(r, 4, [LIST_ALIASES[activity], "出席", "转入"], book.left)
        r += 1
    ws.autofilter(1, 0, r - 1, 6)
    ws.freeze_panes(2, 0)
    book.close()


def write_own_roster(path: Path, year: Year, rng: np.random.Generator) -> None:
    """学校: 填表说明; its own 党员名册; matrices named by activity with text dates."""
    book, br = Book(path), year.branch
    ws = book.sheet("填表说明")
    ws.write(0, 0, "填表说明", book.title)
    ws.write(1, 0, "1. 每次活动后当天填写签到情况：✓ 出席，请假，× 缺席，迟到，线上，补学。")
    ws.write(2, 0, f"2. 日期写作 {YEAR}/3/15，活动类型以工作表名称为准。")
    ws = book.sheet("党员名册")
    ws.write_row(0, 0, ["序号", "党员编号", "姓名", "性别", "所在支部", "党员类别", "入党日期"], book.head)
    for i, member in enumerate(year.ids):
        ws.write_row(i + 1, 0, [i + 1, member, year.names[i], "女" if i % 2 else "男", br.name,
                                year.categories[i]], book.left)
        if year.joined[i] is not None:
            ws.write_datetime(i + 1, 6, year.joined[i], book.iso)
    sheets = list(SCHEDULE)
    for s, activity in enumerate(sheets):
        cols = [j for j, (act, _) in enumerate(year.meetings) if act == activity]
        ws = book.sheet("支部大会" if activity == "支部党员大会" else activity)
        ws.write_row(0, 0, ["序号", "党员编号", "姓名"], book.head)
        for k, j in enumerate(cols):
            ws.write(0, 3 + k, _dated("{y}/{m}/{d}", year.meetings[j][1]), book.head)
        ws.write(0, 3 + len(cols), "合计", book.head)
        rows = list(range(len(year.ids))) + ([year.duplicate] if s == 0 else [])
        for r, i in enumerate(rows, start=1):
            ws.write_row(r, 0, [r, year.ids[i], year.names[i], *year.marks[i, cols],
                                int(year.attended[i, cols].sum())], book.cell)
        if s == len(sheets) - 1:
            r = len(rows) + 1
            ws.write_row(r, 0, [r, "", year.stranger, *["✓"] * len(cols), len(cols)], book.cell)
    book.close()


WRITERS = {"by_activity": write_by_activity, "by_quarter": write_by_quarter,
           "by_month": write_by_month, "list": write_list, "own_roster": write_own_roster}

def branch_file(branch: Branch) -> str:
    suffix = {"list": "签到记录", "own_roster": ""}.get(branch.shape, "签到表")
    return f"{branch.name}{YEAR}年{suffix}.xlsx"


def write_branch(task: tuple[Path, Branch, pd.DataFrame, int]) -> int:
    """Write one branch's workbook; return the number of attendance records in it."""
    out, br, people, seed = task
    rng = np.random.default_rng([seed, 1, br.index])
    days = meetings(br)
    categories = people["category"].to_numpy()
    code = statuses(rng, categories, len(days))
    marks = np.array(MARKS[br.shape], dtype=object)[code]
    marks[rng.integers(0, len(people)), rng.integers(0, len(days))] = UNKNOWN_MARK
    joined = [None if pd.isna(d) else d.to_pydatetime() for d in people["joined"]]
    year = Year(br, people["member_id"].tolist(), people["name"].tolist(), categories, days, marks,
                ATTENDED[code], int(rng.integers(0, len(people))), str(people["stranger"].iloc[0]),
                joined)
    WRITERS[br.shape](out / branch_file(br), year, rng)
    return code.size


# ----------------------------------------------------------------------------------------------
# The towns: roster and logs
# ----------------------------------------------------------------------------------------------

def write_town_roster(path: Path, town: str, people: pd.DataFrame) -> None:
    book = Book(path)
    ws = book.sheet("党员名册")
    header = ["序号", "党员编号", "姓名", "所在支部", "党员类别", "入党（转入）日期", "转出日期",
              "联系电话", "身份证号"]
    ws.merge_range(0, 0, 0, len(header) - 1, f"{town}党员名册（{YEAR}年）", book.title)
    ws.write_row(1, 0, header, book.head)
    phones = np.arange(len(people)) * 7919 % 10**8
    for r, m in enumerate(people.itertuples(index=False), start=2):
        ws.write_row(r, 0, [r - 1, m.member_id, m.name, m.branch, m.category], book.left)
        if pd.notna(m.joined):
            ws.write_datetime(r, 5, m.joined.to_pydatetime(), book.iso)
        ws.write_row(r, 6, ["", f"139{phones[r - 2]:08d}", f"510181{1950 + r % 50}{phones[r - 2]:08d}"],
                     book.left)
    ws.repeat_rows(1)
    book.close()


def town_logs(rng: np.random.Generator, people: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """负面清单, 先锋示范 and 民主评议 rows for one town."""
    n = len(people)

    def day(k: int) -> list[dt.datetime]:  # k distinct days of the year
        jan1 = dt.datetime(YEAR, 1, 1)
        return [jan1 + dt.timedelta(days=int(d)) for d in np.sort(rng.choice(365, k, replace=k > 365))]

    neg = []
    runs = np.flatnonzero(rng.random(n) < 0.02)  # dues unpaid for k months running
    for i in runs:
        start, k = int(rng.integers(1, 12)), int(rng.integers(1, 8))
        for m in range(start, min(start + k, 13)):
            neg.append((i, dt.datetime(YEAR, m, 28), "未按时交纳党费"))
    for item, share in (("不完成组织分配任务", 0.01), ("违反廉洁自律规定", 0.001),
                        ("受到党纪政务处分", 0.0005), ("拒不完成组织分配任务", 0.0005)):
        who = np.flatnonzero(rng.random(n) < share)
        neg += [(i, d, item) for i, d in zip(who, day(len(who)), strict=True)]
    neg.append((int(rng.integers(0, n)), dt.datetime(YEAR, 11, 3), "开会玩手机"))  # not in the rules
    eligible = ~people["category"].isin(["发展对象", "入党积极分子"]).to_numpy() & (rng.random(n) > 0.005)
    results = np.where(eligible, rng.choice(["优秀", "合格", "基本合格", "不合格"], size=n,
                                            p=[0.15, 0.76, 0.08, 0.01]), "")
    model = results == "优秀"  # the model members volunteer most and give lectures
    bonus = []
    times = np.where(rng.random(n) < np.where(model, 0.7, 0.2),
                     np.where(model, rng.integers(6, 13, n), rng.integers(1, 9, n)), 0)
    for i in np.flatnonzero(times):
        bonus += [(i, d, "志愿服务") for d in day(int(times[i]))]
    for item, share in (("讲党课", 0.03), ("结对帮扶", 0.03), ("表彰（县级）", 0.006), ("县级表彰", 0.004),
                        ("表彰（市级）", 0.003)):
        who = np.flatnonzero(rng.random(n) < np.where(model, share * 5, share))
        bonus += [(i, d, item) for i, d in zip(who, day(len(who)), strict=True)]
    eligible = np.flatnonzero(eligible)
    results = results[eligible]

    def frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
        rows.sort(key=lambda r: (r[0], r[1]))
        return pd.DataFrame(rows, columns=["row", "date", "item"])

    return {"负面清单": frame(neg), "先锋示范": frame(bonus),
            "民主评议": pd.DataFrame({"row": eligible, "result": results})}


def write_town_logs(path: Path, town: str, people: pd.DataFrame, logs: dict[str, pd.DataFrame]) -> None:
    book = Book(path)
    ids, names, branches = (people[c].to_numpy() for c in ("member_id", "name", "branch"))
    for sheet, column in (("负面清单", "扣分事项"), ("先锋示范", "加分事项")):
        ws = book.sheet(sheet)
        ws.merge_range(0, 0, 0, 5, f"{town}{YEAR}年党员积分{sheet}记录", book.title)
        ws.write_row(1, 0, ["党员编号", "姓名", "所在支部", "日期", column, "备注"], book.head)
        for r, (i, day, item) in enumerate(logs[sheet].itertuples(index=False), start=2):
            ws.write_row(r, 0, [ids[i], names[i], branches[i]], book.left)
            ws.write_datetime(r, 3, day.to_pydatetime(), book.iso)
            ws.write_row(r, 4, [item, ""], book.left)
    ws = book.sheet("民主评议")
    ws.merge_range(0, 0, 0, 3, f"{town}{YEAR}年度民主评议党员结果", book.title)
    ws.write_row(1, 0, ["党员编号", "姓名", "所在支部", "评议结果"], book.head)
    for r, (i, result) in enumerate(logs["民主评议"].itertuples(index=False), start=2):
        ws.write_row(r, 0, [ids[i], names[i], branches[i], result], book.left)
    book.close()


def write_town(task: tuple[Path, str, pd.DataFrame, list[str], int, int]) -> int:
    out, town, people, own_roster, seed, t = task
    rng = np.random.default_rng([seed, 2, t])
    write_town_roster(out / f"{town}党员名册.xlsx", town, people[~people["branch"].isin(own_roster)])
    logs = town_logs(rng, people)
    write_town_logs(out / f"{town}{YEAR}年党员积分记录.xlsx", town, people, logs)
    return len(people)


# ----------------------------------------------------------------------------------------------

def generate(data: Path, scale: float, *, seed: int = 2024, workers: int = 2) -> Path:
    """The city's folder, written unless it is already complete; returns its path."""
    folder = city_dir(data, scale, seed)
    if (folder / "city.json").exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)  # an unfinished one
    workbooks = folder / "workbooks"
    workbooks.mkdir(parents=True)
    started = time.perf_counter()
    branches, members = plan(scale, seed)
    tasks: list[Any] = [(workbooks, br, members.iloc[br.first: br.first + br.size], seed)
                        for br in branches]
    towns = sorted({br.town for br in branches}, key=[br.town for br in branches].index)
    own = [br.name for br in branches if br.shape == "own_roster"]
    town_tasks = [(workbooks, town, members[members["town"] == town], own, seed, t)
                  for t, town in enumerate(towns)]
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            records = sum(pool.imap_unordered(write_branch, tasks, chunksize=8))
            pool.map(write_town, town_tasks)
    else:
        records = sum(map(write_branch, tasks))
        for task in town_tasks:
            write_town(task)
    info = {"scale": scale, "seed": seed, "version": VERSION, "branches": len(branches),
            "towns": len(towns), "members": len(members), "attendance_records": int(records),
            "files": len(list(workbooks.glob("*.xlsx"))),
            "bytes": sum(p.stat().st_size for p in workbooks.glob("*.xlsx")),
            "shapes": {s: sum(br.shape == s for br in branches) for s in SHAPES},
            "categories": members["category"].value_counts().to_dict(),
            "seconds": round(time.perf_counter() - started, 1)}
    (folder / "city.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=0.125)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = generate(args.out, args.scale, seed=args.seed, workers=args.workers)
    print(json.loads((folder / "city.json").read_text(encoding="utf-8")))


if __name__ == "__main__":
    main()
