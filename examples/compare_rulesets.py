"""What-if: score the same year under two rulesets and list who changes grade, band or rank.

    python examples/compare_rulesets.py [BEFORE] [AFTER] [--folder FOLDER] [--out 对比.xlsx]

BEFORE and AFTER are ruleset files or shipped names (``points rules -r NAME`` prints one);
they default to ``dujiangyan`` (the default) and ``hongtong``. To try an edit of your own
rules, copy them (``points init 试算`` writes one to edit), change a value — say the points
an absence costs — and compare the two files. (``points compare`` does the same from the
command line; this script shows the DataFrame behind it.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import points

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", nargs="?", default="dujiangyan")
    parser.add_argument("after", nargs="?", default="hongtong")
    parser.add_argument("--folder", default=HERE / "workbooks", type=Path)
    parser.add_argument("--out", default=None, type=Path, help="把全部对比写成工作簿（.xlsx）")
    args = parser.parse_args()

    before, after = points.load_ruleset(args.before), points.load_ruleset(args.after)
    paths = sorted(args.folder.glob("*.xlsx"))
    a = points.assess(points.read_workbooks(paths, before), before)
    b = points.assess(points.read_workbooks(paths, after), after)
    diff = points.compare_assessments(a, b)

    print(f"{before.title} → {after.title}：{len(diff)} 人")
    print(f"  等次变化 {diff['grade_changed'].sum()} 人，档次变化 {diff['band_changed'].sum()} 人，"
          f"支部排名变化 {diff['rank_changed'].sum()} 人")
    rating = after.rating or before.rating  # 评星定级 ([rating]), e.g. 星级: named by its label
    if rating is not None:
        print(f"  {rating.label}变化 {diff['rating_changed'].sum()} 人")
    members = diff[diff["kind"] == "member"]
    moves = pd.crosstab(members["grade_before"].fillna("—"), members["grade_after"].fillna("—"))
    changed = diff[diff["grade_changed"] | diff["band_changed"]]
    shown = changed[["member_id", "name", "branch", "total_before", "total_after",
                     "grade_before", "grade_after", "band_before", "band_after"]].astype(object)
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 160,
                           "display.max_rows", 60):
        print("\n等次：原（行）→ 新（列）")
        print(moves.rename_axis(index=None, columns=None).to_string())
        print(f"\n等次或档次变化的 {len(changed)} 人：")
        print(shown.where(shown.notna(), "").to_string(index=False))
    if args.out:
        print(f"\n已写入：{points.write_comparison(diff, args.out, before=a, after=b)}")


if __name__ == "__main__":
    main()
