"""What-if: score the same year under two rulesets and list who changes grade, band or rank.

    python examples/compare_rulesets.py [BEFORE] [AFTER] [--folder FOLDER] [--out 对比.csv]

BEFORE and AFTER are ruleset files or shipped names (``points rules -r NAME`` prints one);
they default to ``dujiangyan`` (the default) and ``hongtong``. To try an edit of your own
rules, copy them (``points init 试算`` writes one to edit), change a value — say the points
an absence costs — and compare the two files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import points

HERE = Path(__file__).parent
HEADERS = {"member_id": "党员编号", "name": "姓名", "branch": "支部", "category": "类别",
           "total_before": "原总积分", "total_after": "新总积分", "total_change": "变化",
           "grade_before": "原等次", "grade_after": "新等次", "band_before": "原档次",
           "band_after": "新档次", "branch_rank_before": "原支部排名",
           "branch_rank_after": "新支部排名", "rank_change": "名次变化"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", nargs="?", default="dujiangyan")
    parser.add_argument("after", nargs="?", default="hongtong")
    parser.add_argument("--folder", default=HERE / "workbooks", type=Path)
    parser.add_argument("--out", default=None, type=Path, help="把全部对比写成 CSV（Excel 可打开）")
    args = parser.parse_args()

    before, after = points.load_ruleset(args.before), points.load_ruleset(args.after)
    paths = sorted(args.folder.glob("*.xlsx"))
    a = points.assess(points.read_workbooks(paths, before), before)
    b = points.assess(points.read_workbooks(paths, after), after)
    diff = points.compare_assessments(a, b)

    print(f"{before.title} → {after.title}：{len(diff)} 人")
    print(f"  等次变化 {diff['grade_changed'].sum()} 人，档次变化 {diff['band_changed'].sum()} 人，"
          f"支部排名变化 {diff['rank_changed'].sum()} 人")
    members = diff[diff["kind"] == "member"]
    moves = pd.crosstab(members["grade_before"].fillna("—"), members["grade_after"].fillna("—"))
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 160,
                           "display.max_rows", 60):
        print("\n等次：原（行）→ 新（列）")
        print(moves.rename_axis(index=None, columns=None).to_string())
        changed = diff[diff["grade_changed"] | diff["band_changed"]]
        shown = changed.rename(columns=HEADERS)[list(HEADERS.values())].astype(object)
        print(f"\n等次或档次变化的 {len(changed)} 人：")
        print(shown.where(shown.notna(), "").to_string(index=False))
    if args.out:
        diff.rename(columns=HEADERS).to_csv(args.out, index=False, encoding="utf-8-sig")
        print(f"\n已写入：{args.out}")


if __name__ == "__main__":
    main()
