"""Generate the example year: a small town's 2024 workbooks, as its branches really keep them.

    python examples/make_example_year.py [OUT_DIR]

Writes ``examples/workbooks/`` (the files are committed; the output is byte-identical on every
run, and a test checks that the committed files are what this script writes).

河西镇 (a made-up town) has five branches and 152 members of every category. Each branch keeps
its sign-in sheets its own way, so together they show every sheet shape ``points`` reads:

============================== ================================================================
河西镇党员名册.xlsx             the town roster (four branches): merged title, 党员编号, personal
                               columns (联系电话, 身份证号) that are never read
河西镇机关党支部2024年签到表     one matrix sheet per activity; Excel dates in the header; 党员编号
                               column; 合计 column; a notes row; 支委会 for the committee only
河西社区党支部2024年签到表       one sheet per quarter; a two-row header (activity row merged over
                               its dates, dates as text ``3月15日``); names only, some with stray
                               or full-width spaces; 出勤率 column; marks 到 / 假 / 缺 / 线上 / 送学
红旗村党支部2024年签到表         one sheet per month; date and activity in one header cell
                               (``3月15日主题党日``); names only; mostly 流动党员 (线上)
新华村党支部2024年签到记录       the list form: one row per person and meeting, aliases such as
                               ``支部大会`` and ``主题党日活动``, text and Excel dates mixed
河西镇中心学校党支部2024年       its own roster sheet, matrices named by activity with text dates
                               (``2024/3/15``), a 填表说明 sheet
河西镇2024年党员积分记录         the town's logs: 负面清单, 先锋示范, 民主评议
============================== ================================================================

Planted, so that the review workbook has something to show:

- data issues: a transfer-in not yet on the roster (unknown_member), a mark nobody defined
  (``出差``, unknown_mark), a header date ``3.1`` that could be 1 or 10 March (bad_date), a row
  dated 2023 (history: noticed, not scored), a row entered twice (duplicate_record) and one entered twice with
  different marks (conflicting_records), an activity the rules do not know (``读书分享会``), a
  name without 党员编号 shared by two members of one branch (ambiguous_name), a negative-list
  item the rules do not know, a category the rules do not know, a member with no appraisal
  result, a development candidate with one (appraisal_not_applicable), a free-text sheet;
- review flags: a member who stopped coming in July (six months), one who has not paid dues
  for six months, a disciplinary sanction, probationary members to extend, members who are
  often on leave or absent without leave, a branch with more 优秀 scores than its quota, and a
  member with no record all year.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

YEAR = 2024
HERE = Path(__file__).parent
CREATED = dt.datetime(YEAR, 12, 31)
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
            "杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉海林波宁浩凯"
         "鹏飞德清云琴俊峰成春燕雪梅慧")

#: name → (id prefix, size, category counts); the roster order is the category order.
BRANCHES: dict[str, tuple[str, dict[str, int]]] = {
    "河西镇机关党支部": ("JG", {"在职党员": 26, "预备党员": 3, "发展对象": 2, "入党积极分子": 3}),
    "河西社区党支部": ("SQ", {"在职党员": 4, "离退休党员": 14, "年老体弱党员": 6, "流动党员": 1,
                        "预备党员": 1, "入党积极分子": 2}),
    "红旗村党支部": ("HQ", {"在职党员": 14, "流动党员": 12, "年老体弱党员": 3, "离退休党员": 3,
                      "预备党员": 2, "发展对象": 1, "入党积极分子": 1}),
    "新华村党支部": ("XH", {"在职党员": 16, "离退休党员": 5, "流动党员": 4, "年老体弱党员": 2,
                      "预备党员": 1, "发展对象": 1, "入党积极分子": 1}),
    "河西镇中心学校党支部": ("XX", {"在职党员": 18, "离退休党员": 2, "预备党员": 2, "发展对象": 2}),
}
#: activity → (months, day of month); every branch meets on its own days (offset below).
SCHEDULE: dict[str, tuple[list[int], int]] = {
    "党小组会": (list(range(1, 13)), 5),
    "主题党日": (list(range(1, 13)), 15),
    "支部党员大会": ([3, 6, 9, 12], 20),
    "党课": ([4, 7, 11], 25),
    "集中学习": ([2, 5, 8, 10], 10),
    "组织生活会": ([1], 18),
}
STATUSES = np.array(["present", "late", "online", "makeup", "leave", "absent", "blank"])


# ----------------------------------------------------------------------------------------
# The year as tables: members, meetings, marks, logs
# ----------------------------------------------------------------------------------------

def _members(rng: np.random.Generator) -> pd.DataFrame:
    pool = [s + g1 + g2 for s in SURNAMES for g1 in GIVEN for g2 in GIVEN if g1 != g2]
    picks = rng.choice(len(pool), size=200, replace=False)
    names = iter(pool[i] for i in picks)
    rows = []
    for branch, (prefix, counts) in BRANCHES.items():
        n = 0
        for category, count in counts.items():
            for _ in range(count):
                n += 1
                joined = dt.date(int(rng.integers(1975, 2022)), int(rng.integers(1, 13)), 1)
                if category == "预备党员":
                    joined = dt.date(2023, int(rng.integers(6, 12)), 1)
                elif category in ("发展对象", "入党积极分子"):
                    joined = None
                rows.append({"member_id": f"{prefix}{n:03d}", "name": next(names), "branch": branch,
                             "category": category, "joined": joined,
                             "phone": f"13{rng.integers(0, 10**9):09d}",
                             "id_card": f"510181{rng.integers(1950, 2000)}{rng.integers(0, 10**8):08d}"})
    members = pd.DataFrame(rows)
    # planted: two 王芳 in 新华村 (both on the roster with their own 党员编号)
    members.loc[members["member_id"].isin(["XH003", "XH009"]), "name"] = "王芳"
    # planted: a category the default rules do not know
    members.loc[members["member_id"] == "HQ036", "category"] = "入党申请人"
    return members


def _meetings(branch_index: int) -> pd.DataFrame:
    rows = []
    for activity, (months, day) in SCHEDULE.items():
        for month in months:
            rows.append((activity, dt.date(YEAR, month, min(day + branch_index, 28))))
    return pd.DataFrame(rows, columns=["activity", "date"]).sort_values(["date", "activity"],
                                                                        ignore_index=True)


def _marks(rng: np.random.Generator, members: pd.DataFrame) -> pd.DataFrame:
    """One status per member and meeting of their branch, from how reliable each member is."""
    parts = []
    for b, branch in enumerate(BRANCHES):
        people = members[members["branch"] == branch]
        meetings = _meetings(b)
        grid = people[["member_id", "category"]].merge(meetings, how="cross")
        reliability = pd.Series(rng.choice([0.99, 0.95, 0.9, 0.8], size=len(people),
                                           p=[0.45, 0.3, 0.17, 0.08]), index=people["member_id"])
        p = grid["member_id"].map(reliability).to_numpy()
        away = grid["category"].isin(["流动党员", "年老体弱党员"]).to_numpy()
        r = rng.random(len(grid))
        came = r < p
        late = rng.random(len(grid)) < 0.04
        status = np.where(came, np.where(late, "late", "present"),
                          np.where(r < p + (1 - p) * 0.7, "leave",
                                   np.where(away, "online",
                                            np.where(rng.random(len(grid)) < 0.3, "makeup",
                                                     np.where(rng.random(len(grid)) < 0.5,
                                                              "absent", "blank")))))
        # flowing members mostly join online
        status = np.where(away & (rng.random(len(grid)) < 0.6) & (status == "present"), "online",
                          status)
        parts.append(grid.assign(status=status, branch=branch))
    marks = pd.concat(parts, ignore_index=True)
    month = marks["date"].map(lambda d: d.month)

    def plant(member: str, status: str, months: range | list[int],
              activities: tuple[str, ...] | None = None) -> None:
        at = (marks["member_id"] == member) & month.isin(list(months))
        if activities:
            at &= marks["activity"].isin(activities)
        marks.loc[at, "status"] = status

    plant("JG007", "blank", range(7, 13))          # stopped coming in July: six months
    plant("JG028", "absent", range(1, 13), ("党小组会",))  # a probationary member who skips
    plant("JG028", "leave", range(3, 13), ("主题党日",))
    plant("SQ010", "leave", range(1, 7))           # on leave half the year
    plant("SQ012", "absent", [4, 5, 6])           # three months away without leave
    plant("HQ004", "absent", [2, 3, 9, 10])
    plant("HQ031", "absent", range(1, 13))        # a retired member who never comes
    for member in ("XX001", "XX002", "XX003", "XX004", "XX005", "XX006", "XX007", "XX008",
                   "XX009", "XX010"):
        plant(member, "present", range(1, 13))    # the school's model teachers
    marks = marks[marks["member_id"] != "XH012"]  # the list has no rows for them
    # 支委会: the committee (first five of 机关) meets monthly; points 0, but absences count
    committee = members[members["member_id"].isin([f"JG{i:03d}" for i in range(1, 6)])]
    days = pd.DataFrame({"activity": "支委会", "date": [dt.date(YEAR, m, 2) for m in range(1, 13)]})
    extra = committee[["member_id", "category", "branch"]].merge(days, how="cross")
    extra["status"] = np.where(rng.random(len(extra)) < 0.92, "present", "leave")
    return pd.concat([marks, extra], ignore_index=True)


def _logs(members: pd.DataFrame) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]],
                                          list[tuple[Any, ...]]]:
    d = dt.date
    negatives: list[tuple[Any, ...]] = [
        *[("XH005", d(YEAR, m, 28), "未按时交纳党费") for m in range(3, 9)],  # six months unpaid
        ("JG011", d(YEAR, 4, 28), "未按时交纳党费"),
        ("JG020", d(YEAR, 6, 12), "不完成组织分配任务"),
        ("SQ003", d(YEAR, 10, 9), "不完成组织分配任务"),
        ("HQ008", d(YEAR, 8, 16), "受到党纪政务处分"),
        ("HQ015", d(YEAR, 5, 7), "未按时交纳党费"),
        ("HQ015", d(YEAR, 6, 7), "未按时交纳党费"),
        ("XX014", d(YEAR, 11, 3), "开会玩手机"),  # planted: not on the default negative list
        ("JG032", d(YEAR, 9, 20), "违反廉洁自律规定"),  # an activist (入党积极分子)
    ]
    bonuses: list[tuple[Any, ...]] = []
    volunteers = {"JG001": 6, "JG002": 4, "JG003": 3, "JG014": 2, "SQ001": 8, "SQ002": 5,
                  "SQ020": 3, "HQ001": 7, "HQ002": 4, "XH001": 6, "XH002": 3, "JG031": 10,
                  "XX023": 10, "JG027": 9, "JG029": 10, "SQ026": 10, "XX021": 9, "XX022": 10, "HQ034": 10,
                  "XH028": 4, "JG030": 10, "JG032": 12, "XX024": 8, "HQ035": 10,
                  "SQ027": 6, "XH029": 11, "XH030": 9, **{f"XX{i:03d}": 8 + i % 3 for i in range(1, 11)}}
    for i, (member, times) in enumerate(volunteers.items()):
        for k in range(times):
            bonuses.append((member, d(YEAR, 1 + (k * 5 + i) % 12, 6 + (k * 3 + i) % 20), "志愿服务"))
    bonuses += [("JG001", d(YEAR, 7, 1), "讲党课"), ("XX001", d(YEAR, 6, 20), "讲党课"),
                ("XX002", d(YEAR, 9, 10), "表彰（县级）"), ("XX003", d(YEAR, 9, 10), "县级表彰"),
                ("XX004", d(YEAR, 12, 1), "表彰（市级）"), ("HQ001", d(YEAR, 5, 5), "结对帮扶"),
                ("SQ001", d(YEAR, 6, 30), "表彰（县级）"), ("XX005", d(YEAR, 10, 1), "结对帮扶"),
                ("XX006", d(YEAR, 12, 1), "县级表彰"), ("XX007", d(YEAR, 11, 12), "讲党课"),
                ("XX008", d(YEAR, 5, 20), "结对帮扶"), ("XX009", d(YEAR, 7, 1), "表彰（县级）"),
                ("XX010", d(YEAR, 4, 8), "讲党课"), ("JG002", d(YEAR, 8, 15), "结对帮扶"),
                ("XH001", d(YEAR, 10, 12), "讲党课"), ("JG030", d(YEAR, 6, 18), "结对帮扶"),
                ("JG031", d(YEAR, 9, 3), "结对帮扶"), ("XX023", d(YEAR, 5, 9), "结对帮扶"),
                ("HQ035", d(YEAR, 8, 8), "结对帮扶"), ("XH029", d(YEAR, 11, 1), "结对帮扶"),
                ("XX023", d(YEAR, 12, 1), "县级表彰"), ("HQ035", d(YEAR, 12, 1), "县级表彰"),
                ("XH029", d(YEAR, 12, 1), "县级表彰"), ("XH030", d(YEAR, 12, 1), "县级表彰")]
    appraisals = []
    eligible = members[~members["category"].isin(["发展对象", "入党积极分子"])]
    for row in eligible.itertuples():
        if row.member_id in ("HQ012", "XH012"):  # planted: no result; XH012 moved away
            continue
        result = "合格"
        if row.member_id in ("JG001", "JG002", "SQ001", "HQ001", "XH001", "XX001", "XX002",
                             "XX003", "XX004", "XX005", "XX006", "XX007", "XX008", "XX009",
                             "XX010", "JG029", "XX021", "XX022", "HQ034", "SQ026"):
            result = "优秀"
        elif row.member_id in ("JG007", "HQ031", "XH005"):
            result = "基本合格"
        elif row.member_id == "HQ008":
            result = "不合格"
        appraisals.append((row.member_id, result))
    appraisals.append(("JG031", "合格"))  # planted: a development candidate has no appraisal
    return negatives, bonuses, appraisals


# ----------------------------------------------------------------------------------------
# Writing: one function per sheet shape
# ----------------------------------------------------------------------------------------

class Book:
    """An XlsxWriter workbook with the formats every example uses; reproducible bytes."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(path)
        self.book.set_properties({"created": CREATED, "author": "河西镇党委组织办"})
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        self.head = add({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                         "text_wrap": True, "bg_color": "#F2F2F2"})
        self.day = add({"bold": True, "border": 1, "align": "center", "num_format": "m月d日",
                        "bg_color": "#F2F2F2"})
        self.cell = add({"border": 1, "align": "center"})
        self.left = add({"border": 1})
        self.iso = add({"border": 1, "num_format": "yyyy-mm-dd"})
        self.note = add({"italic": True, "font_color": "#595959"})

    def sheet(self, name: str, widths: dict[int, float] | None = None) -> Any:
        ws = self.book.add_worksheet(name)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        for col, width in (widths or {}).items():
            ws.set_column(col, col, width)
        return ws

    def close(self) -> None:
        self.book.close()


