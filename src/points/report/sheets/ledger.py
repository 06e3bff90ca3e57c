"""积分明细: every scored line, as sheets (积分明细2, … when longer than a sheet holds), or as a
CSV or Parquet file beside the workbook, or not at all."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import pandas as pd

from ...judge.assessment import AssessmentTables
from ...vocab.statuses import STATUS_LABELS
from ..common import not_an_input
from ..xlsx import Book, Column, atomic_write

__all__ = ["LEDGER_COLUMNS", "LedgerOption", "ledger_table", "write_ledger"]

LedgerOption = Literal["sheets", "csv", "parquet", "none"]
"""Where the ledger goes: sheets in the workbook, a file beside it, or nowhere."""

LEDGER_COLUMNS = [Column("党员编号"), Column("姓名"), Column("日期", "date", 12),
                  Column("规则", "text", 30), Column("积分", "points", 8), Column("来源", "text", 60),
                  Column("维度", "text", 10), Column("规则编号", "text", 30)]


def ledger_table(a: AssessmentTables) -> pd.DataFrame:
    """The ledger with Chinese headers, as the 积分明细 sheet shows it."""
    led = a.ledger
    names = a.members.set_index("member_id")["name"]
    status = led["status"].astype("string").fillna("")
    shown = status.map(STATUS_LABELS).astype("string").fillna(status)
    rule = (led["item"].astype("string").fillna("")
            + ("（" + shown + "）").where(shown != "", ""))
    labels = a.dimension_labels
    return pd.DataFrame({
        "党员编号": led["member_id"], "姓名": names.reindex(led["member_id"]).to_numpy(),
        "日期": led["date"], "规则": rule, "积分": led["points"], "来源": led["source"],
        "维度": led["dimension"].map(labels).astype("string").fillna(led["dimension"]),
        "规则编号": led["rule"]})


def write_ledger(book: Book, a: AssessmentTables, path: Path, option: LedgerOption,
                 rows_per_sheet: int) -> list[Path]:
    """Add the 积分明细 sheet(s) to the workbook at ``path``, or write the ledger beside it and
    a sheet that says where; return the side files written."""
    if option == "none":
        return []
    frame = ledger_table(a)
    if option in ("csv", "parquet"):
        side = path.with_name(f"{path.stem}-积分明细.{option}")
        not_an_input(side, a)
        if option == "csv":
            atomic_write(side, lambda h: h.write(frame.to_csv(index=False).encode("utf-8-sig")))
        else:
            atomic_write(side, lambda h: frame.to_parquet(h, index=False))
        ws = book.sheet("积分明细")
        book.write_text(ws, 0, 0, f"积分明细共 {len(frame)} 行，另存为 {side.name}（与本工作簿同一文件夹）")
        return [side]
    per = rows_per_sheet - 1
    for part in range(max(1, math.ceil(len(frame) / per))):
        name = "积分明细" if part == 0 else f"积分明细{part + 1}"
        book.table(name, frame.iloc[part * per:(part + 1) * per], LEDGER_COLUMNS, freeze_columns=2)
    return []
