"""Generate a synthetic year of canonical records for benchmarks (deterministic by seed).

    python benchmarks/generate.py --members 30000 --events 1000000

Produces :class:`points.Records` in memory; nothing is written unless ``--out`` names a folder,
where the tables are saved as Parquet-free CSV for inspection.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import points

CATEGORIES = ["在职党员", "在职党员", "在职党员", "离退休党员", "流动党员", "年老体弱党员",
              "预备党员", "发展对象", "入党积极分子"]
ACTIVITIES = ["支部党员大会", "党小组会", "党课", "主题党日", "组织生活会", "集中学习", "支委会"]
STATUSES = ["present"] * 14 + ["late", "online", "makeup", "leave", "leave", "absent", "blank"]
BONUS = ["志愿服务", "讲党课", "结对帮扶", "表彰（县级）"]
NEGATIVE = ["未按时交纳党费", "不完成组织分配任务", "违反廉洁自律规定"]


def generate(members: int, events: int, *, year: int = 2024, branch_size: int = 60,
             seed: int = 7) -> points.Records:
    rng = np.random.default_rng(seed)
    ids = pd.Series([f"M{i:06d}" for i in range(members)], dtype="string")
    roster = pd.DataFrame({
        "member_id": ids,
        "name": pd.Series([f"党员{i}" for i in range(members)], dtype="string"),
        "branch": pd.Series([f"第{i // branch_size + 1}支部" for i in range(members)],
                            dtype="string"),
        "category": pd.Series(rng.choice(CATEGORIES, members), dtype="string"),
    })
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    who = rng.integers(0, members, events)
    attendance = pd.DataFrame({
        "member_id": ids.to_numpy()[who],
        "date": days.to_numpy()[rng.integers(0, len(days), events)],
        "activity": rng.choice(ACTIVITIES, events),
        "status": rng.choice(STATUSES, events),
        "source": pd.Series(np.arange(events)).map("签到.xlsx!全年!B{}".format),
    })
    attendance = attendance.drop_duplicates(["member_id", "date", "activity"])
    n_logs = max(events // 50, 1)
    bonuses = pd.DataFrame({
        "member_id": ids.to_numpy()[rng.integers(0, members, n_logs)],
        "date": days.to_numpy()[rng.integers(0, len(days), n_logs)],
        "item": rng.choice(BONUS, n_logs),
    })
    negatives = pd.DataFrame({
        "member_id": ids.to_numpy()[rng.integers(0, members, n_logs // 4)],
        "date": days.to_numpy()[rng.integers(0, len(days), n_logs // 4)],
        "item": rng.choice(NEGATIVE, n_logs // 4),
    })
    appraisals = pd.DataFrame({
        "member_id": ids,
        "result": rng.choice(["优秀", "合格", "合格", "合格", "基本合格", "不合格"], members),
    })
    return points.Records.from_frames(roster=roster, attendance=attendance, bonuses=bonuses,
                                      negatives=negatives, appraisals=appraisals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=30_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", help="folder to write the tables to, as CSV")
    args = parser.parse_args()
    records = generate(args.members, args.events)
    if args.out:
        import pathlib

        out = pathlib.Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for table in ("roster", "attendance", "negatives", "bonuses", "appraisals"):
            getattr(records, table).to_csv(out / f"{table}.csv", index=False)
    print(f"{len(records.roster)} members, {len(records.attendance)} attendance events")


if __name__ == "__main__":
    main()
