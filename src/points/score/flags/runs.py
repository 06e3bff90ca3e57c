"""Runs of consecutive months: missed months of organisational life, and months with a dues
record.

A *missed month*: a calendar month in which the member has an organisational-life record
(activities with ``org_life = true``), attended none of them (present, late, online, makeup)
and at least one is unexcused (absent, or blank). A month with only leave is excused and
breaks a run; a month with no organisational-life record is skipped: it neither counts nor
breaks a run.

Months are counted across years (``year × 12 + month − 1``), so a run that starts in last
year's sheets and goes on into this year's is one run: the records before the period are
history, given to look back through. Only runs that reach into the period are this period's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...vocab.frames import isin, sort_frame
from ...vocab.statuses import ATTENDED, UNEXCUSED
from ..calendar import month_index

__all__ = ["dues_runs", "in_run", "missed_month_runs", "month_text", "run_detail", "run_months"]


def month_text(index: pd.Series) -> pd.Series:
    """``2024-03`` for each month counted across years: each distinct month written once (a
    chunk's runs span a few dozen months), taken for every row as Arrow text."""
    months, codes = np.unique(index.to_numpy(dtype="int64"), return_inverse=True)
    texts = pd.array([f"{m // 12}-{m % 12 + 1:02d}" for m in months.tolist()], dtype="string")
    return pd.Series(texts.take(codes.ravel()), index=index.index)


def _runs(table: pd.DataFrame, breaks: np.ndarray, counted: np.ndarray, member: np.ndarray
          ) -> pd.DataFrame:
    """Runs of ``counted`` rows in a table sorted by member and month (``member``: the rows'
    members, as ids or codes): one row per run with ``member_id, length, first, last,
    current`` (the run holds the member's last row)."""
    run_id = np.cumsum(breaks)
    runs = pd.DataFrame({"member_id": table["member_id"].to_numpy(), "run": run_id,
                         "month": table["month"].to_numpy(), "counted": counted})
    runs["current"] = (np.r_[member[1:] != member[:-1], True] if len(member)
                       else np.zeros(0, dtype=bool))
    runs = runs[counted]
    if not len(runs):
        return runs.groupby("run", sort=True).agg(
            member_id=("member_id", "first"), length=("month", "size"), first=("month", "min"),
            last=("month", "max"), current=("current", "any")).reset_index(drop=True)
    # the run numbers never decrease: each run is a slice, reduced in one numpy call per column
    run, month = runs["run"].to_numpy(), runs["month"].to_numpy()
    starts = np.flatnonzero(np.r_[True, run[1:] != run[:-1]])
    return pd.DataFrame({
        "member_id": runs["member_id"].iloc[starts].reset_index(drop=True),
        "length": np.diff(np.r_[starts, len(run)]).astype("int64"),
        "first": np.minimum.reduceat(month, starts), "last": np.maximum.reduceat(month, starts),
        "current": np.logical_or.reduceat(runs["current"].to_numpy(), starts)})


def _longest(runs: pd.DataFrame) -> pd.DataFrame:
    """Each member's longest run (the latest of equal ones), with their current run's length."""
    current = runs[runs["current"]].set_index("member_id")["length"]
    longest = sort_frame(runs, ["member_id", "length", "last"]).drop_duplicates(
        "member_id", keep="last").reset_index(drop=True)
    longest["current_length"] = longest["member_id"].map(current).fillna(0).astype("int64")
    return longest


def missed_month_runs(events: pd.DataFrame, since: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(organisational-life records with their month, each member's longest run of missed
    months that reaches month ``since`` or later)."""
    org = events[events["org_life"].to_numpy(dtype=bool)]
    org = org.assign(month=month_index(org["date"]))
    member, ids = pd.factorize(org["member_id"], sort=True)  # member and month: one integer
    month = org["month"].to_numpy()
    low = int(month.min()) if len(month) else 0
    span = int(month.max()) - low + 1 if len(month) else 1
    status = org["status"]
    known = member >= 0  # (a record without a member id has no run, as a groupby would drop it)
    keys = (member.astype("int64") * span + (month - low))[known]
    order = np.argsort(keys, kind="stable")  # member and month: each a slice, any() by reduceat
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys
    def any_of(statuses: list[str]) -> np.ndarray:
        hit = isin(status, statuses)[known][order]
        return np.logical_or.reduceat(hit, starts) if len(hit) else hit

    key = keys[starts]
    member = key // span
    months = pd.DataFrame({"member_id": ids.take(member), "month": key % span + low})
    missed = ~any_of(sorted(ATTENDED)) & any_of(sorted(UNEXCUSED))
    new_member = np.r_[True, member[1:] != member[:-1]] if len(months) else np.array([], bool)
    breaks = new_member | np.r_[True, missed[1:] != missed[:-1]] if len(months) else new_member
    runs = _runs(months, breaks, missed, member)
    return org, _longest(runs[runs["last"] >= since])


def dues_runs(logs: pd.DataFrame, dues_item: str | None, since: int
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dues records, each member's longest run of consecutive months with one that reaches
    month ``since`` or later)."""
    dues = logs[(logs["kind"] == "negative") & (logs["item"] == (dues_item or "\0"))]
    dues = dues.assign(month=month_index(dues["date"]))
    months = dues[["member_id", "month"]].drop_duplicates().sort_values(
        ["member_id", "month"]).reset_index(drop=True)
    member = months["member_id"].to_numpy()
    month = months["month"].to_numpy()
    if len(months):
        breaks = np.r_[True, (member[1:] != member[:-1]) | (month[1:] != month[:-1] + 1)]
    else:
        breaks = np.array([], dtype=bool)
    runs = _runs(months, breaks, np.ones(len(months), dtype=bool), member)
    return dues, _longest(runs[runs["last"] >= since])


def in_run(records: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """The records that fall in their member's run."""
    mine = records[isin(records["member_id"], runs["member_id"].unique())]
    joined = mine.merge(runs[["member_id", "first", "last"]], on="member_id", how="inner")
    return joined[(joined["month"] >= joined["first"]) & (joined["month"] <= joined["last"])]


def run_months(runs: pd.DataFrame) -> pd.Series:
    """``2024-03 至 2024-08`` for each run."""
    return month_text(runs["first"]) + " 至 " + month_text(runs["last"])


def run_detail(runs: pd.DataFrame, what: str) -> pd.Series:
    """``最长连续 N 个月…（2024-03 至 2024-08）`` for each run."""
    return "最长连续 " + runs["length"].astype("string") + " 个月" + what + "（" + run_months(runs) + "）"
