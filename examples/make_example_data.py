"""Generate the example year in ``examples/data/`` (deterministic; the CSVs are committed).

    python examples/make_example_data.py

Two branches of a small town, every member category, a year of meetings, a few logs and
the appraisal results — plus planted problems (an unknown member, an unknown activity, a
date outside the year, a duplicated row, a member without appraisal) so that the data-issue
report has something to show.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).parent / "data"
MEETINGS = [  # (activity, months, day)
    ("支部党员大会", [3, 6, 9, 12], 10),
    ("党小组会", list(range(1, 13)), 5),
    ("主题党日", list(range(1, 13)), 15),
    ("党课", [4, 10], 20),
    ("组织生活会", [12], 25),
    ("集中学习", [2, 5, 8, 11], 12),
]
CATEGORIES = ["在职党员"] * 6 + ["离退休党员"] * 2 + ["流动党员", "年老体弱党员", "预备党员",
                                                       "发展对象", "入党积极分子"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def main() -> None:
    rng = np.random.default_rng(2024)
    members = []
    for b, branch in enumerate(["城关社区第一党支部", "城关社区第二党支部"]):
        for i, category in enumerate(CATEGORIES):
            n = b * 100 + i + 1
            members.append({
                "member_id": f"CG{n:04d}",
                "name": SURNAMES[(n * 7) % 20] + GIVEN[(n * 11) % 20] + GIVEN[(n * 3) % 20],
                "branch": branch,
                "category": category,
                "joined": "2024-05-01" if category == "预备党员" else "",
                "left": "",
                "phone": f"1390000{n:04d}",
                "id_card": f"51018119800101{n:04d}",
            })
    roster = pd.DataFrame(members)
    # how reliable each member is: most come, a few often miss
    reliability = {m["member_id"]: p for m, p in zip(
        members, rng.choice([0.95, 0.85, 0.6, 0.3], size=len(members), p=[0.5, 0.3, 0.15, 0.05]),
        strict=True)}
    rows = []
    for act, months, day in MEETINGS:
        for month in months:
            date = f"2024-{month:02d}-{day:02d}"
            for m in members:
                r = rng.random()
                p = reliability[m["member_id"]]
                if r < p:
                    status = "present" if rng.random() > 0.05 else "late"
                elif r < p + (1 - p) / 3:
                    status = "leave"
                elif m["category"] in ("流动党员", "年老体弱党员") and rng.random() < 0.7:
                    status = "online"
                else:
                    status = "absent" if rng.random() < 0.5 else "blank"
                rows.append((m["member_id"], date, act, status))
    attendance = pd.DataFrame(rows, columns=["member_id", "date", "activity", "status"])
    # planted problems
    extra = pd.DataFrame([
        ("CG9999", "2024-03-10", "支部党员大会", "present"),  # not on the roster
        ("CG0001", "2024-07-01", "读书分享会", "present"),    # unknown activity
        ("CG0002", "2023-12-15", "主题党日", "present"),       # outside the year
        tuple(attendance.iloc[5]),                              # duplicated row
    ], columns=attendance.columns)
    attendance = pd.concat([attendance, extra], ignore_index=True)
    attendance["source"] = [f"签到表.csv!A{i + 2}" for i in range(len(attendance))]
    bonuses = pd.DataFrame([
        ("CG0001", "2024-04-12", "志愿服务"), ("CG0001", "2024-05-12", "志愿服务"),
        ("CG0003", "2024-06-01", "讲党课"), ("CG0004", "2024-07-01", "表彰(县级)"),
        ("CG0102", "2024-08-01", "结对帮扶"), ("CG0112", "2024-09-01", "志愿服务"),
    ], columns=["member_id", "date", "item"])
    negatives = pd.DataFrame([
        ("CG0005", "2024-02-28", "未按时交纳党费"), ("CG0005", "2024-03-31", "未按时交纳党费"),
        ("CG0106", "2024-06-30", "不完成组织分配任务"), ("CG0107", "2024-10-08", "违反廉洁自律规定"),
    ], columns=["member_id", "date", "item"])
    graded = roster[~roster["category"].isin(["发展对象", "入党积极分子"])]
    appraisals = pd.DataFrame({
        "member_id": graded["member_id"],
        "result": rng.choice(["优秀", "合格", "合格", "合格", "基本合格"], size=len(graded)),
    }).iloc[:-1]  # the last member has no result: a data issue
    OUT.mkdir(exist_ok=True)
    for name, frame in [("党员名册", roster), ("签到表", attendance), ("先锋示范", bonuses),
                        ("负面清单", negatives), ("民主评议", appraisals)]:
        if "source" not in frame:
            frame = frame.assign(source=[f"{name}.csv!A{i + 2}" for i in range(len(frame))])
        frame.to_csv(OUT / f"{name}.csv", index=False)
    print(f"wrote {len(roster)} members and {len(attendance)} attendance records to {OUT}")


if __name__ == "__main__":
    main()
