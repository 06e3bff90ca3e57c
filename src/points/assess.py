"""``points.assess``: read records → score each member → judge the population → an
:class:`Assessment`, whose methods write the review workbooks.

The two halves are separate calls so that the per-member half can run on partitions of the
members: :func:`points.score.score_members` (ledger, totals, monthly, member flags), here, on
this machine's cores or over a Dask cluster (:mod:`points.backends`), and
:func:`points.judge.judge` (ranks, grades, quotas, bands, the review list, candidates), once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pandas as pd

from .backends import score_on
from .judge import AssessmentTables, judge
from .records import Records
from .report import LedgerOption, Notice, write_per_branch, write_review
from .rules import Ruleset, default_ruleset
from .score import Calendar
from .score.calendar import cycle_month
from .vocab.errors import ArgumentError
from .vocab.progress import Progress

__all__ = ["Assessment", "assess", "calendar_for"]


@attrs.frozen(kw_only=True)
class Assessment(AssessmentTables):
    """The result of :func:`assess` (its tables are described in
    :class:`points.judge.AssessmentTables`), with methods that write it."""

    def to_excel(self, path: str | Path, *, public: bool = False, mask_names: bool = False,
                 ledger: LedgerOption = "auto", org: str | None = None,
                 date: dt.date | None = None, notice: Notice | None = None) -> list[Path]:
        """Write the review workbook (复核工作簿) to ``path`` (an ``.xlsx`` file): the same as
        :func:`points.write_review`.

        Sheets: 汇总, 复核提示, 积分明细, 发展对象, 支部统计, 数据问题, 积分规则 (see
        :mod:`points.report.review` for their columns). ``public=True`` writes the 公示
        version instead: the members (姓名, 支部, 总积分, 建议等次) and the candidates in
        姓氏笔画 order, with the 公示期 and contact of ``notice`` (:class:`points.Notice`);
        ``mask_names=True`` shows names as ``张*三``. ``org``: the organisation on every page;
        ``date``: the run date printed (and the 公示期's first day).
        ``ledger``: ``"auto"`` (the default: ``"sheets"`` up to 100,000 rows, else
        ``"parquet"``), ``"sheets"`` (split over 积分明细, 积分明细2, … when longer than a
        sheet), ``"csv"`` or ``"parquet"`` (written beside the workbook as
        ``<name>-积分明细.csv``) or ``"none"``. The file is written atomically; writing over an
        input file raises :class:`points.OutputError`. Returns the paths written.
        """
        return write_review(self, path, public=public, mask_names=mask_names, ledger=ledger,
                            org=org, date=date, notice=notice)

    def to_excel_per_branch(self, directory: str | Path, *, public: bool = False,
                            mask_names: bool = False, org: str | None = None,
                            date: dt.date | None = None, notice: Notice | None = None
                            ) -> dict[str, Path]:
        """One review workbook per branch in ``directory`` (the same as
        :func:`points.write_per_branch`), each named after its branch (made safe for every
        file system), plus ``全部支部.xlsx`` for the whole without the ledger. Returns branch →
        path (the whole under ``""``). ``public``, ``org``, ``date``, ``notice``: as for
        :meth:`to_excel`."""
        return write_per_branch(self, directory, public=public, mask_names=mask_names, org=org,
                                date=date, notice=notice)


def _as_of(as_of: object) -> pd.Timestamp | None:
    if as_of is None:
        return None
    problem = ArgumentError(f"统计截止日：应为日期，如 2024-09-30，实际是 {as_of!r}")
    try:
        stamp = pd.Timestamp(as_of)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise problem from None
    if pd.isna(stamp):
        raise problem
    return stamp.normalize()


def _check_year(year: object) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ArgumentError(f"考核年度：应为年份，如 2024，实际是 {year!r}")


def calendar_for(records: Records, ruleset: Ruleset, year: int | None = None,
                 as_of: object = None, *, strict: bool = False) -> Calendar:
    """The period to score: ``year`` (else the year of ``as_of``, else the year most records
    fall in) up to ``as_of``. This needs every record, so it is decided once, before the
    members are scored. ``strict``: a ``year`` in which no record is dated is an error (the
    command line's ``--year``; in Python a year without records simply scores nothing).
    With a cycle off the calendar year (``cycle_start``), a year is the cycle that ends in it."""
    if year is not None:
        _check_year(year)
    cutoff = _as_of(as_of)
    first_month = cycle_month(ruleset.cycle_start)
    probe = Calendar(2000, None, ruleset.period, first_month)  # for the cycle of a date
    if cutoff is not None:
        of_cutoff = int(probe.cycle_year(pd.Series([cutoff])).iloc[0])
        if year is not None and year != of_cutoff:
            within = Calendar(year, None, ruleset.period, first_month).name
            raise ArgumentError(f"统计截止日 {cutoff:%Y-%m-%d} 不在 {within}内")
        year = of_cutoff
    dates = pd.concat([records.attendance["date"], records.negatives["date"],
                       records.bonuses["date"]]).value_counts(sort=False)  # once a date
    counts = dates.groupby(probe.cycle_year(dates.index.to_series()).to_numpy()).sum()
    if year is None:
        if dates.empty:
            raise ArgumentError("无法判断考核年度：记录中没有任何日期；请指定年度（命令行用 --year）")
        year = int(counts[counts == counts.max()].index.max())
    elif strict and not dates.empty and year not in counts.index:
        found = "、".join(f"{y} 年 {n} 条" for y, n in counts.sort_index().items())
        raise ArgumentError(f"{year} 年度没有任何签到或加减分记录（记录的年份：{found}）；请检查年度")
    _check_year(year)
    return Calendar(year, cutoff, ruleset.period, first_month)


def assess(records: Records, ruleset: Ruleset | None = None, *, year: int | None = None,
           as_of: dt.date | str | pd.Timestamp | None = None, strict_year: bool = False,
           client: Any = None, progress: Progress | None = None,
           cache: str | Path | None = None, workers: int | None = None) -> Assessment:
    """Score one year of ``records`` under ``ruleset`` (the default ruleset when None).

    ``year`` defaults to the year of ``as_of``, else to the year most records fall in. With
    ``as_of`` (a date), the year is scored up to and including that day, for monthly runs.
    ``strict_year``: a ``year`` in which no record is dated raises :class:`points.ArgumentError`;
    so does a roster without members (nothing to score).
    Marks, activity names, log items and categories are resolved under ``ruleset`` here, so
    one reading of the workbooks serves every ruleset. Problems in the records never stop the
    run: they are in ``Assessment.issues``.

    ``client``: a ``distributed.Client`` (the optional ``dask`` dependency): the members are
    scored partitioned by branch over its cluster (:mod:`points.backends.dask`), then judged
    once here; the result is the same as without it. ``progress``: a callback told of the
    branches scored (see :mod:`points.vocab.progress`).

    ``workers``: processes that score side by side on this machine, as in
    :func:`points.read_workbooks` (:mod:`points.backends.cores`): the members are split into
    parts of whole branches, one scored here and the others in worker processes forked from
    this one, then combined; the result is the same as in one process. By default one a core
    this process may use (at most 8: :func:`points.vocab.forking.worker_count`; ``taskset``
    and a container's CPU quota are followed) on Linux from 400,000 records on, else 1;
    ``1`` scores everything here. Forked processes are used only on Linux, and not from a
    daemonic process such as a worker of the caller's own ``multiprocessing.Pool``
    (elsewhere any number scores here).
    Not used with ``client``.

    ``cache``: a cache folder (made if missing; may be the one given to
    :func:`points.read_workbooks`): each chunk of branches' scores is kept there, keyed by its
    records, the ruleset's content, the period and the program's version, and a later run
    scores only the chunks whose records changed (:mod:`points.backends.cache`); the result
    is the same as without it. Entries this run did not use are removed from the folder, except
    those of the other ruleset or period used last (a monthly report beside the year's scores). A
    folder that cannot be used (a file, or a folder of other files) raises
    :class:`points.ArgumentError`, as in :func:`points.read_workbooks`.
    """
    if not isinstance(records, Records):
        raise TypeError(f"records: expected points.Records, got {type(records).__name__}; "
                        "build one with points.Records.from_frames(...)")
    ruleset = default_ruleset() if ruleset is None else ruleset
    if not isinstance(ruleset, Ruleset):
        raise TypeError(f"ruleset: expected points.Ruleset, got {type(ruleset).__name__}; "
                        "load one with points.load_ruleset(path)")
    if records.roster.empty:
        raise ArgumentError("名册中没有党员，无法计分：请检查名册表（表头下每行一名党员，至少有姓名一列）")
    calendar = calendar_for(records, ruleset, year, as_of, strict=strict_year)
    scores = score_on(records, ruleset, calendar, client=client, progress=progress, cache=cache,
                      workers=workers)
    tables = judge(scores, records.files)
    return Assessment(**{f.name: getattr(tables, f.name) for f in attrs.fields(AssessmentTables)})
