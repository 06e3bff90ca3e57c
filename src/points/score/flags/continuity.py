"""Flags on runs of months: ``six_month_rule`` (党章第九条: six consecutive missed months of
organisational life, or of unpaid dues) and ``absence_escalation`` (2–3 months: level 1,
4–5: level 2; development candidates, who have no six-month rule, from 2 months on)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import FlagRules
from ...vocab.frames import isin
from ...vocab.statuses import STATUS_LABELS
from ..calendar import month_index
from .base import MemberFlags
from .rows import flag_rows, record_evidence
from .runs import dues_runs, in_run, missed_month_runs, run_detail, run_months

__all__ = ["continuity_flags"]


def _months_to_rule(rules: FlagRules, missed: pd.DataFrame, dues: pd.DataFrame) -> pd.Series:
    """Months left before the six-month rule, from each member's current runs."""
    to_rule = (rules.six_month_run - missed.set_index("member_id")["current_length"]).clip(lower=0)
    current = dues.set_index("member_id")
    current = current[current["current"]]
    to_rule = pd.concat([to_rule, (rules.six_month_run - current["length"]).clip(lower=0)])
    return to_rule.groupby(level=0).min()


def _six_month(out: MemberFlags, runs: pd.DataFrame, records: pd.DataFrame,
               what: str, status: pd.Series | str, record: str) -> None:
    if not len(runs):
        return
    out.add(flag_rows(runs, "six_month_rule", run_detail(runs, what), months=run_months(runs),
                      months_to=0))
    used = in_run(records, runs)
    shown = used["status"].map(STATUS_LABELS) if isinstance(status, pd.Series) else status
    out.evidence.append(record_evidence(used, "six_month_rule", record, shown))


def _records_of(frames: tuple[pd.DataFrame, ...], members: pd.Series) -> pd.DataFrame:
    """The organisational-life records of ``members`` (those with a run), in order, with their
    month: the evidence is taken from them only, not from every record."""
    org = pd.concat([f[(f["org_life"].to_numpy(dtype=bool)
                        & isin(f["member_id"], members.unique()))] for f in frames])
    return org.assign(month=month_index(org["date"]))


def continuity_flags(out: MemberFlags) -> None:
    s, rules = out.scoring, out.scoring.ruleset.flags
    since = int(month_index(pd.Series([s.calendar.start])).iloc[0])
    candidates = out.members.loc[out.members["kind"] == "candidate", "member_id"]
    frames = (out.history_events, s.events)
    _, missed = missed_month_runs(pd.concat([  # the organisational-life records' short columns
        f.loc[f["org_life"].to_numpy(dtype=bool), ["member_id", "date", "status", "org_life"]]
        for f in frames]), since)
    org = _records_of(frames, missed["member_id"])
    dues, dues_longest = dues_runs(pd.concat([out.history_logs, out.logs]), rules.dues_item, since)
    missed = missed.assign(candidate=isin(missed["member_id"], candidates))
    dues_longest = dues_longest[~isin(dues_longest["member_id"], candidates)]
    to_rule = _months_to_rule(rules, missed, dues_longest)
    six = missed[(missed["length"] >= rules.six_month_run) & ~missed["candidate"]]
    _six_month(out, six, org, "未参加组织生活", org["status"], "activity")
    six_dues = dues_longest[dues_longest["length"] >= rules.six_month_run]
    _six_month(out, six_dues, dues, "未按时交纳党费", "未交党费", "item")

    level1 = missed["length"] >= rules.escalation_level1
    escalate = missed[level1 & (missed["candidate"] | (missed["length"] < rules.six_month_run))]
    if not len(escalate):
        return
    level = np.where(escalate["length"] >= rules.escalation_level2, 2, 1)
    words = pd.Series(np.where(level == 2, "二级：限期改正", "一级：批评教育"),
                      index=escalate.index, dtype="string")
    out.add(flag_rows(escalate, "absence_escalation",
                      run_detail(escalate, "未参加组织生活") + "，" + words, level=level,
                      months=run_months(escalate),
                      months_to=escalate["member_id"].map(to_rule).where(~escalate["candidate"])))
    used = in_run(org, escalate)
    out.evidence.append(record_evidence(used, "absence_escalation", "activity",
                                        used["status"].map(STATUS_LABELS)))
