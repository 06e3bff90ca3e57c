"""Turn the example year (examples/data/*.csv) into the workbooks a branch really keeps.

    python examples/make_example_workbooks.py

Writes ``examples/workbooks/``:

- ``党员名册.xlsx`` — the roster with a merged title row (phone and ID-card columns included,
  as real rosters have them; the reader never reads them);
- ``<支部>2024年签到表.xlsx`` — one per branch, one matrix sheet per activity: merged title,
  序号 / 姓名 / 党员编号, one column per meeting dated in the header, a 合计 column, a notes row;
- ``集中学习记录.xlsx`` — the list form (集中学习 and the rows a matrix cannot hold: a member not
  in the roster, an unknown activity, a date outside the year, a duplicated row);
- ``积分记录.xlsx`` — 负面清单, 先锋示范 and 民主评议 sheets.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

HERE = Path(__file__).parent
MARK = {"present": "√", "late": "迟到", "online": "线上", "makeup": "补学", "leave": "请假",
        "absent": "×", "blank": ""}
NOTE = "注：√ 出席，迟到，线上，补学，请假，× 缺席；空白为未签到"


def _book(path: Path) -> tuple[xlsxwriter.Workbook, dict[str, object]]:
    book = xlsxwriter.Workbook(path)
    return book, {"title": book.add_format({"bold": True, "font_size": 14, "align": "center"}),
                  "head": book.add_format({"bold": True, "border": 1, "align": "center"}),
                  "date": book.add_format({"num_format": "m月d日", "bold": True, "border": 1}),
                  "iso": book.add_format({"num_format": "yyyy-mm-dd"})}


def main() -> None:
    data = HERE / "data"
    out = HERE / "workbooks"
    out.mkdir(exist_ok=True)
    read = lambda name: pd.read_csv(data / f"{name}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    roster, attendance = read("党员名册"), read("签到表")
    names = dict(zip(roster["member_id"], roster["name"], strict=True))

    book, fmt = _book(out / "党员名册.xlsx")
    ws = book.add_worksheet("党员名册")
    header = ["序号", "党员编号", "姓名", "所在支部", "党员类别", "入党（转入）日期", "转出日期",
              "联系电话", "身份证号"]
    ws.merge_range(0, 0, 0, len(header) - 1, "城关社区党员名册（2024年）", fmt["title"])
    ws.write_row(1, 0, header, fmt["head"])
    for i, row in enumerate(roster.itertuples(), start=2):
        ws.write_row(i, 0, [i - 1, row.member_id, row.name, row.branch, row.category,
                            row.joined, row.left, row.phone, row.id_card])
    book.close()

    key = ["member_id", "date", "activity"]
    known = attendance["member_id"].isin(roster["member_id"])
    in_year = attendance["date"].str.startswith("2024")
    matrix_activities = ["支部党员大会", "党小组会", "党课", "主题党日", "组织生活会", "支委会"]
    in_matrix = (known & in_year & attendance["activity"].isin(matrix_activities)
                 & ~attendance.duplicated(key, keep="first"))
    listed = attendance[~in_matrix]

    branch_of = dict(zip(roster["member_id"], roster["branch"], strict=True))
    matrix = attendance[in_matrix].assign(branch=attendance["member_id"].map(branch_of))
    for branch, rows in matrix.groupby("branch", sort=True):
        book, fmt = _book(out / f"{branch}2024年签到表.xlsx")
        people = roster[roster["branch"] == branch]
        for activity in matrix_activities:
            events = rows[rows["activity"] == activity]
            if events.empty:
                continue
            dates = sorted(events["date"].unique())
            ws = book.add_worksheet(activity)
            ws.merge_range(0, 0, 0, 3 + len(dates), f"{branch}2024年{activity}签到表", fmt["title"])
            ws.write_row(1, 0, ["序号", "姓名", "党员编号"], fmt["head"])
            for j, day in enumerate(dates):
                ws.write_datetime(1, 3 + j, pd.Timestamp(day).to_pydatetime(), fmt["date"])
            ws.write(1, 3 + len(dates), "合计", fmt["head"])
            marks = events.pivot(index="member_id", columns="date", values="status")
            for i, person in enumerate(people.itertuples(), start=2):
                if person.member_id not in marks.index:
                    continue
                cells = [MARK[s] if isinstance(s, str) else "" for s in
                         marks.loc[person.member_id].reindex(dates)]
                ws.write_row(i, 0, [i - 1, person.name, person.member_id, *cells,
                                    sum(c in ("√", "迟到", "线上", "补学") for c in cells)])
            ws.write(len(people) + 3, 0, NOTE)
            ws.set_column(1, 1, 10)
        book.close()

    book, fmt = _book(out / "集中学习记录.xlsx")
    ws = book.add_worksheet("学习记录")
    ws.merge_range(0, 0, 0, 5, "城关社区2024年集中学习签到记录", fmt["title"])
    ws.write_row(1, 0, ["党员编号", "姓名", "日期", "活动类型", "出勤情况", "备注"], fmt["head"])
    for i, row in enumerate(listed.itertuples(), start=2):
        ws.write_row(i, 0, [row.member_id, names.get(row.member_id, ""), row.date, row.activity,
                            MARK[row.status], ""])
    book.close()

    book, fmt = _book(out / "积分记录.xlsx")
    for sheet, name, column in (("负面清单", "负面清单", "扣分事项"), ("先锋示范", "先锋示范", "加分事项")):
        log = read(name)
        ws = book.add_worksheet(sheet)
        ws.write_row(0, 0, ["党员编号", "姓名", "日期", column], fmt["head"])
        for i, row in enumerate(log.itertuples(), start=1):
            ws.write_row(i, 0, [row.member_id, names.get(row.member_id, ""), row.date, row.item])
    appraisal = read("民主评议")
    ws = book.add_worksheet("民主评议")
    ws.write_row(0, 0, ["党员编号", "姓名", "评议结果"], fmt["head"])
    for i, row in enumerate(appraisal.itertuples(), start=1):
        ws.write_row(i, 0, [row.member_id, names.get(row.member_id, ""), row.result])
    book.close()
    print(f"wrote {len(list(out.glob('*.xlsx')))} workbooks to {out}")


if __name__ == "__main__":
    main()
