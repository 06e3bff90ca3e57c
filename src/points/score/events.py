"""Attendance records → the events that are scored, under the ruleset.

Marks written in the sheets become statuses through the ruleset's ``[marks]`` (an empty cell
is ``blank``); activity names written in the sheets become the ruleset's activities through
their names and aliases (a name that contains one activity name, such as a sheet called
``主题党日活动``, is that activity). Unknown marks and activities are data issues and their
records are not scored; records outside the period or the member's window are set aside;
repeated records count once and conflicting ones not at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rules.model import Ruleset
from ..vocab.frames import lexsort, sort_keys
from ..vocab.issues import make_issues
from ..vocab.statuses import STATUS_LABELS
from ..vocab.text import normalize_name
from .calendar import Calendar
from .checks import fmt_date, grouped_issue, history, in_window, in_year, member_positions
from .dtypes import coded, event_dtypes
from .members import Timeline

__all__ = ["EVENT_COLUMNS", "attendance_events", "resolve_activities", "resolve_statuses"]

EVENT_COLUMNS = ["member_id", "date", "activity", "activity_id", "status", "org_life", "source"]


def resolve_statuses(attendance: pd.DataFrame, rs: Ruleset) -> pd.Series:
    """The status of each record: the ``status`` given, else its ``mark`` through the
    ruleset's vocabulary (``blank`` for an empty mark); missing where the mark is unknown.
    Each distinct mark is looked up once."""
    given = attendance["status"]
    codes, uniques = pd.factorize(attendance["mark"].astype("string").fillna(""))
    vocabulary = rs.marks.vocabulary
    looked = [("blank" if key == "" else vocabulary.get(key))
              for key in (normalize_name(u) for u in uniques)]
    status = pd.Series(pd.array([*looked, None], dtype="string").take(codes),
                       index=attendance.index)
    return status if given.isna().all() else given.where(given.notna(), status)


def resolve_activities(written: pd.Series, rs: Ruleset) -> pd.Series:
    """The ruleset's activity for each written activity name (missing when unknown): the
    activity whose name or alias it is, else the one activity whose longest name or alias
    it contains."""
    names = rs.activity_names()
    codes, uniques = pd.factorize(written.astype("string").fillna(""))
    found = [_activity_of(normalize_name(u), names) for u in uniques]
    return pd.Series(pd.array([*found, None], dtype="string").take(codes), index=written.index)


def _activity_of(key: str, names: dict[str, str]) -> str | None:
    if key in names:
        return names[key]
    inside = [alias for alias in names if alias and alias in key]
    if not inside:
        return None
    longest = max(map(len, inside))
    found = {names[alias] for alias in inside if len(alias) == longest}
    return found.pop() if len(found) == 1 else None


def _unknown_marks(frame: pd.DataFrame, unknown: np.ndarray, issues: list[pd.DataFrame]) -> None:
    rows = frame[unknown]
    issues.append(make_issues(
        "unknown_mark", "无法识别的签到符号“" + rows["mark"].astype("string").fillna("")
        + "”，此记录未计分（可在规则的 [marks] 中补充）", rows["source"], rows["member_id"]))


def attendance_events(attendance: pd.DataFrame, members: pd.DataFrame, rs: Ruleset,
                      cal: Calendar, issues: list[pd.DataFrame], since: np.ndarray,
                      changes: Timeline) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events, history): validated attendance events — known member, mark and activity, in
    the period and the member's window, duplicates collapsed, conflicts set aside — and the
    same for the records before the period (after the member joined, ``since``). Every check
    narrows one boolean mask; the records are filtered once at the end."""
    frame = attendance[["member_id", "date", "activity", "mark", "source"]].assign(
        status=resolve_statuses(attendance, rs))
    pos = member_positions(frame, members, "签到", issues)
    keep = pos >= 0
    bad_mark = keep & frame["status"].isna().to_numpy()
    if bad_mark.any():
        _unknown_marks(frame, bad_mark, issues)
    keep &= ~bad_mark
    blank = (frame["status"] == "blank").fillna(False).to_numpy(dtype=bool)
    if rs.marks.blank == "ignore":
        keep &= ~blank
    canonical = resolve_activities(frame["activity"], rs)
    unknown = keep & canonical.isna().to_numpy()
    if unknown.any():  # one issue per unknown name and sheet, at its first cell
        rows = frame[unknown]
        issues.append(grouped_issue(
            rows.assign(_sheet=rows["source"].str.rsplit("!", n=1).str[0]), ["activity", "_sheet"],
            "unknown_activity",
            lambda f, n: "未知的活动类型“" + f["activity"] + "”，" + n
            + "条签到记录未计分（可在规则的 aliases 中补充）"))
    keep &= ~unknown
    past = history(frame, keep, pos, cal, since, "签到", issues)
    keep = in_year(frame, keep & (frame["date"] >= cal.start).to_numpy(), cal, "签到", issues,
                   quiet_after=blank)
    keep = in_window(frame, keep, pos, members)
    frame = frame.assign(activity=canonical).drop(columns="mark")
    # the one sort of the events: member, date, activity, then address (natural order); the
    # keys are made once for the period's events and the history's
    order = sort_keys(frame, ["member_id", "date", "activity", "source"])
    return (_events(frame, keep, pos, order, changes, rs, issues),
            _events(frame, past, pos, order, changes, rs, issues))


