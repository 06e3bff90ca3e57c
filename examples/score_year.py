"""Score a year: read every workbook in a folder, write the review workbook and the 公示 list.

    python examples/score_year.py [FOLDER] [-r RULES] [--out OUT_DIR]

FOLDER defaults to ``examples/workbooks`` (河西镇, 2024); RULES to the default ruleset
(都江堰式分类积分). Writes ``OUT_DIR/积分复核.xlsx`` (every sheet a secretary reviews) and
``OUT_DIR/积分公示.xlsx`` (names masked, for posting), and prints grades per branch.
Copy this file and change what you need: it uses only the public API.
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
    parser.add_argument("folder", nargs="?", default=HERE / "workbooks", type=Path)
    parser.add_argument("-r", "--rules", default=None, help="规则文件或内置规则名（默认：都江堰式分类积分）")
    parser.add_argument("--out", default=Path("points-output"), type=Path, help="输出文件夹")
    args = parser.parse_args()

    rules = points.load_ruleset(args.rules) if args.rules else points.default_ruleset()
    records = points.read_workbooks(sorted(args.folder.glob("*.xlsx")), rules)
    result = points.assess(records, rules)

    print(f"{rules.title}，{result.year}年度，参评 {len(result.totals)} 人")
    members = result.rankings[result.rankings["kind"] == "member"]
    grades = pd.crosstab(members["branch"], members["grade"], margins=True, margins_name="合计")
    order = [band.name for band in rules.grades.bands] if rules.grades else []
    grades = grades[[g for g in [*order, "合计"] if g in grades.columns]]
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 120):
        print(grades.rename_axis(index="支部", columns="建议等次").to_string())
    print(f"复核提示 {len(result.flags)} 条，数据问题 {len(result.issues)} 条（见复核工作簿）")

    args.out.mkdir(parents=True, exist_ok=True)
    written = result.to_excel(args.out / "积分复核.xlsx")
    written += result.to_excel(args.out / "积分公示.xlsx", public=True, mask_names=True)
    print("已写入：" + "、".join(str(p) for p in written))


if __name__ == "__main__":
    main()
