"""Scoring: canonical records → ledger rows, by the rules of a ruleset.

Every step is a vectorized pandas operation over the records; Python loops run only over the
ruleset's small tables (activities, categories, statuses) and over scoring periods (≤ 12).

Rule ids in the ledger:

=====================  ===================================================================
``credit.<activity>``  credit for taking part (points × status factor)
``absence.<activity>`` deduction for an unexcused absence (absent, or blank under ``blank = "absent"``)
``late.<activity>``    deduction for arriving late / leaving early
``bonus.<item>``       先锋示范 bonus item
``negative.<item>``    负面清单 deduction item
``appraisal``          民主评议 result
``cap.<id>``           the part above an activity's or item's cap (negative)
``base.<dimension>``   a dimension's base (or carried-forward base)
``dimcap.<dimension>`` the part above a dimension's cap (negative)
``floor``              raises a total to the floor
``aggregate``          turns the sum of the period totals into their mean or last value
``zero.<item>``        sets the year's total to 0 (受到党纪政务处分)
``total_cap``          the part above the ruleset's total cap
=====================  ===================================================================
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .issues import make_issues
from .model import Ruleset
from .records import empty_table
from .text import map_names, normalize_name, positions, sort_frame

LEDGER_COLUMNS = ["member_id", "date", "period", "dimension", "rule", "item", "status", "points",
                  "source"]
EVENT_COLUMNS = ["member_id", "date", "activity", "activity_id", "status", "org_life", "source"]


class Context:
    """The year being scored and how dates fall into periods."""

    def __init__(self, ruleset: Ruleset, year: int, as_of: pd.Timestamp | None) -> None:
        self.ruleset = ruleset
        self.year = year
        self.start = pd.Timestamp(year=year, month=1, day=1)
        self.year_end = pd.Timestamp(year=year, month=12, day=31)
        self.as_of = as_of
        self.cutoff = min(self.year_end, as_of) if as_of is not None else self.year_end
        self.full_year = self.cutoff >= self.year_end
        self.months_per_period = {"year": 12, "quarter": 3, "month": 1}[ruleset.period]

    def period_of(self, dates: pd.Series) -> pd.Series:
        return ((dates.dt.month - 1) // self.months_per_period + 1).astype("int64")

    def periods(self) -> list[int]:
        return list(range(1, (self.cutoff.month - 1) // self.months_per_period + 2))

    def period_bounds(self, period: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        first = (period - 1) * self.months_per_period + 1
        start = pd.Timestamp(year=self.year, month=first, day=1)
        end = start + pd.DateOffset(months=self.months_per_period) - pd.Timedelta(days=1)
        return start, min(end, self.cutoff)


def _fmt_date(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d").astype("string")


def _grouped_issue(frame: pd.DataFrame, keys: list[str], code: str,
                   text: Callable[[pd.DataFrame, pd.Series], pd.Series],
                   member: bool = False) -> pd.DataFrame:
    """One issue per group of ``keys``, at the group's first address (in address order).

    ``text(first, n)`` builds the messages from each group's first row and its row count.
    """
    ordered = sort_frame(frame, [*keys, "source"])
    groups = ordered.groupby(keys, sort=True, dropna=False)
    first = groups.first().reset_index()
    count = pd.Series(groups.size().to_numpy(), index=first.index).astype("string")
    return make_issues(code, text(first, count), first["source"],
                       first["member_id"] if member else None)


def member_positions(frame: pd.DataFrame, members: pd.DataFrame, label: str,
                     issues: list[pd.DataFrame]) -> np.ndarray:
    """Each record's row in ``members`` (-1 when unknown); one ``unknown_member`` issue per
    unknown member."""
    pos = positions(frame["member_id"], members["member_id"])
    unknown = pos < 0
    if unknown.any():
        issues.append(_grouped_issue(
            frame[unknown], ["member_id"], "unknown_member",
            lambda f, n: "名册中没有编号为“" + f["member_id"] + "”的党员，其" + n + "条" + label
            + "记录未计分", member=True))
    return pos


def in_year(frame: pd.DataFrame, keep: np.ndarray, ctx: Context, label: str,
            issues: list[pd.DataFrame], *, quiet_after: np.ndarray | None = None) -> np.ndarray:
    """``keep`` narrowed to records dated in the scored part of the year; the kept records
    dated elsewhere become issues.

    ``quiet_after`` marks rows that may lie after the as-of date without an issue (blank cells
    of a sheet prepared in advance).
    """
    dates = frame["date"]
    outside = keep & (dates.dt.year != ctx.year).to_numpy()
    if outside.any():
        issues.append(_grouped_issue(
            frame[outside], ["date"], "outside_year",
            lambda f, n: "日期 " + _fmt_date(f["date"]) + " 不在 " + str(ctx.year) + " 年度内，"
            + n + "条" + label + "记录未计分"))
    after = keep & ~outside & (dates > ctx.cutoff).to_numpy()
    loud = after if quiet_after is None else after & ~quiet_after
    if loud.any():
        issues.append(_grouped_issue(
            frame[loud], ["date"], "after_as_of",
            lambda f, n: "日期 " + _fmt_date(f["date"]) + " 晚于统计截止日 "
            + ctx.cutoff.strftime("%Y-%m-%d") + "，" + n + "条" + label + "记录未计分"))
    return keep & ~outside & ~after


def in_window(frame: pd.DataFrame, keep: np.ndarray, pos: np.ndarray,
              members: pd.DataFrame) -> np.ndarray:
    """``keep`` narrowed to records inside their member's window (no issue: before joining or
    after leaving, a record is simply not the member's to score)."""
    safe = np.where(pos >= 0, pos, 0)
    dates = frame["date"].to_numpy()
    start = members["window_start"].to_numpy()[safe]
    end = members["window_end"].to_numpy()[safe]
    return keep & (dates >= start) & (dates <= end)