MARKS = {  # the marks each branch writes
    "机关": {"present": "√", "late": "迟到", "online": "线上", "makeup": "补学", "leave": "请假",
           "absent": "×", "blank": ""},
    "社区": {"present": "到", "late": "迟", "online": "送学", "makeup": "补学", "leave": "假",
           "absent": "缺", "blank": ""},
    "红旗": {"present": "√", "late": "迟到", "online": "线上", "makeup": "补学", "leave": "请假",
           "absent": "", "blank": ""},
    "新华": {"present": "出席", "late": "迟到", "online": "线上", "makeup": "补学", "leave": "请假",
           "absent": "缺席", "blank": "未到"},
    "学校": {"present": "✓", "late": "迟到", "online": "线上", "makeup": "补学", "leave": "请假",
           "absent": "×", "blank": ""},
}
NOTE = "注：{present} 出席，{late} 迟到，{online} 线上，{makeup} 补学，{leave} 请假，{absent} 缺席"


def _note(marks: dict[str, str]) -> str:
    return NOTE.format(**{k: v or "空白" for k, v in marks.items()})


def write_roster(path: Path, members: pd.DataFrame) -> None:
    book = Book(path)
    ws = book.sheet("党员名册", {0: 5, 1: 9, 2: 9, 3: 20, 4: 13, 5: 15, 6: 10, 7: 13, 8: 20})
    header = ["序号", "党员编号", "姓名", "所在支部", "党员类别", "入党（转入）日期", "转出日期",
              "联系电话", "身份证号"]
    ws.merge_range(0, 0, 0, len(header) - 1, f"河西镇党员名册（{YEAR}年）", book.title)
    ws.write_row(1, 0, header, book.head)
    for i, m in enumerate(members.itertuples(), start=2):
        ws.write_row(i, 0, [i - 1, m.member_id, m.name, m.branch, m.category], book.left)
        if m.joined is not None:
            ws.write_datetime(i, 5, dt.datetime.combine(m.joined, dt.time()), book.iso)
        else:
            ws.write_blank(i, 5, None, book.left)
        ws.write_row(i, 6, ["", m.phone, m.id_card], book.left)
    ws.repeat_rows(1)
    book.close()


