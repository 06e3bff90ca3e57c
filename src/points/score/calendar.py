"""The period being scored: the assessment year, the as-of date, and how dates fall into
scoring periods (a year, quarters or months)."""

from __future__ import annotations

from typing import Literal

import pandas as pd

__all__ = ["Calendar"]

_MONTHS = {"year": 12, "quarter": 3, "month": 1}


class Calendar:
    """The year being scored (up to ``as_of`` when given) cut into scoring periods."""

    def __init__(self, year: int, as_of: pd.Timestamp | None,
                 period: Literal["year", "quarter", "month"] = "year") -> None:
        self.year = year
        self.start = pd.Timestamp(year=year, month=1, day=1)
        self.year_end = pd.Timestamp(year=year, month=12, day=31)
        self.as_of = as_of
        self.cutoff = min(self.year_end, as_of) if as_of is not None else self.year_end
        self.full_year = self.cutoff >= self.year_end
        self.months_per_period = _MONTHS[period]

    def period_of(self, dates: pd.Series) -> pd.Series:
        """The scoring period (1, 2, …) of each date."""
        return ((dates.dt.month - 1) // self.months_per_period + 1).astype("int64")

    def periods(self) -> list[int]:
        """The scoring periods up to the cutoff."""
        return list(range(1, (self.cutoff.month - 1) // self.months_per_period + 2))

    def period_bounds(self, period: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last day of ``period`` (the last no later than the cutoff)."""
        first = (period - 1) * self.months_per_period + 1
        start = pd.Timestamp(year=self.year, month=first, day=1)
        end = start + pd.DateOffset(months=self.months_per_period) - pd.Timedelta(days=1)
        return start, min(end, self.cutoff)
