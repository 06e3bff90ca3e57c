"""Each member's total under the default (都江堰) rules, the way an analyst would script it.

    python benchmarks/analyst_script.py FOLDER -o totals.xlsx [--year 2024]

The baseline of ``bench_city.py``: plain pandas, the kind of script a competent analyst writes
in an afternoon for the workbooks of their own city. Every sheet of every workbook is read with
``pandas.read_excel(sheet_name=None, header=None, engine="calamine")``; the sheet layouts the
city's branches keep (a matrix per activity, per quarter with an activity row over the dates,
per month with date and activity in one cell, the list form, rosters and the town logs) are
told apart by their header rows and melted into one long table; then the main lines of the
default rules are applied:

- credits per attendance: activity points × status factor (线上 / 补学 half, full for 流动 and
  年老体弱党员), capped per activity for the year; 日常表现 capped at 60;
- deductions: unexcused absence (blank cells count as absent) and late arrival per activity,
  none for absences of 流动 and 年老体弱党员; negative-list items; 受到党纪政务处分 zeroes the year;
- 民主评议 points (none for 发展对象 / 入党积极分子), 先锋示范 items with their caps (志愿服务
  10, the dimension 20);
- total = the four added up, at least 0; written as an xlsx (XlsxWriter, the fast writer).

It knows its own city's layouts and nothing more: no cell addresses, no report of unreadable
marks or unknown people (they are dropped), no ranks, grades or flags.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

# --- the default rules, copied by hand from dujiangyan.toml ----------------------------------
#            activity: (points, yearly cap, absence, late)
ACTIVITIES = {"支部党员大会": (5, 20, -3, -1), "党小组会": (2, 24, -3, -1), "党课": (5, 10, -3, -1),
              "主题党日": (2, 24, -2, -1), "组织生活会": (5, 5, -3, -1), "集中学习": (2, 12, -2, -1),
              "支委会": (0, 0, 0, -1)}
ALIASES = {"支部大会": "支部党员大会", "党员大会": "支部党员大会", "主题党日活动": "主题党日",
           "固定主题党日": "主题党日", "小组会": "党小组会", "学习": "集中学习", "集体学习": "集中学习"}
MARKS = {"√": "present", "✓": "present", "到": "present", "出席": "present", "迟到": "late",
         "迟": "late", "线上": "online", "送学": "online", "补学": "makeup", "请假": "leave",
         "假": "leave", "×": "absent", "缺": "absent", "缺席": "absent", "未到": "absent",
         "": "absent"}
FACTOR = {"present": 1.0, "late": 1.0, "online": 0.5, "makeup": 0.5, "leave": 0.0, "absent": 0.0}
AWAY = ["流动党员", "年老体弱党员"]          # online / makeup count in full; no absence deduction
CANDIDATES = ["发展对象", "入党积极分子"]    # no 民主评议
APPRAISAL = {"优秀": 20, "合格": 15, "基本合格": 10, "不合格": 0}
BONUS = {"志愿服务": (1, 10), "讲党课": (3, 999), "结对帮扶": (2, 999), "表彰（县级）": (5, 999),
         "县级表彰": (5, 999), "表彰（市级）": (8, 999), "市级表彰": (8, 999)}
NEGATIVE = {"未按时交纳党费": -2, "不完成组织分配任务": -3, "拒不完成组织分配任务": -10,
            "违反廉洁自律规定": -10, "受到党纪政务处分": 0}
ZERO_OUT = "受到党纪政务处分"
NOT_MEETINGS = {"序号", "姓名", "党员编号", "合计", "出勤率", "备注"}


def text(value: object) -> str:
    return "" if pd.isna(value) else re.sub(r"\s", "", str(value))


def parse_date(value: object, year: int) -> tuple[pd.Timestamp | None, str]:
    """A header cell → (date, the text after it); Excel dates, 2024/3/15, 3月15日."""
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value), ""
    s = text(value)
    m = re.match(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(.*)", s)
    if m:
        return pd.Timestamp(int(m[1]), int(m[2]), int(m[3])), m[4]
    m = re.match(r"(\d{1,2})月(\d{1,2})日(.*)", s)
    if m:
        return pd.Timestamp(year, int(m[1]), int(m[2])), m[3]
    return None, s


def header_row(df: pd.DataFrame) -> int | None:
    for r in range(min(5, len(df))):
        cells = {text(v) for v in df.iloc[r]}
        if "姓名" in cells or "党员编号" in cells:
            return r
    return None


def table(df: pd.DataFrame, h: int) -> pd.DataFrame:
    """The rows under header row ``h``, named by it."""
    body = df.iloc[h + 1:].copy()
    body.columns = [text(v) or f"col{i}" for i, v in enumerate(df.iloc[h])]
    return body


def numbered(body: pd.DataFrame) -> pd.DataFrame:
    """Data rows: the ones with a number in 序号 (drops notes, blank and totals rows)."""
    return body[pd.to_numeric(body["序号"], errors="coerce").notna()]


def matrix(df: pd.DataFrame, h: int, sheet: str, branch: str, year: int) -> pd.DataFrame:
    head = df.iloc[h]
    two_rows = pd.isna(df.iat[h + 1, 0])  # 序号 merged over two header rows: activities above dates
    activity_row = head.ffill()
    dates = df.iloc[h + 1] if two_rows else head
    columns = {}
    for c in df.columns:
        if text(head[c]) in NOT_MEETINGS or (pd.isna(head[c]) and not two_rows):
            continue
        day, rest = parse_date(dates[c], year)
        if day is None:
            continue
        activity = text(activity_row[c]) if two_rows else (rest or sheet)
        columns[c] = (day, ALIASES.get(activity, activity))
    body = df.iloc[h + (2 if two_rows else 1):]
    body = body[pd.to_numeric(body.iloc[:, 0], errors="coerce").notna()]
    labels = [text(v) for v in head]
    names = body.iloc[:, labels.index("姓名")].map(text).to_numpy()
    n, k = len(body), len(columns)
    ids = (body.iloc[:, labels.index("党员编号")].map(text).to_numpy() if "党员编号" in labels
           else np.full(n, "", dtype=object))
    days = np.array([day for day, _ in columns.values()], dtype="datetime64[ns]")
    return pd.DataFrame({"name": np.tile(names, k), "member_id": np.tile(ids, k),
                         "date": np.repeat(days, n),
                         "activity": np.repeat([a for _, a in columns.values()], n),
                         "mark": body[list(columns)].to_numpy().ravel(order="F"),  # meeting by meeting
                         "branch": branch})


def list_form(df: pd.DataFrame, h: int, branch: str, year: int) -> pd.DataFrame:
    body = numbered(table(df, h))
    dates = pd.to_datetime(body["日期"], errors="coerce", format="mixed")
    return pd.DataFrame({"name": body["姓名"].map(text), "member_id": body["党员编号"].map(text),
                         "date": dates, "activity": body["活动名称"].map(text).replace(ALIASES),
                         "mark": body["签到情况"], "branch": branch})


def read_folder(folder: Path, year: int) -> dict[str, pd.DataFrame]:
    rosters, attendance, negatives, bonuses, appraisals = [], [], [], [], []
    for path in sorted(folder.glob("*.xlsx")):
        branch = path.stem.split(f"{year}年")[0]
        for sheet, df in pd.read_excel(path, sheet_name=None, header=None, engine="calamine").items():
            h = header_row(df)
            if h is None:
                continue
            labels = {text(v) for v in df.iloc[h]}
            if "党员类别" in labels:
                rosters.append(table(df, h)[["党员编号", "姓名", "所在支部", "党员类别"]])
            elif "评议结果" in labels:
                appraisals.append(table(df, h)[["党员编号", "评议结果"]])
            elif "扣分事项" in labels:
                negatives.append(table(df, h)[["党员编号", "日期", "扣分事项"]].set_axis(
                    ["member_id", "date", "item"], axis=1))
            elif "加分事项" in labels:
                bonuses.append(table(df, h)[["党员编号", "日期", "加分事项"]].set_axis(
                    ["member_id", "date", "item"], axis=1))
            elif "签到情况" in labels:
                attendance.append(list_form(df, h, branch, year))
            else:
                attendance.append(matrix(df, h, sheet, branch, year))
    roster = pd.concat(rosters).set_axis(["member_id", "name", "branch", "category"], axis=1)
    return {"roster": roster.drop_duplicates("member_id"), "attendance": pd.concat(attendance),
            "negatives": pd.concat(negatives), "bonuses": pd.concat(bonuses),
            "appraisals": pd.concat(appraisals).set_axis(["member_id", "result"], axis=1)}


def match_people(att: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """党员编号 where the sheet has one, else the name within the branch; unknown people dropped."""
    by_name = roster.assign(name=roster["name"].map(text)).drop_duplicates(["branch", "name"], keep=False)
    looked_up = att.merge(by_name[["branch", "name", "member_id"]], on=["branch", "name"], how="left",
                          suffixes=("", "_by_name"))
    looked_up["member_id"] = looked_up["member_id"].where(looked_up["member_id"] != "",
                                                          looked_up["member_id_by_name"])
    known = looked_up["member_id"].isin(roster["member_id"])
    return looked_up.loc[known, ["member_id", "date", "activity", "mark"]]


def score(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    roster = tables["roster"].set_index("member_id")
    att = match_people(tables["attendance"], tables["roster"])
    att = att.drop_duplicates(["member_id", "date", "activity"])
    att["status"] = att["mark"].map(text).map(MARKS)
    att = att[att["status"].notna() & att["activity"].isin(list(ACTIVITIES))]
    att["category"] = att["member_id"].map(roster["category"])
    away = att["category"].isin(AWAY)
    factor = att["status"].map(FACTOR).where(~(away & att["status"].isin(["online", "makeup"])), 1.0)
    rules = pd.DataFrame(ACTIVITIES, index=["points", "cap", "absence", "late"]).T
    att = att.join(rules, on="activity")
    att["credit"] = att["points"] * factor
    att["deduction"] = (att["absence"].where((att["status"] == "absent") & ~away, 0)
                        + att["late"].where(att["status"] == "late", 0))
    per_activity = att.groupby(["member_id", "activity"]).agg(credit=("credit", "sum"),
                                                              deduction=("deduction", "sum"))
    per_activity["credit"] = per_activity["credit"].clip(
        upper=per_activity.index.get_level_values("activity").map(rules["cap"]).to_numpy())
    per_member = per_activity.groupby("member_id").sum()

    bonuses = tables["bonuses"].drop_duplicates()
    bonuses = bonuses[bonuses["item"].isin(list(BONUS))]
    items = pd.DataFrame(BONUS, index=["points", "cap"]).T
    bonus = bonuses.groupby(["member_id", "item"]).size().rename("n").reset_index().join(items, on="item")
    bonus["points"] = (bonus["n"] * bonus["points"]).clip(upper=bonus["cap"])
    negatives = tables["negatives"].drop_duplicates()
    negatives = negatives.assign(points=negatives["item"].map(NEGATIVE)).dropna(subset=["points"])

    totals = roster.reset_index()[["member_id", "name", "branch", "category"]]
    totals["participation"] = totals["member_id"].map(per_member["credit"]).fillna(0).clip(upper=60)
    appraisal = tables["appraisals"].drop_duplicates("member_id").set_index("member_id")["result"]
    totals["appraisal"] = totals["member_id"].map(appraisal).map(APPRAISAL).fillna(0).where(
        ~totals["category"].isin(CANDIDATES), 0)
    totals["vanguard"] = totals["member_id"].map(
        bonus.groupby("member_id")["points"].sum()).fillna(0).clip(upper=20)
    totals["deductions"] = (totals["member_id"].map(per_member["deduction"]).fillna(0)
                            + totals["member_id"].map(negatives.groupby("member_id")["points"].sum())
                            .fillna(0))
    total = totals[["participation", "appraisal", "vanguard", "deductions"]].sum(axis=1).clip(lower=0)
    zeroed = totals["member_id"].isin(negatives.loc[negatives["item"] == ZERO_OUT, "member_id"])
    totals["total"] = total.where(~zeroed, 0)
    return totals.sort_values(["branch", "total"], ascending=[True, False])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    totals = score(read_folder(args.folder, args.year))
    totals.to_excel(args.output, index=False, sheet_name="总分", engine="xlsxwriter")
    print(f"{len(totals):,} members, mean total {totals['total'].mean():.1f} → {args.output}")


if __name__ == "__main__":
    main()
