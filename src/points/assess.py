"""``points.assess``: score one year of canonical records into an :class:`Assessment`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import numpy as np
import pandas as pd

from .candidates import candidate_list
from .flags import review_flags
from .issues import concat_issues, make_issues
from .loader import default_ruleset
from .model import Ruleset
from .periods import ADJUSTMENT, period_rows
from .ranking import rankings as rank_totals
from .records import Records
from .review import LedgerOption, write_per_branch, write_review
from .scoring import (
    EVENT_COLUMNS,
    LEDGER_COLUMNS,
    Context,
    apply_item_caps,
    appraisal_rows,
    attendance_events,
    attendance_rows,
    dimension_applies,
    log_records,
    log_rows,
)
from .text import map_names, sort_frame

__all__ = ["Assessment", "assess"]

MEMBER_COLUMNS = ["member_id", "name", "branch", "category", "category_id", "category_index",
                  "kind", "probation", "skip_dimensions", "window_start", "window_end",
                  "in_scope", "source"]


@attrs.frozen(kw_only=True)
class Assessment:
    """The result of :func:`assess`: DataFrames, deterministic for the same inputs.

    - ``ledger``: one row per credit, deduction or adjustment (``member_id, date, period,
      dimension, rule, item, status, points, source``); a member's total is the sum of theirs.
    - ``totals``: one row per assessed member: each dimension's points (NaN where the dimension
      does not apply to the category), ``adjustment`` (floors, aggregation, caps on the total)
      and ``total``.
    - ``monthly``: one row per member and month of their window: points per dimension, the
      month's ``total`` and the ``cumulative`` total.
    - ``issues``: data issues (``code, message, source, member_id``).
    - ``members``: the roster as assessed (category resolved, window in the year).
    - ``events``: the attendance events that were scored, as recorded.
    - ``logs``: the bonus and negative-list records that were scored (``kind`` tells which).
    - ``rankings``: one row per assessed person: ranks in branch, category and overall
      (members and candidates apart), suggested grade with the 优秀 quota, probation and
      candidate bands (see :mod:`points.ranking`).
    - ``flags``: review flags, one row per member and code, with label, evidence (text with
      source addresses) and suggested action (see :data:`points.FLAG_CODES`).
    - ``evidence``: one row per record behind a flag (``member_id, code, month, date, record,
      status, detail, source``).
    - ``candidates``: the development candidates' merit list (:func:`points.select_candidates`
      with no limit).
    - ``files``: the input files as ``(path, SHA-256)`` pairs (see ``Records.files``).
    """

    ruleset: Ruleset
    year: int
    as_of: pd.Timestamp | None
    members: pd.DataFrame
    ledger: pd.DataFrame
    totals: pd.DataFrame
    monthly: pd.DataFrame
    issues: pd.DataFrame
    events: pd.DataFrame
    logs: pd.DataFrame
    rankings: pd.DataFrame
    flags: pd.DataFrame
    evidence: pd.DataFrame
    candidates: pd.DataFrame
    files: tuple[tuple[str, str], ...] = ()

    @property
    def dimension_labels(self) -> dict[str, str]:
        """Column → Chinese label for the dimension columns of ``totals`` and ``monthly``."""
        labels = {d.id: d.label for d in self.ruleset.dimensions}
        labels[ADJUSTMENT] = "调整"
        labels["total"] = "总积分"
        return labels

    def to_excel(self, path: str | Path, *, public: bool = False, mask_names: bool = False,
                 ledger: LedgerOption = "sheets") -> list[Path]:
        """Write the review workbook (复核工作簿) to ``path`` (an ``.xlsx`` file).

        Sheets: 汇总, 复核提示, 积分明细, 发展对象, 支部统计, 数据问题, 积分规则 (see
        :mod:`points.review` for their columns). ``public=True`` writes the 公示 version
        instead: only 姓名, 支部, 总积分, 建议等次; ``mask_names=True`` shows names as ``张*三``.
        ``ledger``: ``"sheets"`` (split over 积分明细, 积分明细2, … when longer than a sheet),
        ``"csv"`` or ``"parquet"`` (written beside the workbook as ``<name>-积分明细.csv``) or
        ``"none"``. The file is written atomically; writing over an input file raises
        :class:`points.OutputError`. Returns the paths written.
        """
        return write_review(self, path, public=public, mask_names=mask_names, ledger=ledger)

    def to_excel_per_branch(self, directory: str | Path, *, public: bool = False,
                            mask_names: bool = False) -> dict[str, Path]:
        """One review workbook per branch in ``directory``, each named after its branch (made
        safe for every file system), plus ``全部支部.xlsx`` for the whole without the ledger.
        Returns branch → path (the whole under ``""``)."""
        return write_per_branch(self, directory, public=public, mask_names=mask_names)


def _resolve_year(records: Records, year: int | None, as_of: object) -> tuple[int, pd.Timestamp | None]:
    cutoff = None
    if as_of is not None:
        try:
            cutoff = pd.Timestamp(as_of).normalize()  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"as_of（统计截止日）：应为日期，如 2024-09-30，实际是 {as_of!r}") from None
        if pd.isna(cutoff):
            raise ValueError(f"as_of（统计截止日）：应为日期，如 2024-09-30，实际是 {as_of!r}")
        if year is not None and year != cutoff.year:
            raise ValueError(f"as_of（统计截止日）{cutoff:%Y-%m-%d} 不在 {year} 年度内")
        year = cutoff.year
    if year is None:
        dates = pd.concat([records.attendance["date"], records.negatives["date"],
                           records.bonuses["date"]]).dropna()
        if dates.empty:
            raise ValueError("无法判断考核年度：记录中没有任何日期；请指定 year（命令行用 --year）")
        counts = dates.dt.year.value_counts()
        year = int(counts[counts == counts.max()].index.max())
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ValueError(f"year（考核年度）：应为年份，如 2024，实际是 {year!r}")
    return year, cutoff


def _members(roster: pd.DataFrame, ctx: Context, issues: list[pd.DataFrame]) -> pd.DataFrame:
    rs = ctx.ruleset
    raw = roster["category"].fillna("")
    canonical = map_names(raw, rs.category_names())
    unknown = canonical.isna() & (raw.str.strip() != "")
    if unknown.any():
        bad = roster[unknown]
        issues.append(make_issues(
            "unknown_category",
            "未知的党员类别“" + bad["category"] + "”，按“" + rs.default_category + "”计分",
            bad["source"], bad["member_id"]))
    cats = pd.DataFrame({
        "category": pd.Series([c.name for c in rs.categories], dtype="string"),
        "category_id": pd.Series([c.id for c in rs.categories], dtype="string"),
        "kind": pd.Series([c.kind for c in rs.categories], dtype="string"),
        "probation": [c.probation for c in rs.categories],
        "skip_dimensions": pd.Series([",".join(c.skip_dimensions) for c in rs.categories],
                                     dtype="string"),
        "category_index": np.arange(len(rs.categories), dtype="int64"),
    })
    members = roster.assign(category=canonical.fillna(rs.default_category).astype("string"))
    members = members.merge(cats, on="category", how="left", validate="many_to_one")
    joined = members["joined"].fillna(ctx.start)
    left = members["left"].fillna(ctx.cutoff)
    start = joined.where(joined > ctx.start, ctx.start)
    end = left.where(left < ctx.cutoff, ctx.cutoff)
    members = members.assign(window_start=start.astype("datetime64[us]"),
                             window_end=end.astype("datetime64[us]"),
                             in_scope=start <= end,
                             name=members["name"].fillna(""), branch=members["branch"].fillna(""))
    return members[MEMBER_COLUMNS].sort_values("member_id").reset_index(drop=True)


def assess(records: Records, ruleset: Ruleset | None = None, *, year: int | None = None,
           as_of: dt.date | str | pd.Timestamp | None = None) -> Assessment:
    """Score one year of ``records`` under ``ruleset`` (the default ruleset when None).

    ``year`` defaults to the year of ``as_of``, else to the year most records fall in. With
    ``as_of`` (a date), the year is scored up to and including that day, for monthly runs.
    Problems in the records never stop the run: they are in ``Assessment.issues``.
    """
    if not isinstance(records, Records):
        raise TypeError(f"records: expected points.Records, got {type(records).__name__}; "
                        "build one with points.Records.from_frames(...)")
    ruleset = default_ruleset() if ruleset is None else ruleset
    if not isinstance(ruleset, Ruleset):
        raise TypeError(f"ruleset: expected points.Ruleset, got {type(ruleset).__name__}; "
                        "load one with points.load_ruleset(path)")
    year, cutoff = _resolve_year(records, year, as_of)
    ctx = Context(ruleset, year, cutoff)
    issues: list[pd.DataFrame] = [records.issues]
    members = _members(records.roster, ctx, issues)
    events = attendance_events(records.attendance, members, ctx, issues)
    bonuses = log_records(records.bonuses, "bonus", members, ctx, issues)
    negatives = log_records(records.negatives, "negative", members, ctx, issues)
    rows = pd.concat([
        apply_item_caps(attendance_rows(events, ctx), ruleset, presorted=True),
        apply_item_caps(pd.concat([log_rows(bonuses, "bonus", ctx),
                                   log_rows(negatives, "negative", ctx)], ignore_index=True),
                        ruleset),
        appraisal_rows(records.appraisals, members, ctx, issues),
    ], ignore_index=True)
    extra = period_rows(rows, members, negatives[negatives["zero_out"]], ctx)
    ledger = pd.concat([rows, extra], ignore_index=True)[LEDGER_COLUMNS]
    # Every block above is built in a deterministic order (events and logs sorted by member,
    # date and address); a stable sort by member and date interleaves them without re-sorting
    # a million addresses.
    ledger = sort_frame(ledger, ["member_id", "date"]).reset_index(drop=True)

    scope = members[members["in_scope"]].reset_index(drop=True)
    logs = pd.concat([bonuses.assign(kind="bonus"), negatives.assign(kind="negative")],
                     ignore_index=True)
    logs = sort_frame(logs[["member_id", "date", "kind", "item", "item_id", "zero_out",
                            "blocks_top_band", "source"]],
                      ["member_id", "date", "source", "kind"]).reset_index(drop=True)
    events = events[EVENT_COLUMNS]
    totals = _totals(ledger, scope, ruleset)
    ranked = rank_totals(totals, logs, ruleset)
    appraised = records.appraisals["member_id"]
    recorded = pd.concat([events["member_id"], logs["member_id"], appraised]).unique()
    flags, evidence = review_flags(ruleset=ruleset, year=year, full_year=ctx.full_year,
                                   members=scope, rankings=ranked, events=events, logs=logs,
                                   recorded=pd.Series(recorded, dtype="string"))
    return Assessment(
        ruleset=ruleset,
        year=year,
        as_of=cutoff,
        members=scope,
        ledger=ledger,
        totals=totals,
        monthly=_monthly(ledger, scope, ctx),
        issues=concat_issues(issues),
        events=events,
        logs=logs,
        rankings=ranked,
        flags=flags,
        evidence=evidence,
        candidates=candidate_list(ranked, logs, ruleset),
        files=records.files,
    )


def _dimension_table(ledger: pd.DataFrame, keys: list[str], columns: list[str],
                     index: pd.Index | pd.MultiIndex) -> pd.DataFrame:
    table = (ledger.groupby([*keys, "dimension"])["points"].sum().unstack("dimension")
             .reindex(index=index, columns=columns).fillna(0.0))
    table.columns = pd.Index(columns)
    table["total"] = table.sum(axis=1)
    return table.round(6)


def _totals(ledger: pd.DataFrame, scope: pd.DataFrame, ruleset: Ruleset) -> pd.DataFrame:
    columns = [d.id for d in ruleset.dimensions] + [ADJUSTMENT]
    table = _dimension_table(ledger, ["member_id"], columns, pd.Index(scope["member_id"]))
    out = scope[["member_id", "name", "branch", "category", "category_id", "kind"]].join(
        table.reset_index(drop=True))
    for dim in ruleset.dimensions:
        out[dim.id] = out[dim.id].where(dimension_applies(scope["skip_dimensions"], dim.id))
    return out


def _monthly(ledger: pd.DataFrame, scope: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    months = pd.DataFrame({"month": range(1, ctx.cutoff.month + 1)})
    grid = scope[["member_id", "window_start", "window_end"]].merge(months, how="cross")
    grid = grid[(grid["month"] >= grid["window_start"].dt.month)
                & (grid["month"] <= grid["window_end"].dt.month)]
    index = pd.MultiIndex.from_frame(grid[["member_id", "month"]])
    columns = [d.id for d in ctx.ruleset.dimensions] + [ADJUSTMENT]
    table = _dimension_table(ledger.assign(month=ledger["date"].dt.month),
                             ["member_id", "month"], columns, index)
    table["cumulative"] = table.groupby(level="member_id")["total"].cumsum().round(6)
    return table.reset_index()