def write_jiguan(path: Path, branch: str, people: pd.DataFrame, marks: pd.DataFrame) -> None:
    """One sheet per activity, Excel dates in the header, a 党员编号 column, 合计, notes."""
    symbols = MARKS["机关"]
    book = Book(path)
    for activity in [*SCHEDULE, "支委会"]:
        rows = marks[marks["activity"] == activity]
        dates = sorted(rows["date"].unique())
        who = people[people["member_id"].isin(rows["member_id"])]
        ws = book.sheet(activity, {0: 5, 1: 9, 2: 9})
        last = 3 + len(dates)
        ws.merge_range(0, 0, 0, last, f"{branch}{YEAR}年{activity}签到表", book.title)
        ws.write_row(1, 0, ["序号", "姓名", "党员编号"], book.head)
        for j, day in enumerate(dates):
            ws.write_datetime(1, 3 + j, dt.datetime.combine(day, dt.time()), book.day)
        ws.write(1, last, "合计", book.head)
        table = rows.pivot(index="member_id", columns="date", values="status")
        for i, m in enumerate(who.itertuples(), start=2):
            cells = [symbols[s] for s in table.loc[m.member_id, dates]]
            came = sum(s in ("present", "late", "online", "makeup") for s in table.loc[m.member_id, dates])
            ws.write_row(i, 0, [i - 1, m.name, m.member_id, *cells, came], book.cell)
        ws.write(len(who) + 3, 0, _note(symbols), book.note)
    book.close()


