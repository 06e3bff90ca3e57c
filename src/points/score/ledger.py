"""The ledger (积分台账): one row per credit, deduction or adjustment, each naming its rule
and the cell it came from. A member's total is always the plain sum of their rows.

Rule ids in the ledger:

========================  ==================================================================
``credit.<activity>``     credit for taking part (points × status factor)
``absence.<activity>``    deduction for an unexcused absence (absent, or blank under ``blank = "absent"``)
``late.<activity>``       deduction for arriving late / leaving early
``bonus.<item>``          先锋示范 bonus item
``negative.<item>``       负面清单 deduction item
``appraisal``             民主评议 result
``cap.<id>``              the part above an activity's or item's cap (negative)
``base.<dimension>``      a dimension's base (or carried-forward base)
``dimcap.<dimension>``    the part above a dimension's cap (negative)
``dimfloor.<dimension>``  raises a dimension to its floor
``carry.<dimension>``     the first period's base carried from the previous cycle's total
``quiz``, ``study``       exam scores, study points (``yearcap.quiz``: above the year cap)
``minimum.<id>``          a month (quarter, year) below a minimum frequency
``floor``                 raises a total to the floor
``aggregate``             turns the sum of the period totals into their mean or last value
``zero.<item>``           sets the year's total to 0 (受到党纪政务处分)
``total_cap``             the part above the ruleset's total cap
========================  ==================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..vocab.frames import decoded, empty_table

__all__ = ["ADJUSTMENT", "CODED", "LEDGER_COLUMNS", "dimension_applies", "empty_rows", "ledger_rows",
           "skips"]

LEDGER_COLUMNS = ["member_id", "date", "period", "dimension", "rule", "item", "status", "points",
                  "source"]
#: The dimension of the rows that adjust a total as a whole (floors, aggregation, total cap).
ADJUSTMENT = "adjustment"
_TEXT = ("member_id", "dimension", "rule", "item", "status", "source")
#: The columns whose values come from the ruleset: categoricals in the ledger
#: (:mod:`points.score.dtypes`); a step may give them as text or as those categoricals.
CODED = ("dimension", "rule")


def empty_rows() -> pd.DataFrame:
    """A ledger table with no rows."""
    return empty_table(LEDGER_COLUMNS, {"date": "datetime64[us]", "period": "int64",
                                        "points": "float64"})


def ledger_rows(*, member_id: object, date: object, period: object, dimension: object,
                rule: object, item: object, points: object, status: object = "",
                source: object = "", index: pd.Index | None = None, drop_zero: bool = False
                ) -> pd.DataFrame:
    """Ledger rows from aligned columns or scalars (``index`` aligns Series; without it the
    columns are taken by position). ``drop_zero`` leaves out the rows worth 0 points (the
    adjustments that change nothing); points are rounded to 6 decimals then."""
    columns = {"member_id": member_id, "date": date, "period": period, "dimension": dimension,
               "rule": rule, "item": item, "status": status, "points": points, "source": source}
    if index is None:
        columns = {k: np.asarray(v) if isinstance(v, pd.Series | pd.Index | np.ndarray | list)
                   else v for k, v in columns.items()}
        index = pd.RangeIndex(len(np.asarray(columns["member_id"])))
    out = pd.DataFrame({k: _typed(v, _DTYPES[k], index, coded=k in CODED)
                        for k, v in columns.items()}, index=index)
    if drop_zero:
        out["points"] = out["points"].round(6)
        out = out[(out["points"] != 0).to_numpy()]
    return out


_DTYPES: dict[str, Any] = {"member_id": "string", "date": "datetime64[us]", "period": "int64",
           "dimension": "string", "rule": "string", "item": "string", "status": "string",
           "points": "float64", "source": "string"}


def _typed(value: object, dtype: Any, index: pd.Index, *, coded: bool) -> pd.Series:
    """One column of :func:`ledger_rows`: a Series aligned on ``index`` or a scalar spread
    over it, as ``dtype`` (a column already of that type is not converted again; a ``coded``
    column may be given as the categorical of :mod:`.dtypes`)."""
    if isinstance(value, pd.Series):
        if not value.index.equals(index):
            value = value.reindex(index)
        if isinstance(value.dtype, pd.CategoricalDtype) and not coded and dtype == "string":
            return decoded(value)  # (an event's activity or status as text)
        keep = value.dtype == dtype or (coded and isinstance(value.dtype, pd.CategoricalDtype))
        return value if keep else value.astype(dtype)
    if isinstance(value, np.ndarray | list | pd.Index):
        return pd.Series(value, index=index).astype(dtype)
    return pd.Series(value, index=index, dtype=dtype)


def dimension_applies(skip: pd.Series, dimension_id: str) -> np.ndarray:
    """True where ``dimension_id`` is not in the comma-joined list of skipped dimensions."""
    return ~("," + skip + ",").str.contains("," + dimension_id + ",", regex=False).to_numpy(
        dtype=bool)


def skips(frame: pd.DataFrame, dimension_column: str) -> pd.Series:
    """True where the row's dimension does not apply to the member's category."""
    skip = pd.Series(False, index=frame.index)
    for dim in frame[dimension_column].drop_duplicates():
        skip |= (frame[dimension_column] == dim) & ~dimension_applies(
            frame["skip_dimensions"], dim)
    return skip
