"""积分规则: the ruleset as applied, then what the result rests on (file hashes, version, period)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..._version import __version__
from ...judge.assessment import AssessmentTables
from ...rules.model import Ruleset
from ...vocab.text import readable_path
from ..ruletable import RULE_TABLE_COLUMNS, rule_table
from ..xlsx import Book, Column

__all__ = ["rules_frame", "write_rules"]


def write_rules(book: Book, a: AssessmentTables) -> None:
    """Add the 积分规则 sheet: the rule table, the ruleset's and inputs' SHA-256, the library
    version, the year and the as-of date. Every branch's workbook of a run shows the same
    sheet: it is made once (see :func:`rules_frame`)."""
    book.table("积分规则", rules_frame(a), [
        Column("部分", "text", 16), Column("名称", "text", 30), Column("编号", "text", 24),
        Column("分值", "points", 8), Column("封顶", "points", 8), Column("说明", "wrap", 70)],
        shared=True)


#: The last table :func:`rules_frame` made, and what it was made of.
_LAST: list[tuple[Ruleset, tuple[tuple[str, str], ...], int, pd.Timestamp | None,
                  pd.DataFrame]] = []


def rules_frame(a: AssessmentTables) -> pd.DataFrame:
    """The rows of 积分规则: the same object (never changed) for every part of one assessment
    (each branch's workbook lists the whole run's ruleset and thousands of input files)."""
    if _LAST:
        ruleset, files, year, as_of, frame = _LAST[0]
        if ruleset is a.ruleset and files == a.files and year == a.year and as_of == a.as_of:
            return frame
    frame = _rules_frame(a)
    _LAST[:] = [(a.ruleset, a.files, a.year, a.as_of, frame)]
    return frame


def _rules_frame(a: AssessmentTables) -> pd.DataFrame:
    table = rule_table(a.ruleset)
    rs = a.ruleset
    meta: list[tuple[str, str, str, float | None, float | None, str]] = [
        ("规则文件", "SHA-256", "", None, None, rs.sha256 or "（在 Python 中构建，无文件）")]
    meta += [("输入文件", readable_path(Path(p).name), "", None, None,
              f"SHA-256 {h}（{readable_path(p)}）") for p, h in a.files]
    meta += [("程序", "points 版本", "", None, None, __version__),
             ("统计期", "年度", "", float(a.year), None,
              f"{a.year}年" if a.calendar.first_month == 1 else a.calendar.name.replace(" ", "")),
             ("统计期", "统计截至", "", None, None,
              f"{a.as_of:%Y-%m-%d}" if a.as_of is not None
              else f"{a.calendar.year_end:%Y-%m-%d}（全年）")]
    return pd.concat([table, pd.DataFrame(meta, columns=RULE_TABLE_COLUMNS)], ignore_index=True)