def _member_facts(frame: pd.DataFrame, pos: np.ndarray, members: pd.DataFrame) -> pd.DataFrame:
    """Attach the member's category and skipped dimensions by position (no merge)."""
    return frame.assign(
        category=pd.Series(members["category"].to_numpy()[pos], index=frame.index,
                           dtype="string"),
        skip_dimensions=pd.Series(members["skip_dimensions"].to_numpy()[pos], index=frame.index,
                                  dtype="string"),
    )


def attendance_events(attendance: pd.DataFrame, members: pd.DataFrame, ctx: Context,
                      issues: list[pd.DataFrame]) -> pd.DataFrame:
    """Validated attendance events: known member and activity, in the year and the member's
    window, duplicates collapsed, conflicts set aside. Statuses stay as recorded.

    Every check narrows one boolean mask; the records are filtered once at the end.
    """
    rs = ctx.ruleset
    frame = attendance[["member_id", "date", "activity", "status", "source"]]
    pos = member_positions(frame, members, "签到", issues)
    keep = pos >= 0
    blank = (frame["status"] == "blank").to_numpy()
    if rs.marks.blank == "ignore":
        keep &= ~blank
    canonical = map_names(frame["activity"], rs.activity_names())
    unknown = keep & canonical.isna().to_numpy()
    if unknown.any():
        issues.append(_grouped_issue(
            frame[unknown], ["activity"], "unknown_activity",
            lambda f, n: "未知的活动类型“" + f["activity"] + "”，" + n
            + "条签到记录未计分（可在规则的 aliases 中补充）"))
    keep &= ~unknown
    keep = in_year(frame, keep, ctx, "签到", issues, quiet_after=blank)
    keep = in_window(frame, keep, pos, members)
    frame = frame.assign(activity=canonical)[keep]
    frame["category_index"] = members["category_index"].to_numpy()[pos[keep]]
    # the one sort of the events: member, date, activity, then address (natural order)
    frame = sort_frame(frame, ["member_id", "date", "activity", "source"])

    # duplicates and conflicts: the same member, date and activity more than once
    key = ["member_id", "date", "activity"]
    repeated = frame.duplicated(key, keep=False)
    if repeated.any():
        rep = frame[repeated]
        n_status = rep.groupby(key, sort=False)["status"].transform("nunique")
        conflict = rep[n_status > 1]
        if len(conflict):
            statuses = conflict.groupby(key, sort=False)["status"].transform(
                lambda s: "、".join(sorted(s.unique())))
            issues.append(make_issues(
                "conflicting_records",
                "同一党员同日同一活动（" + conflict["activity"] + " " + _fmt_date(conflict["date"])
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
        frame = frame[~frame.index.isin(conflict.index) & ~frame.index.isin(dup.index)]

    acts = {a.name: a for a in rs.activities}
    return frame.assign(
        activity_id=frame["activity"].map({n: a.id for n, a in acts.items()}).astype("string"),
        org_life=frame["activity"].map({n: a.org_life for n, a in acts.items()}).astype(bool),
    ).reset_index(drop=True)


_EFFECTIVE = ("present", "late", "online", "makeup", "leave", "absent")


def credit_table(ruleset: Ruleset) -> tuple[np.ndarray, np.ndarray]:
    """Credit and deduction per [category, activity, effective status], as numpy arrays.

    Indexed by the order of ``ruleset.categories``, ``ruleset.activities`` and
    ``("present", "late", "online", "makeup", "leave", "absent")``.
    """
    shape = (len(ruleset.categories), len(ruleset.activities), len(_EFFECTIVE))
    credit = np.zeros(shape)
    penalty = np.zeros(shape)
    for c, cat in enumerate(ruleset.categories):
        for a, act in enumerate(ruleset.activities):
            points = cat.activity_points.get(act.name, act.points)
            for s, status in enumerate(_EFFECTIVE):
                factor = cat.status_factors.get(
                    status, act.status_factors.get(status, ruleset.status_factors.get(status, 0)))
                if act.dimension not in cat.skip_dimensions:
                    credit[c, a, s] = points * factor
                if "deductions" in cat.skip_dimensions:
                    continue
                if status == "absent" and not cat.exempt_absence_deductions:
                    penalty[c, a, s] = act.absence_points
                elif status == "late":
                    penalty[c, a, s] = act.late_points
    return credit, penalty


def attendance_rows(events: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Ledger rows for credits and attendance deductions (one array lookup, no merge)."""
    rs = ctx.ruleset
    credit_of, penalty_of = credit_table(rs)
    cat = events["category_index"].to_numpy()
    act = positions(events["activity"], [a.name for a in rs.activities])
    status = positions(events["status"], [*_EFFECTIVE, "blank"])
    status[status == len(_EFFECTIVE)] = _EFFECTIVE.index("absent")  # blank counts as absent
    credit = pd.Series(credit_of[cat, act, status], index=events.index)
    penalty = pd.Series(penalty_of[cat, act, status], index=events.index)
    dims = {a.name: a.dimension for a in rs.activities}
    period = ctx.period_of(events["date"])
    got = events[(credit != 0).to_numpy()]
    lost = events[(penalty != 0).to_numpy()]
    prefix = pd.Series(np.where(lost["status"] == "late", "late.", "absence."),
                       index=lost.index, dtype="string")
    return pd.concat([
        _rows(got, period[got.index], got["activity"].map(dims), "credit." + got["activity_id"],
              got["activity"], got["status"], credit[got.index]),
        _rows(lost, period[lost.index], "deductions", prefix + lost["activity_id"],
              lost["activity"], lost["status"], penalty[lost.index]),
    ], ignore_index=True)


def empty_rows() -> pd.DataFrame:
    """A ledger table with no rows."""
    return empty_table(LEDGER_COLUMNS, {"date": "datetime64[us]", "period": "int64",
                                        "points": "float64"})


def _rows(frame: pd.DataFrame, period: pd.Series, dimension: object, rule: object, item: object,
          status: object, points: object) -> pd.DataFrame:
    out = pd.DataFrame({
        "member_id": frame["member_id"],
        "date": frame["date"],
        "period": period,
        "dimension": dimension,
        "rule": rule,
        "item": item,
        "status": status,
        "points": points,
        "source": frame["source"],
    }, index=frame.index)
    for column in ("dimension", "rule", "item", "status"):
        out[column] = out[column].astype("string")
    out["points"] = out["points"].astype("float64")
    return out


def log_records(frame: pd.DataFrame, kind: str, members: pd.DataFrame, ctx: Context,
                issues: list[pd.DataFrame]) -> pd.DataFrame:
    """Validated bonus or negative-list records with their item facts attached."""
    rs = ctx.ruleset
    label = "先锋示范" if kind == "bonus" else "负面清单"
    frame = frame[["member_id", "date", "item", "source"]]
    pos = member_positions(frame, members, label, issues)
    keep = pos >= 0
    canonical = map_names(frame["item"], rs.item_names(kind))  # type: ignore[arg-type]
    unknown = keep & canonical.isna().to_numpy()
    if unknown.any():  # one issue per unknown name, as for unknown activities
        issues.append(_grouped_issue(
            frame[unknown], ["item"], "unknown_item",
            lambda f, n: label + "中没有“" + f["item"].astype("string") + "”这一事项，" + n
            + "条记录未计分（可在规则的 aliases 中补充，或改正事项名称）"))
    keep &= ~unknown
    keep = in_year(frame, keep, ctx, label, issues)
    keep = in_window(frame, keep, pos, members)
    frame = _member_facts(frame.assign(item=canonical)[keep], pos[keep], members)
    items = rs.bonuses if kind == "bonus" else rs.negatives
    facts = pd.DataFrame({
        "item": pd.Series([i.name for i in items], dtype="string"),
        "item_id": pd.Series([i.id for i in items], dtype="string"),
        "item_points": pd.Series([float(i.points) for i in items], dtype="float64"),
        "item_dimension": pd.Series([i.dimension for i in items], dtype="string"),
        "zero_out": pd.Series([i.zero_out for i in items], dtype=bool),
        "blocks_top_band": pd.Series([i.blocks_top_band for i in items], dtype=bool),
    })
    frame = frame.merge(facts, on="item", how="left", validate="many_to_one")
    return sort_frame(frame, ["member_id", "date", "source"]).reset_index(drop=True)


def log_rows(logs: pd.DataFrame, kind: str, ctx: Context) -> pd.DataFrame:
    """Ledger rows for scored log records (zero-out items are applied at the year's end)."""
    prefix = "bonus." if kind == "bonus" else "negative."
    skipped = _skips(logs, "item_dimension")
    use = logs[~logs["zero_out"] & ~skipped & (logs["item_points"] != 0)]
    return _rows(use, ctx.period_of(use["date"]), use["item_dimension"], prefix + use["item_id"],
                 use["item"], "", use["item_points"])


def dimension_applies(skip: pd.Series, dimension_id: str) -> np.ndarray:
    """True where ``dimension_id`` is not in the comma-joined list of skipped dimensions."""
    return ~("," + skip + ",").str.contains("," + dimension_id + ",", regex=False).to_numpy(
        dtype=bool)


def _skips(frame: pd.DataFrame, dimension_column: str) -> pd.Series:
    """True where the row's dimension does not apply to the member's category."""
    skip = pd.Series(False, index=frame.index)
    for dim in frame[dimension_column].drop_duplicates():
        skip |= (frame[dimension_column] == dim) & ~dimension_applies(
            frame["skip_dimensions"], dim)
    return skip


def appraisal_rows(appraisals: pd.DataFrame, members: pd.DataFrame, ctx: Context,
                   issues: list[pd.DataFrame]) -> pd.DataFrame:
    """Ledger rows for 民主评议 results, and issues for missing or conflicting ones."""
    rs = ctx.ruleset
    spec = rs.appraisal
    frame = appraisals[["member_id", "result", "source"]]
    pos = member_positions(frame, members, "民主评议", issues)
    if spec is None:  # the whole table is beside these rules: one issue, not one a member
        used = frame[pos >= 0]
        if len(used):
            issues.append(_grouped_issue(
                used.assign(_all=""), ["_all"], "appraisal_not_applicable",
                lambda f, n: "本规则（" + rs.title + "）不计民主评议，" + n + "条评议结果未计分"))
        return empty_rows()
    keep = (pos >= 0) & members["in_scope"].to_numpy()[np.where(pos >= 0, pos, 0)]
    frame = _member_facts(frame[keep], pos[keep], members).assign(
        window_end=members["window_end"].to_numpy()[pos[keep]])
    applies = dimension_applies(frame["skip_dimensions"], spec.dimension)
    if (~applies).any():
        na = frame[~applies]
        issues.append(make_issues(
            "appraisal_not_applicable",
            "“" + na["category"] + "”不参加民主评议，结果“" + na["result"] + "”未计分",
            na["source"], na["member_id"]))
    frame = frame[applies]
    results = dict(spec.results)
    canonical = map_names(frame["result"], {normalize_name(k): k for k in results})
    unknown = canonical.isna()
    if unknown.any():
        bad = frame[unknown]
        issues.append(make_issues(
            "unknown_appraisal_result",
            "未知的评议结果“" + bad["result"] + "”（应为 " + "、".join(results) + "），未计分",
            bad["source"], bad["member_id"]))
    frame = frame.assign(result=canonical.astype("string"))[~unknown]
    frame = sort_frame(frame, ["member_id", "source"])
    n_results = frame.groupby("member_id")["result"].transform("nunique")
    conflict = frame[n_results > 1]
    if len(conflict):
        issues.append(make_issues(
            "conflicting_appraisal", "同一党员有不同的评议结果（" + conflict["result"]
            + "），均未计分，请核对", conflict["source"], conflict["member_id"]))
    dup = frame[(n_results == 1) & frame.duplicated("member_id", keep="first")]
    if len(dup):
        issues.append(make_issues("duplicate_record",
                                  pd.Series("重复的评议结果，只计一次", index=dup.index),
                                  dup["source"], dup["member_id"]))
    frame = frame[(n_results == 1)].drop_duplicates("member_id", keep="first")
    if spec.required and ctx.full_year:
        graded = members[members["in_scope"].to_numpy()
                         & dimension_applies(members["skip_dimensions"], spec.dimension)]
        missing = graded[~graded["member_id"].isin(frame["member_id"])]
        if len(missing):
            issues.append(make_issues(
                "appraisal_missing",
                missing["name"] + "没有民主评议结果，民主评议计 0 分",
                missing["source"], missing["member_id"]))
    frame = frame.assign(points=frame["result"].map(results).astype("float64"),
                         date=frame["window_end"])
    frame = frame[frame["points"] != 0]
    period = pd.Series(ctx.periods()[-1], index=frame.index, dtype="int64")
    return _rows(frame, period, spec.dimension, "appraisal", "民主评议", frame["result"],
                 frame["points"])


def item_caps(ruleset: Ruleset) -> dict[str, tuple[str, float]]:
    """Rule id → (cap rule id, cap) for every activity and item with a cap."""
    caps = {f"credit.{a.id}": (f"cap.{a.id}", a.cap) for a in ruleset.activities
            if a.cap is not None}
    caps.update({f"bonus.{i.id}": (f"cap.{i.id}", i.cap) for i in ruleset.bonuses
                 if i.cap is not None})
    caps.update({f"negative.{i.id}": (f"cap.{i.id}", i.cap) for i in ruleset.negatives
                 if i.cap is not None})
    return {rule: (cap_rule, float(cap)) for rule, (cap_rule, cap) in caps.items()
            if cap is not None}


def apply_item_caps(rows: pd.DataFrame, ruleset: Ruleset, *,
                    presorted: bool = False) -> pd.DataFrame:
    """Add one ``cap.<id>`` row per member, period and capped rule whose sum passes its cap.

    The row is dated and addressed at the record that crossed the cap; it takes back exactly
    the part above the cap, so the capped sum equals the cap. ``presorted`` rows are already
    in member, date, address order (attendance rows, built from the sorted events).
    """
    caps = item_caps(ruleset)
    capped = rows[rows["rule"].isin(list(caps))]
    if capped.empty:
        return rows
    keys = ["member_id", "period", "rule"]
    if not presorted:
        capped = sort_frame(capped, [*keys, "date", "source"])
    cap_value = capped["rule"].map({r: c for r, (_, c) in caps.items()}).astype("float64")
    group = (pd.factorize(capped["member_id"])[0].astype("int64") * 64
             + capped["period"].to_numpy()) * len(caps) + positions(capped["rule"], list(caps))
    grouped = capped["points"].groupby(group, sort=False)
    running = grouped.cumsum()
    total = grouped.transform("sum")
    over = (running.abs() > cap_value + 1e-9).to_numpy()
    first = capped[over][~pd.Series(group[over]).duplicated().to_numpy()]
    if first.empty:
        return rows
    sign = np.sign(total[first.index])
    adjust = (sign * cap_value[first.index] - total[first.index]).round(6)
    cap_rows = _rows(first, first["period"], first["dimension"],
                     first["rule"].map({r: cr for r, (cr, _) in caps.items()}), first["item"], "",
                     adjust)
    return pd.concat([rows, cap_rows], ignore_index=True)