def _events(frame: pd.DataFrame, keep: np.ndarray, pos: np.ndarray, order: list[np.ndarray],
            changes: Timeline, rs: Ruleset, issues: list[pd.DataFrame]) -> pd.DataFrame:
    rows = np.flatnonzero(keep)
    rows = rows[lexsort([a[rows] for a in order])]
    # member, date and activity (the three most significant keys) equal to the row before
    same = np.ones(max(len(rows) - 1, 0), dtype=bool)
    for a in order[-3:]:
        at = a[rows]
        same &= at[1:] == at[:-1]
    repeated = np.r_[False, same] | np.r_[same, False]
    if repeated.any():  # the few repeated rows looked at alone, then left out of the one take
        dropped = _collapse_repeats(frame.iloc[rows[repeated]], issues,
                                    blank_is_absent=rs.marks.blank == "absent")
        rows = rows[~np.isin(frame.index[rows], dropped)]
    frame = frame.iloc[rows]
    frame["category_index"] = changes.category_at(  # the category the member had that day
        pos[rows], frame["date"].to_numpy(dtype="datetime64[us]"))
    acts = {a.name: a for a in rs.activities}
    codes, names = pd.factorize(frame["activity"])  # each activity's facts looked up once
    known = [acts.get(name) for name in names]
    ids = pd.array([a.id if a else None for a in known] + [None], dtype="string")
    life = np.array([a.org_life if a else True for a in known] + [True], dtype=bool)
    return coded(frame.assign(activity_id=pd.Series(ids.take(codes), index=frame.index),
                              org_life=life[codes]).reset_index(drop=True), event_dtypes(rs))


def _collapse_repeats(rep: pd.DataFrame, issues: list[pd.DataFrame], *,
                      blank_is_absent: bool) -> np.ndarray:
    """The same member, date and activity more than once (``rep``: the rows whose key another
    row has, in order): repeated alike, counted once (the first); with different statuses, a
    conflict and not counted. ``×`` and a blank cell are alike where a blank counts as
    absent. Returns the index labels of the rows not counted."""
    key = ["member_id", "date", "activity"]
    alike = rep["status"].replace("blank", "absent") if blank_is_absent else rep["status"]
    n_status = alike.groupby([rep[k] for k in key], sort=False).transform("nunique")
    conflict = rep[n_status > 1]
    if len(conflict):
        words = conflict["status"].map(STATUS_LABELS)
        statuses = words.groupby([conflict[k] for k in key], sort=False).transform(
            lambda s: "、".join(sorted(s.unique())))
        issues.append(make_issues(
            "conflicting_records",
            "同一党员同日同一活动（" + conflict["activity"] + " " + fmt_date(conflict["date"])
            + "）有不同签到：" + statuses + "，均未计分，请核对",
            conflict["source"], conflict["member_id"]))
    dup = rep[(n_status == 1) & rep.duplicated(key, keep="first")]
    if len(dup):
        kept = rep[(n_status == 1)].drop_duplicates(key, keep="first")
        kept_source = dup[key].merge(kept[[*key, "source"]], on=key, how="left")["source"]
        issues.append(make_issues(
            "duplicate_record",
            "重复签到记录（与 " + pd.Series(kept_source.to_numpy(), index=dup.index)
            + " 相同），只计一次",
            dup["source"], dup["member_id"]))
    return np.r_[conflict.index.to_numpy(), dup.index.to_numpy()]
