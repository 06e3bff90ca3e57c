"""Judging: what needs a branch or the whole population, on the members' scores.

Ranks, suggested grades with the 优秀 quota, probation and candidate bands
(:mod:`.ranking`), the flags on a total and the review list (:mod:`.flags`), the development
candidates' merit list (:mod:`.candidates`), and the comparison of two assessments
(:mod:`.compare`). :func:`judge` is the population half of :func:`points.assess`; it runs once
on the members' scores, however they were computed.
"""

from __future__ import annotations

from ..score import MemberScores
from ..vocab.issues import concat_issues
from .assessment import AssessmentTables
from .candidates import candidate_list, select_candidates
from .compare import compare_assessments
from .coverage import branches_without_records
from .flags import judgement_flags, review_list
from .ranking import rankings

__all__ = ["AssessmentTables", "compare_assessments", "judge", "select_candidates"]


def judge(scores: MemberScores, files: tuple[tuple[str, str], ...] = ()) -> AssessmentTables:
    """The assessment of the members whose scores are given (``files``: the inputs read)."""
    rs, cal = scores.ruleset, scores.calendar
    ranked = rankings(scores.totals, scores.logs, rs)
    flags, evidence = list(scores.flag_rows), list(scores.evidence_rows)
    if cal.full_year:
        more_flags, more_evidence = judgement_flags(rs, scores.members, ranked)
        flags += more_flags
        evidence += more_evidence
    flag_table, evidence_table = review_list(flags, evidence, scores.members)
    return AssessmentTables(
        ruleset=rs, year=cal.year, as_of=cal.as_of, members=scores.members,
        ledger=scores.ledger, totals=scores.totals, monthly=scores.monthly,
        issues=concat_issues([scores.issues,
                              branches_without_records(scores.members, scores.events)]),
        events=scores.events, logs=scores.logs, rankings=ranked,
        flags=flag_table, evidence=evidence_table,
        candidates=candidate_list(ranked, scores.logs, rs), files=files)
