"""Early warnings: score the year so far and list who needs a talk now, branch by branch.

    python examples/early_warnings.py [FOLDER] [--as-of 2024-09-30] [-r RULES]

Scores only the records up to ``--as-of`` (the end of the last month the sheets are filled in
for) and prints the review flags that can already be raised — months of absence in a row,
absences without leave, frequent leave, dues unpaid — with the evidence and the suggested
action, so that the branch can act before the year-end appraisal. Grade flags wait for the
whole year.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import points

HERE = Path(__file__).parent
SHOWN = 2  # evidence records printed per flag (the review workbook has them all)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default=HERE / "workbooks", type=Path)
    parser.add_argument("--as-of", default="2024-09-30", help="统计截止日（默认 2024-09-30）")
    parser.add_argument("-r", "--rules", default=None, help="规则文件或内置规则名")
    args = parser.parse_args()

    rules = points.load_ruleset(args.rules) if args.rules else points.default_ruleset()
    records = points.read_workbooks(sorted(args.folder.glob("*.xlsx")), rules)
    result = points.assess(records, rules, as_of=args.as_of)
    flags = result.flags
    print(f"截至 {result.as_of:%Y-%m-%d}：{len(result.totals)} 人中 {flags['member_id'].nunique()} 人"
          f"需要关注（{len(flags)} 条提示）")
    for branch, rows in flags.groupby("branch", sort=True):
        print(f"\n【{branch}】")
        for row in rows.itertuples():
            print(f"  {row.name}（{row.member_id}，{row.category}）{row.label} → {row.action}")
            summary, _, records = row.evidence.partition("：")
            shown = records.split("；")
            more = f"……等 {len(shown)} 条" if len(shown) > SHOWN else ""
            print(f"      {summary}：" + "；".join(shown[:SHOWN]) + more)


if __name__ == "__main__":
    main()
