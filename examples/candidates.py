"""Pick development candidates on points: the merit list each branch sends up.

    python examples/candidates.py [FOLDER] [-n 1] [-r RULES]

Every 发展对象 and 入党积极分子, best first, per branch; at most ``-n`` recommended per branch
from the top band (优先发展 in the default rules). Whoever is not recommended gets the reason:
below the line, over the number, tied at the last place, or a record that bars the top band.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import points

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default=HERE / "workbooks", type=Path)
    parser.add_argument("-n", type=int, default=1, help="每个支部最多推荐几人（默认 1）")
    parser.add_argument("-r", "--rules", default=None, help="规则文件或内置规则名")
    args = parser.parse_args()

    rules = points.load_ruleset(args.rules) if args.rules else points.default_ruleset()
    result = points.assess(points.read_workbooks(sorted(args.folder.glob("*.xlsx")), rules), rules)
    merit = points.select_candidates(result, n=args.n)
    print(f"{rules.title}，{result.year}年度：{len(merit)} 名发展对象、入党积极分子，"
          f"推荐 {int(merit['selected'].sum())} 人（每个支部至多 {args.n} 人）")
    for branch, rows in merit.groupby("branch", sort=True):
        print(f"\n【{branch}】")
        for row in rows.itertuples():
            mark = f"推荐第 {row.place} 名" if row.selected else f"不推荐：{row.reason}"
            print(f"  {row.rank}. {row.name}（{row.category}）{row.total:.1f} 分 {row.band}  {mark}")


if __name__ == "__main__":
    main()
