"""The period being scored: the assessment year (or cycle), the as-of date, and how dates fall
into scoring periods (a year, quarters or months).

A cycle may start on the first of any month (``cycle_start = "07-01"`` in the ruleset: July to
June). Year ``2024`` is then the cycle that *ends* in 2024 (2023-07-01 to 2024-06-30); its
scoring periods count from the cycle's first month (the first quarter is July–September).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["MONTHS_PER", "Calendar", "cycle_month", "month_index"]

#: Months in each kind of period (scoring periods, minimum frequencies).
MONTHS_PER = {"year": 12, "quarter": 3, "month": 1}


def month_index(dates: pd.Series) -> pd.Series:
    """Months counted across years: ``year × 12 + month − 1``."""
    values = dates.to_numpy()
    if values.dtype.kind == "M" and not np.isnat(values).any():  # numpy's months since 1970
        months = values.astype("datetime64[M]").view("int64") + 1970 * 12
        return pd.Series(months, index=dates.index)
    return (dates.dt.year * 12 + dates.dt.month - 1).astype("int64")


def cycle_month(cycle_start: str) -> int:
    """The first month of a cycle written ``MM-01`` (``"07-01"`` → 7)."""
    return int(cycle_start.split("-")[0])


class Calendar:
    """The year (cycle) being scored, up to ``as_of`` when given, cut into scoring periods."""

    def __init__(self, year: int, as_of: pd.Timestamp | None,
                 period: Literal["year", "quarter", "month"] = "year",
                 first_month: int = 1) -> None:
        self.year = year
        self.first_month = first_month
        self.start = pd.Timestamp(year=year - (first_month > 1), month=first_month, day=1)
        self.year_end = self.start + pd.DateOffset(years=1) - pd.Timedelta(days=1)
        self.as_of = as_of
        self.cutoff = min(self.year_end, as_of) if as_of is not None else self.year_end
        self.full_year = self.cutoff >= self.year_end
        self.months_per_period = MONTHS_PER[period]

    @property
    def name(self) -> str:
        """``2024 年度``, or with a cycle off the calendar year ``2024 年度（2023-07-01 至
        2024-06-30）``."""
        if self.first_month == 1:
            return f"{self.year} 年度"
        return f"{self.year} 年度（{self.start:%Y-%m-%d} 至 {self.year_end:%Y-%m-%d}）"

    def cycle_year(self, dates: pd.Series) -> pd.Series:
        """The year of the cycle each date falls in (the year the cycle ends)."""
        later = (dates.dt.month >= self.first_month) & (self.first_month > 1)
        return (dates.dt.year + later.astype("int64")).astype("int64")

    def month_number(self, dates: pd.Series) -> pd.Series:
        """The month of the cycle (0 for its first month, counted on across cycles)."""
        return month_index(dates) - (self.start.year * 12 + self.start.month - 1)

    def period_of(self, dates: pd.Series) -> pd.Series:
        """The scoring period (1, 2, …) of each date."""
        return (self.month_number(dates) // self.months_per_period + 1).astype("int64")

    def periods(self) -> list[int]:
        """The scoring periods up to the cutoff."""
        last = int(self.month_number(pd.Series([self.cutoff])).iloc[0])
        return list(range(1, last // self.months_per_period + 2))

    def period_bounds(self, period: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last day of ``period`` (the last no later than the cutoff)."""
        start = self.start + pd.DateOffset(months=(period - 1) * self.months_per_period)
        end = start + pd.DateOffset(months=self.months_per_period) - pd.Timedelta(days=1)
        return start, min(end, self.cutoff)
