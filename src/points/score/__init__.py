"""Scoring: canonical records → each member's ledger, totals, monthly points and own flags.

Everything here depends on one member's records only (and the ruleset and calendar), so the
same call can run on any partition of the members: :func:`score_members` is the per-member
half of :func:`points.assess`; :mod:`points.judge` is the half that needs a branch or the
whole population. The records are checked and resolved under the ruleset (:mod:`.members`,
:mod:`.events`, :mod:`.logs`), scored by the steps of :mod:`.steps` into the ledger, and the
member flags of :mod:`.flags` are raised.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from ..records import Records
from ..rules.model import Ruleset
from ..vocab.frames import distinct, is_arrow_text, lexsort, sort_keys
from ..vocab.issues import ISSUE_COLUMNS, concat_issues, empty_issues
from ..vocab.memory import release_memory
from .calendar import Calendar
from .checks import GROUP_COLUMNS, merge_groups
from .dtypes import coded, ledger_dtypes
from .events import EVENT_COLUMNS, attendance_events
from .flags import MEMBER_FLAGS, MemberFlags
from .ledger import LEDGER_COLUMNS
from .logs import log_records, sort_logs
from .members import Timeline, assessed_members
from .scores import score_records
from .steps import STEPS, Scoring
from .tables import monthly_table, totals_table

__all__ = ["Calendar", "MemberScores", "previous_totals", "score_members"]


@attrs.frozen(kw_only=True)
class MemberScores:
    """The per-member results (see :class:`points.Assessment` for the columns), with the
    member flags and their evidence as raised (``flag_rows``, ``evidence_rows``: one frame
    per flag kind, not yet assembled into the review list)."""

    ruleset: Ruleset
    calendar: Calendar
    members: pd.DataFrame
    ledger: pd.DataFrame
    totals: pd.DataFrame
    monthly: pd.DataFrame
    issues: pd.DataFrame
    events: pd.DataFrame
    logs: pd.DataFrame
    flag_rows: tuple[pd.DataFrame, ...]
    evidence_rows: tuple[pd.DataFrame, ...]
    #: The issues among ``issues`` that count records of several members (one per unknown
    #: activity, item, date …) as rows of one member each, with their group and count
    #: (:func:`.checks.grouped_issue`): partitions of the members are split and merged by them
    #: (:func:`points.backends.partition.combine_scores`).
    grouped_issues: pd.DataFrame


#: Records (attendance, bonuses and negatives) from which scoring gives the memory its steps
#: freed back to the system between them (:func:`points.vocab.memory.release_memory`). Below,
#: the temporaries are small and the pages given back would only be faulted in again by the
#: next step: a re-run's one chunk of branches spent about a tenth of its time so.
RELEASE_RECORDS = 250_000


def _release(big: bool) -> None:
    if big:
        release_memory()


def _ledger(s: Scoring, issues: list[pd.DataFrame], big: bool) -> Scoring:
    """Every step's rows, each block's closed-vocabulary columns coded as soon as it is made
    (:mod:`.dtypes`: the blocks stay small while the later steps run). ``big``: many records
    (:data:`RELEASE_RECORDS`)."""
    dtypes = ledger_dtypes(s.ruleset)
    for step in STEPS:
        produced = step(s)
        issues.extend(produced.issues)
        s = attrs.evolve(s, blocks=(*s.blocks, coded(produced.rows, dtypes)))
        if step is STEPS[0]:
            _release(big)  # the attendance rows' temporaries: the largest step by far
    return s


def _sorted(rows: pd.DataFrame, column: str, order: np.ndarray, big: bool) -> pd.Series:
    """``column`` of ``rows`` taken in ``order``, and taken out of ``rows``: column by column,
    never two copies of the whole ledger. The old column's memory goes back to the system at
    once when ``big`` (Arrow's allocator would keep it for later, and the process would peak
    with both)."""
    values = rows.pop(column)
    chunks = pa.array(values.array) if is_arrow_text(values) else None
    if isinstance(chunks, pa.ChunkedArray) and chunks.num_chunks > 1:
        # one chunk first, the blocks' chunks let go: Arrow's take of several chunks would
        # join them into a temporary copy and hold the chunks, the copy and the result at once
        values = pd.Series(values.dtype.__from_arrow__(chunks.combine_chunks()))  # type: ignore[union-attr]  # (the hook to_pandas uses; not in the stubs)
        del chunks
        if big:
            pa.default_memory_pool().release_unused()
    taken = values.take(order).reset_index(drop=True)
    del values
    if big:
        pa.default_memory_pool().release_unused()
    return taken


def _grouped(issues: list[pd.DataFrame]) -> pd.DataFrame:
    grouped = [f for f in issues if GROUP_COLUMNS[0] in f.columns and len(f)]
    if not grouped:
        return empty_issues().assign(_group=pd.Series(dtype="string"),
                                     _count=pd.Series(dtype="int64"),
                                     _template=pd.Series(dtype="string"),
                                     _member=pd.Series(dtype="string"))
    out = pd.concat(grouped, ignore_index=True)[[*ISSUE_COLUMNS, *GROUP_COLUMNS]]
    return out.astype({"_group": "string", "_count": "int64", "_template": "string",
                       "_member": "string"})


def _issues(issues: list[pd.DataFrame], grouped: pd.DataFrame) -> pd.DataFrame:
    """The issues: each grouped one once, its rows (one a member) merged."""
    plain = [f for f in issues if GROUP_COLUMNS[0] not in f.columns]
    return concat_issues([*plain, merge_groups(grouped)[ISSUE_COLUMNS]])


def previous_totals(records: Records, ruleset: Ruleset, calendar: Calendar) -> pd.Series | None:
    """Each member's total of the cycle before ``calendar``'s, scored from the records dated in
    it (the history given with this cycle's files), for ``carry_last_cycle``; only members with
    a record in that cycle. That cycle is scored under the same rules without carrying from the
    one before it, and without 民主评议 results (they carry no date: they are this cycle's).
    None when no dimension carries a previous total."""
    if not any(d.carry_last_cycle is not None for d in ruleset.dimensions):
        return None
    before = Calendar(calendar.year - 1, None, ruleset.period, calendar.first_month)
    dated = pd.concat([t[["member_id", "date"]] for t in (
        records.attendance, records.negatives, records.bonuses, records.quizzes, records.study)])
    had = dated.loc[(dated["date"] >= before.start) & (dated["date"] <= before.year_end),
                    "member_id"].unique()
    plain = attrs.evolve(ruleset, dimensions=tuple(
        attrs.evolve(d, carry_last_cycle=None) for d in ruleset.dimensions))
    last = score_members(attrs.evolve(records, appraisals=records.appraisals.iloc[:0]), plain,
                         before).totals.set_index("member_id")["total"]
    return last[last.index.isin(had)]


def score_members(records: Records, ruleset: Ruleset, calendar: Calendar) -> MemberScores:
    """Score every member of ``records`` for the period of ``calendar``."""
    issues: list[pd.DataFrame] = [records.issues]
    big = len(records.attendance) + len(records.bonuses) + len(records.negatives) >= RELEASE_RECORDS
    members = assessed_members(records.roster, ruleset, calendar, issues)
    since = members["member_id"].map(records.roster.set_index("member_id")["joined"]).to_numpy(
        dtype="datetime64[us]")
    logs, past_logs = log_records(records.bonuses, records.negatives, members, ruleset, calendar,
                                  issues, since)
    timeline = Timeline(members, records.roster, ruleset)
    events, past_events = attendance_events(records.attendance, members, ruleset, calendar,
                                            issues, since, timeline)
    _release(big)  # the records' resolved copies, freed above
    scores = score_records(records, members, ruleset, calendar, issues, since)
    s = _ledger(Scoring(ruleset=ruleset, calendar=calendar, members=members, events=events,
                        logs=logs, appraisals=records.appraisals, scores=scores,
                        previous=previous_totals(records, ruleset, calendar),
                        timeline=timeline), issues, big)
    # Every block is built in a deterministic order (events and logs sorted by member, date
    # and address); a stable sort by member and date interleaves them without re-sorting a
    # million addresses.
    rows = coded(s.rows()[LEDGER_COLUMNS], ledger_dtypes(ruleset))  # (no rows: no blocks)
    s = attrs.evolve(s, blocks=())  # every row is in ``rows`` now: free the blocks before sorting
    order = lexsort(sort_keys(rows, ["member_id", "date"]))
    ledger = pd.DataFrame({c: _sorted(rows, c, order, big) for c in LEDGER_COLUMNS})
    del rows
    scope = members[members["in_scope"]].reset_index(drop=True)
    all_logs = sort_logs(logs)
    events = s.events[EVENT_COLUMNS]
    recorded = pd.concat([distinct(ids) for ids in (  # distinct first: no long copy
        events["member_id"], all_logs["member_id"], records.appraisals["member_id"],
        *(frame["member_id"] for frame in scores.values()))]).unique()
    flags = MemberFlags(attrs.evolve(s, events=events), all_logs,
                        pd.Series(recorded, dtype="string"),
                        history_events=past_events[EVENT_COLUMNS], history_logs=sort_logs(past_logs))
    for raise_flags in MEMBER_FLAGS:
        raise_flags(flags)
    _release(big)  # before the monthly table's temporaries
    grouped = _grouped(issues)
    return MemberScores(
        ruleset=ruleset, calendar=calendar, members=scope, ledger=ledger,
        totals=totals_table(ledger, scope, ruleset),
        monthly=monthly_table(ledger, scope, ruleset, calendar),
        issues=_issues(issues, grouped), events=events, logs=all_logs, grouped_issues=grouped,
        flag_rows=tuple(flags.flags), evidence_rows=tuple(flags.evidence))
