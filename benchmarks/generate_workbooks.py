"""Generate a city-scale year of branch workbooks for the reader benchmark.

    python benchmarks/generate_workbooks.py OUT_DIR [--branches 2000] [--members 125000]

Each branch gets one workbook: a 党员名册 sheet and one yearly sign-in matrix per activity
type, named after it (merged title row; 序号 / 姓名 / 党员编号; one column per meeting, the
date as an Excel date in the header; a 合计 column). Written with XlsxWriter (fast);
deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

MARKS = np.array(["√", "√", "√", "√", "√", "√", "请假", "×", "迟到", ""], dtype=object)
SHEETS = {"支部党员大会": [(m, 20) for m in (3, 6, 9, 12)],
          "党小组会": [(m, 5) for m in range(1, 13)],
          "主题党日": [(m, 15) for m in range(1, 13)],
          "集中学习": [(m, 25) for m in range(1, 13)]}


def generate(out: Path, branches: int, members: int, *, year: int = 2024, seed: int = 11) -> int:
    """Write the workbooks; return the number of cells written in the sign-in matrices."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    sizes = np.full(branches, members // branches)
    sizes[: members % branches] += 1
    cells = 0
    first = 0
    for b, size in enumerate(sizes):
        name = f"第{b + 1:04d}党支部"
        ids = [f"M{first + i:06d}" for i in range(size)]
        people = [f"党员{first + i:06d}" for i in range(size)]
        first += size
        book = xlsxwriter.Workbook(out / f"{name}{year}年.xlsx")
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        ws = book.add_worksheet("党员名册")
        ws.write_row(0, 0, ["序号", "党员编号", "姓名", "所在支部", "党员类别"])
        for i in range(size):
            ws.write_row(i + 1, 0, [i + 1, ids[i], people[i], name, "在职党员"])
        for activity, meetings in SHEETS.items():
            ws = book.add_worksheet(activity)
            ws.merge_range(0, 0, 0, 3 + len(meetings), f"{name}{year}年{activity}签到表")
            ws.write_row(1, 0, ["序号", "姓名", "党员编号"])
            for j, (month, day) in enumerate(meetings):
                ws.write_datetime(1, 3 + j, dt.datetime(year, month, day), date_format)
            ws.write(1, 3 + len(meetings), "合计")
            marks = MARKS[rng.integers(0, len(MARKS), size=(size, len(meetings)))]
            for i in range(size):
                ws.write_row(2 + i, 0, [i + 1, people[i], ids[i], *marks[i], ""])
            cells += size * (3 + len(meetings) + 1)
        book.close()
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--branches", type=int, default=2000)
    parser.add_argument("--members", type=int, default=125_000)
    args = parser.parse_args()
    cells = generate(args.out, args.branches, args.members)
    print(f"wrote {args.branches:,} workbooks, {args.members:,} members, {cells:,} matrix cells")


if __name__ == "__main__":
    main()
