"""The checks every kind of record passes before it is scored: a known member, a date in the
scored part of the year, inside the member's window. Each check narrows a boolean mask and
reports what it sets aside as grouped data issues."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..vocab.frames import positions, sort_frame
from ..vocab.issues import ISSUE_COLUMNS, make_issues
from .calendar import Calendar

__all__ = ["COUNT_MARK", "GROUP_COLUMNS", "fmt_date", "grouped_issue", "history", "in_window",
           "in_year", "member_facts", "member_positions", "merge_groups"]


def fmt_date(dates: pd.Series) -> pd.Series:
    """Dates as ``2024-03-15`` text."""
    return dates.dt.strftime("%Y-%m-%d").astype("string")


#: Where a grouped issue's count stands in its message template.
COUNT_MARK = "\x00count"
#: The columns a grouped issue carries besides the issue's: its group (code and keys as text),
#: its row count, its message with :data:`COUNT_MARK` for the count, and the member whose
#: records the row counts.
GROUP_COLUMNS = ["_group", "_count", "_template", "_member"]


def grouped_issue(frame: pd.DataFrame, keys: list[str], code: str,
                  text: Callable[[pd.DataFrame, pd.Series], pd.Series],
                  member: bool = False) -> pd.DataFrame:
    """The rows of one issue per group of ``keys``, at the group's first address (in address
    order): one row per group and member, which :func:`merge_groups` makes one issue.

    ``text(first, n)`` builds the messages from a row's first record and its record count.
    A group may span members: a row per member lets any partition of the members (whole
    branches, :mod:`points.backends.partition`) be scored, split and merged again exactly
    (:data:`GROUP_COLUMNS`); :func:`.concat_issues` drops those columns.
    """
    ordered = sort_frame(frame, [*keys, "source"])
    by = keys if "member_id" in keys else [*keys, "member_id"]
    groups = ordered.groupby(by, sort=True, dropna=False)
    first = groups.first().reset_index()
    count = pd.Series(groups.size().to_numpy(), index=first.index)
    out = make_issues(code, text(first, count.astype("string")), first["source"],
                      first["member_id"] if member else None)
    group = pd.Series(code, index=first.index, dtype="string")
    for key in keys:
        group = group + "\x1f" + first[key].astype("string").fillna("\x00")
    template = text(first, pd.Series(COUNT_MARK, index=first.index, dtype="string"))
    return out.assign(_group=group.to_numpy(), _count=count.to_numpy(),
                      _template=template.astype("string").to_numpy(),
                      _member=first["member_id"].astype("string").to_numpy())


def merge_groups(grouped: pd.DataFrame) -> pd.DataFrame:
    """Rows of the same group (of one member each, or of several partitions) as one issue:
    their records counted together, at the first address of all, its message built from
    that row's template."""
    if not len(grouped):
        return grouped
    ordered = sort_frame(grouped, ["_group", "source"])
    by = ordered.groupby("_group", sort=False)
    first = ordered.drop_duplicates("_group").set_index("_group")
    total = by["_count"].sum().reindex(first.index)
    first["message"] = pd.Series([t.replace(COUNT_MARK, str(n)) for t, n in zip(
        first["_template"].tolist(), total.tolist(), strict=True)], index=first.index,
        dtype="string")  # once per group, not per record
    first["_count"] = total
    out = first.reset_index()[[*ISSUE_COLUMNS, *GROUP_COLUMNS]]
    return out.astype(dict.fromkeys([*ISSUE_COLUMNS, "_group", "_template", "_member"], "string"))


def member_positions(frame: pd.DataFrame, members: pd.DataFrame, label: str,
                     issues: list[pd.DataFrame]) -> np.ndarray:
    """Each record's row in ``members`` (-1 when unknown); one ``unknown_member`` issue per
    unknown member."""
    pos = positions(frame["member_id"], members["member_id"])
    unknown = pos < 0
    if unknown.any():
        issues.append(grouped_issue(
            frame[unknown], ["member_id"], "unknown_member",
            lambda f, n: "名册中没有编号为“" + f["member_id"] + "”的党员，其" + n + "条" + label
            + "记录未计分", member=True))
    return pos


def in_year(frame: pd.DataFrame, keep: np.ndarray, cal: Calendar, label: str,
            issues: list[pd.DataFrame], *, quiet_after: np.ndarray | None = None) -> np.ndarray:
    """``keep`` narrowed to records dated in the scored part of the year; the kept records
    dated elsewhere become issues.

    ``quiet_after`` marks rows that may lie after the as-of date without an issue (blank cells
    of a sheet prepared in advance).
    """
    dates = frame["date"]
    outside = keep & ((dates < cal.start) | (dates > cal.year_end)).to_numpy()
    if outside.any():
        issues.append(grouped_issue(
            frame[outside], ["date"], "outside_year",
            lambda f, n: "日期 " + fmt_date(f["date"]) + " 不在 " + cal.name + "内，"
            + n + "条" + label + "记录未计分"))
    after = keep & ~outside & (dates > cal.cutoff).to_numpy()
    loud = after if quiet_after is None else after & ~quiet_after
    if loud.any():
        issues.append(grouped_issue(
            frame[loud], ["date"], "after_as_of",
            lambda f, n: "日期 " + fmt_date(f["date"]) + " 晚于统计截止日 "
            + cal.cutoff.strftime("%Y-%m-%d") + "，" + n + "条" + label + "记录未计分"))
    return keep & ~outside & ~after


def history(frame: pd.DataFrame, keep: np.ndarray, pos: np.ndarray, cal: Calendar,
            since: np.ndarray, label: str, issues: list[pd.DataFrame]) -> np.ndarray:
    """The kept records dated before the period and on or after their member joined
    (``since``: each member's join date, NaT when unknown): history, not scored, but looked
    back through by the rules on consecutive months. Each sheet holding such records says so
    once (a date typed in the wrong year shows there too)."""
    dates = frame["date"].to_numpy()
    before = keep & (dates < np.datetime64(cal.start))
    if before.any():
        rows = frame[before]
        issues.append(grouped_issue(
            rows.assign(_sheet=rows["source"].str.rsplit("!", n=1).str[0]), ["_sheet"], "history",
            lambda f, n: "此表有 " + n + " 条" + label + "记录早于 " + cal.name
            + "（第一条 " + fmt_date(f["date"]) + "），作为往年记录不计入本期，只供回看往年的规则使用"
            "（连续缺席、上一周期结转等）；如是日期写错，请改正"))
    joined = since[np.where(pos >= 0, pos, 0)]
    return before & (np.isnat(joined) | (dates >= joined))


def in_window(frame: pd.DataFrame, keep: np.ndarray, pos: np.ndarray,
              members: pd.DataFrame) -> np.ndarray:
    """``keep`` narrowed to records inside their member's window (no issue: before joining or
    after leaving, a record is simply not the member's to score)."""
    safe = np.where(pos >= 0, pos, 0)
    dates = frame["date"].to_numpy()
    start = members["window_start"].to_numpy()[safe]
    end = members["window_end"].to_numpy()[safe]
    return keep & (dates >= start) & (dates <= end)


def member_facts(frame: pd.DataFrame, pos: np.ndarray, members: pd.DataFrame) -> pd.DataFrame:
    """Attach the member's category and skipped dimensions by position (no merge)."""
    return frame.assign(
        category=pd.Series(members["category"].to_numpy()[pos], index=frame.index,
                           dtype="string"),
        skip_dimensions=pd.Series(members["skip_dimensions"].to_numpy()[pos], index=frame.index,
                                  dtype="string"),
    )
