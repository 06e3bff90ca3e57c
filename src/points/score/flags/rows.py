"""Flag and evidence rows: the shapes every review flag is raised in.

A flag row names the member and the code with a ``detail`` sentence; its evidence rows name
the records behind it, each with its source address (or the member's roster row for flags on
a total). :mod:`points.judge.flags` puts them together for the review list.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["flag_rows", "record_evidence", "roster_evidence"]


def flag_rows(frame: pd.DataFrame, code: str, detail: pd.Series, *, level: object = pd.NA,
              months: object = "", months_to: object = pd.NA) -> pd.DataFrame:
    """One flag per row of ``frame`` (which has ``member_id``)."""
    return pd.DataFrame({
        "member_id": frame["member_id"].astype("string"),
        "code": code,
        "level": pd.Series(level, index=frame.index, dtype="Int64"),
        "detail": detail.astype("string"),
        "months": pd.Series(months, index=frame.index, dtype="string"),
        "months_to_six_month_rule": pd.Series(months_to, index=frame.index, dtype="Int64"),
    }, index=frame.index)


def record_evidence(records: pd.DataFrame, code: str, what: str, status: object) -> pd.DataFrame:
    """Evidence rows for ``records`` (``member_id, date, source`` and the ``what`` column that
    names the record: activity or item)."""
    return pd.DataFrame({
        "member_id": records["member_id"].astype("string"),
        "code": code,
        "month": records["date"].dt.month.astype("Int64"),
        "date": records["date"],
        "record": records[what].astype("string"),
        "status": pd.Series(status, index=records.index, dtype="string"),
        "detail": "",
        "source": records["source"].astype("string"),
    }, index=records.index)


def roster_evidence(who: pd.DataFrame, code: str, detail: pd.Series) -> pd.DataFrame:
    """Evidence for a flag on the member as a whole: their roster row (``source``)."""
    return pd.DataFrame({
        "member_id": who["member_id"].astype("string"), "code": code,
        "month": pd.Series(pd.NA, index=who.index, dtype="Int64"),
        "date": pd.Series(pd.NaT, index=who.index, dtype="datetime64[us]"),
        "record": "名册", "status": pd.Series(pd.NA, index=who.index, dtype="string"),
        "detail": detail.astype("string"), "source": who["source"].astype("string"),
    }, index=who.index)
