"""Score the example year with the default rules and print what a secretary needs to see.

    python examples/score_year.py [DATA_DIR] [-r RULES] [--out OUT_DIR]

Reads the CSV tables in ``examples/data/`` (until the workbook reader lands, the example
data are CSV), scores 2024 with the default ruleset (都江堰式分类积分), prints a summary in
Chinese, and writes the totals, the ledger and the data issues as CSV to ``OUT_DIR``
(``points-output`` by default).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import pandas as pd

import points

HERE = Path(__file__).parent


def read_tables(folder: Path) -> points.Records:
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)

    roster = read("党员名册").replace("", None)
    return points.Records.from_frames(
        roster=roster, attendance=read("签到表"), bonuses=read("先锋示范"),
        negatives=read("负面清单"), appraisals=read("民主评议"))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    frame.to_csv(tmp, index=False, encoding="utf-8-sig")  # utf-8-sig: Excel opens it in Chinese
    os.replace(tmp, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", default=HERE / "data", type=Path)
    parser.add_argument("-r", "--rules", default=None, help="规则文件（默认：都江堰式分类积分）")
    parser.add_argument("--out", default="points-output", type=Path)
    args = parser.parse_args()

    rules = points.load_ruleset(args.rules) if args.rules else points.default_ruleset()
    result = points.assess(read_tables(args.data), rules, year=2024)
    labels = result.dimension_labels
    totals = result.totals.rename(columns={**labels, "member_id": "党员编号", "name": "姓名",
                                           "branch": "支部", "category": "类别"})
    shown = ["党员编号", "姓名", "支部", "类别", *[d.label for d in rules.dimensions], "总积分"]
    print(f"规则：{rules.title}；年度：{result.year}；参评 {len(result.totals)} 人")
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.unicode.east_asian_width", True):
        print(totals[shown].sort_values("总积分", ascending=False).head(10).to_string(index=False))
    counts = result.flags["label"].value_counts()
    print(f"\n复核提示 {len(result.flags)} 条：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    for row in result.flags.head(5).itertuples():
        print(f"  {row.name}（{row.branch}）{row.label} → {row.action}")
    print(f"\n数据问题 {len(result.issues)} 条：")
    for row in result.issues.head(8).itertuples():
        print(f"  {row.source}  {row.message}")
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(totals, args.out / "汇总.csv")
    write_csv(result.ledger, args.out / "积分明细.csv")
    write_csv(result.issues, args.out / "数据问题.csv")
    write_csv(result.flags, args.out / "复核提示.csv")
    print(f"\n已写入 {args.out}/：汇总.csv、积分明细.csv、复核提示.csv、数据问题.csv")


if __name__ == "__main__":
    main()