def write_shequ(path: Path, branch: str, people: pd.DataFrame, marks: pd.DataFrame) -> None:
    """One sheet per quarter; activity row merged over text dates; names only; 出勤率."""
    symbols = MARKS["社区"]
    book = Book(path)
    spaced = {people["name"].iloc[3]: people["name"].iloc[3][0] + "\u3000" + people["name"].iloc[3][1:],
              people["name"].iloc[8]: people["name"].iloc[8] + " ",
              people["name"].iloc[15]: " ".join(people["name"].iloc[15])}
    for q, label in enumerate(["第一季度", "第二季度", "第三季度", "第四季度"]):
        rows = marks[marks["date"].map(lambda d, q=q: (d.month - 1) // 3 == q)]
        meetings = rows[["activity", "date"]].drop_duplicates().sort_values(["activity", "date"])
        ws = book.sheet(label, {0: 5, 1: 10})
        last = 2 + len(meetings)
        ws.merge_range(0, 0, 0, last, f"{branch}{YEAR}年{label}组织生活签到表", book.title)
        ws.merge_range(1, 0, 2, 0, "序号", book.head)
        ws.merge_range(1, 1, 2, 1, "姓名", book.head)
        col = 2
        for activity, group in meetings.groupby("activity", sort=False):
            if len(group) > 1:
                ws.merge_range(1, col, 1, col + len(group) - 1, activity, book.head)
            else:
                ws.write(1, col, activity, book.head)
            for j, day in enumerate(group["date"]):
                ws.write(2, col + j, f"{day.month}月{day.day}日", book.head)
            col += len(group)
        ws.merge_range(1, last, 2, last, "出勤率", book.head)
        ws.set_row(1, 30)
        table = rows.pivot(index="member_id", columns=["activity", "date"], values="status")
        keys = list(meetings.itertuples(index=False, name=None))
        for i, m in enumerate(people.itertuples(), start=3):
            statuses = [table.loc[m.member_id, key] for key in keys]
            share = sum(s in ("present", "late", "online", "makeup") for s in statuses) / len(keys)
            ws.write_row(i, 0, [i - 2, spaced.get(m.name, m.name), *[symbols[s] for s in statuses],
                                f"{share:.0%}"], book.cell)
        ws.write(len(people) + 4, 0, _note(symbols), book.note)
        ws.write(len(people) + 5, 0, "填表人：社区党支部书记", book.note)
    book.close()


def write_hongqi(path: Path, branch: str, people: pd.DataFrame, marks: pd.DataFrame) -> None:
    """One sheet per month; date and activity in one header cell; names only."""
    symbols = MARKS["红旗"]
    book = Book(path)
    stranger = "龙海波"  # planted: transferred in, not yet on the roster
    for month in range(1, 13):
        rows = marks[marks["date"].map(lambda d, month=month: d.month == month)]
        meetings = rows[["date", "activity"]].drop_duplicates().sort_values(["date", "activity"])
        ws = book.sheet(f"{month}月", {0: 5, 1: 10})
        last = 2 + len(meetings)
        ws.merge_range(0, 0, 0, last, f"{branch}{YEAR}年{month}月签到表", book.title)
        ws.write_row(1, 0, ["序号", "姓名"], book.head)
        for j, (day, activity) in enumerate(meetings.itertuples(index=False, name=None)):
            ws.write(1, 2 + j, f"{day.month}月{day.day}日{activity}", book.head)
        ws.write(1, last, "备注", book.head)
        ws.set_row(1, 32)
        ws.set_column(2, last - 1, 11)
        table = rows.pivot(index="member_id", columns=["date", "activity"], values="status")
        keys = list(meetings.itertuples(index=False, name=None))
        i = 2
        for m in people.itertuples():
            cells = [symbols[table.loc[m.member_id, key]] for key in keys]
            note = "外出务工" if m.category == "流动党员" else ""
            if m.member_id == "HQ010" and month == 6:
                cells[0], note = "出差", "出差"  # planted: a mark nobody defined
            ws.write_row(i, 0, [i - 1, m.name, *cells, note], book.cell)
            i += 1
        if month >= 9:
            ws.write_row(i, 0, [i - 1, stranger, *["√"] * len(keys), "9月转入"], book.cell)
            i += 1
        ws.write(i + 1, 0, _note(symbols), book.note)
    book.close()


def write_xinhua(path: Path, branch: str, people: pd.DataFrame, marks: pd.DataFrame) -> None:
    """The list form: one row per person and meeting; aliases; text and Excel dates."""
    symbols = MARKS["新华"]
    alias = {"支部党员大会": "支部大会", "主题党日": "主题党日活动", "集中学习": "集中学习",
             "党小组会": "党小组会", "党课": "党课", "组织生活会": "组织生活会"}
    book = Book(path)
    ws = book.sheet("签到记录", {0: 6, 1: 9, 2: 9, 3: 12, 4: 14, 5: 10, 6: 14})
    ws.merge_range(0, 0, 0, 6, f"{branch}{YEAR}年组织生活签到记录", book.title)
    ws.write_row(1, 0, ["序号", "党员编号", "姓名", "日期", "活动名称", "签到情况", "备注"], book.head)
    rows = marks.merge(people[["member_id", "name"]], on="member_id").sort_values(
        ["date", "activity", "member_id"], ignore_index=True)
    entries = [[r.member_id, r.name, r.date, alias[r.activity], symbols[r.status], ""]
               for r in rows.itertuples()]
    # planted rows
    entries += [
        list(entries[40]),                                               # entered twice
        [*entries[41][:4], "缺席" if entries[41][4] != "缺席" else "出席", "补录"],  # twice, differently
        ["XH002", people.set_index("member_id").loc["XH002", "name"], dt.date(YEAR - 1, 12, 28),
         "主题党日活动", "出席", "上年度补录"],                           # dated 2023
        ["XH004", people.set_index("member_id").loc["XH004", "name"], dt.date(YEAR, 4, 23),
         "读书分享会", "出席", ""],                                       # not in the rules
        ["", "王芳", dt.date(YEAR, 7, 1), "支部大会", "出席", "七一补开"],    # two 王芳, no id
    ]
    for i, (member, name, day, activity, mark, note) in enumerate(entries, start=2):
        ws.write(i, 0, i - 1, book.cell)
        ws.write_row(i, 1, [member, name], book.left)
        if i % 3:  # as typed: some as Excel dates, some as text
            ws.write_datetime(i, 3, dt.datetime.combine(day, dt.time()), book.iso)
        else:
            ws.write_string(i, 3, f"{day.year}/{day.month}/{day.day}", book.left)
        ws.write_row(i, 4, [activity, mark, note], book.left)
    ws.autofilter(1, 0, len(entries) + 1, 6)
    ws.freeze_panes(2, 0)
    book.close()


def write_xuexiao(path: Path, branch: str, people: pd.DataFrame, marks: pd.DataFrame) -> None:
    """Own roster sheet; matrices named by activity with text dates; a 填表说明 sheet."""
    symbols = MARKS["学校"]
    book = Book(path)
    ws = book.sheet("填表说明", {0: 80})
    ws.write(0, 0, "填表说明", book.title)
    ws.write(1, 0, "1. 每次活动后当天填写签到情况：✓ 出席，请假，× 缺席，迟到，线上，补学。")
    ws.write(2, 0, "2. 日期写作 2024/3/15，活动类型以工作表名称为准。")
    ws = book.sheet("党员名册", {0: 5, 1: 9, 2: 9, 3: 6, 4: 22, 5: 12, 6: 14})
    ws.write_row(0, 0, ["序号", "党员编号", "姓名", "性别", "所在支部", "党员类别", "入党日期"],
                 book.head)
    for i, m in enumerate(people.itertuples(), start=1):
        ws.write_row(i, 0, [i, m.member_id, m.name, "女" if i % 2 else "男", m.branch, m.category],
                     book.left)
        if m.joined is not None:
            ws.write_datetime(i, 6, dt.datetime.combine(m.joined, dt.time()), book.iso)
    for activity in SCHEDULE:
        rows = marks[marks["activity"] == activity]
        dates = sorted(rows["date"].unique())
        sheet_name = activity if activity != "支部党员大会" else "支部大会"
        ws = book.sheet(sheet_name, {0: 5, 1: 9, 2: 9})
        ws.write_row(0, 0, ["序号", "党员编号", "姓名"], book.head)
        for j, day in enumerate(dates):
            text = f"{day.year}/{day.month}/{day.day}"
            if activity == "主题党日" and day.month == 3:
                text = 3.1  # type: ignore[assignment]  # planted: typed as a number, 1 or 10 March?
            ws.write(0, 3 + j, text, book.head)
        ws.write(0, 3 + len(dates), "合计", book.head)
        table = rows.pivot(index="member_id", columns="date", values="status")
        for i, m in enumerate(people.itertuples(), start=1):
            statuses = list(table.loc[m.member_id, dates])
            cells = [symbols[s] for s in statuses]
            if i == 4 and activity == "党小组会":
                cells[0] = " ✓ "  # stray spaces
            if i == 6 and activity == "党小组会":
                cells[1] = "请　假"  # a full-width space
            came = sum(s in ("present", "late", "online", "makeup") for s in statuses)
            ws.write_row(i, 0, [i, m.member_id, m.name, *cells, came], book.cell)
    book.close()


def write_logs(path: Path, members: pd.DataFrame, negatives: list[tuple[Any, ...]],
               bonuses: list[tuple[Any, ...]], appraisals: list[tuple[Any, ...]]) -> None:
    book = Book(path)
    names = members.set_index("member_id")
    for sheet, column, log in (("负面清单", "扣分事项", negatives), ("先锋示范", "加分事项", bonuses)):
        ws = book.sheet(sheet, {0: 9, 1: 9, 2: 20, 3: 12, 4: 20, 5: 16})
        ws.merge_range(0, 0, 0, 5, f"河西镇{YEAR}年党员积分{sheet}记录", book.title)
        ws.write_row(1, 0, ["党员编号", "姓名", "所在支部", "日期", column, "备注"], book.head)
        for i, (member, day, item) in enumerate(sorted(log), start=2):
            ws.write_row(i, 0, [member, names.loc[member, "name"], names.loc[member, "branch"]],
                         book.left)
            ws.write_datetime(i, 3, dt.datetime.combine(day, dt.time()), book.iso)
            ws.write_row(i, 4, [item, ""], book.left)
    ws = book.sheet("民主评议", {0: 9, 1: 9, 2: 20, 3: 12})
    ws.merge_range(0, 0, 0, 3, f"河西镇{YEAR}年度民主评议党员结果", book.title)
    ws.write_row(1, 0, ["党员编号", "姓名", "所在支部", "评议结果"], book.head)
    for i, (member, result) in enumerate(appraisals, start=2):
        ws.write_row(i, 0, [member, names.loc[member, "name"], names.loc[member, "branch"], result],
                     book.left)
    book.close()


def main(out: Path = HERE / "workbooks") -> list[Path]:
    rng = np.random.default_rng(2024)
    members = _members(rng)
    marks = _marks(rng, members)
    negatives, bonuses, appraisals = _logs(members)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.xlsx"):
        old.unlink()
    jiguan, shequ, hongqi, xinhua, xuexiao = BRANCHES
    people = {b: members[members["branch"] == b] for b in BRANCHES}
    signed = {b: marks[marks["branch"] == b] for b in BRANCHES}
    written = [out / "河西镇党员名册.xlsx", out / f"{jiguan}{YEAR}年签到表.xlsx",
               out / f"{shequ}{YEAR}年签到表.xlsx", out / f"{hongqi}{YEAR}年签到表.xlsx",
               out / f"{xinhua}{YEAR}年签到记录.xlsx", out / f"{xuexiao}{YEAR}年.xlsx",
               out / f"河西镇{YEAR}年党员积分记录.xlsx"]
    write_roster(written[0], members[members["branch"] != xuexiao])  # the school keeps its own
    for path, branch, write in zip(written[1:6], BRANCHES,
                                   (write_jiguan, write_shequ, write_hongqi, write_xinhua,
                                    write_xuexiao), strict=True):
        write(path, branch, people[branch], signed[branch])
    write_logs(written[6], members, negatives, bonuses, appraisals)
    return written

if __name__ == "__main__":
    paths = main(Path(sys.argv[1])) if len(sys.argv) > 1 else main()
    print(f"已生成 {len(paths)} 个工作簿：{paths[0].parent}")
