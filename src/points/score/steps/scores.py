"""Exam scores and study points as credits (``[quiz]``, ``[study]``): a ``quiz`` row per exam
(``党史知识测试（得分 85）``) and a ``study`` row per month or year of study points
(``学习强国 2024-03（学习积分 1200）``), dated and addressed at the record; then their caps per
scoring period (``cap.quiz``, ``cap.study``) and per year (``yearcap.quiz``, ``yearcap.study``).
A score below the lowest band earns nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import ScoreRule
from ...vocab.frames import per_distinct, sort_frame
from ..ledger import ledger_rows, skips
from .base import Produced, Scoring
from .caps import apply_caps

__all__ = ["credit_of", "step"]


def credit_of(rule: ScoreRule, scores: np.ndarray) -> np.ndarray:
    """The credit of each score: its band's points (0 below the lowest band), or ``points``
    for every whole ``per`` of it (nothing for a negative score)."""
    if rule.bands:
        mins = np.array([b.min for b in rule.bands][::-1])  # ascending
        points = np.array([0.0, *[b.points for b in rule.bands][::-1]])
        return points[np.searchsorted(mins, scores, side="right")]
    assert rule.per is not None  # the loader requires bands or per
    return np.floor(np.maximum(scores, 0.0) / rule.per) * rule.points


def _item(table: str, frame: pd.DataFrame) -> pd.Series:
    values = frame["score" if table == "quizzes" else "points"].to_numpy()
    number = pd.Series(per_distinct(values, "{:g}".format), index=frame.index, dtype="string")
    if table == "quizzes":
        return frame["exam"] + "（得分 " + number + "）"
    month = frame["date"].dt.strftime("%Y-%m").astype("string")
    span = month.where(frame["span"] == "month", frame["date"].dt.year.astype("string") + " 年")
    return "学习强国 " + span + "（学习积分 " + number + "）"


def _year_cap(rows: pd.DataFrame, rule: ScoreRule) -> pd.DataFrame:
    """``yearcap.<kind>``: the part of a member's year above ``year_cap`` (after the caps per
    period), dated and addressed at the record whose running sum crossed it."""
    if rule.year_cap is None or rows.empty:
        return rows.iloc[:0]
    ordered = sort_frame(rows, ["member_id", "date", "source"])
    running = ordered.groupby("member_id", sort=False)["points"].cumsum()
    over = ordered[(running > rule.year_cap + 1e-9).to_numpy()].drop_duplicates("member_id")
    total = ordered.groupby("member_id")["points"].sum()
    return ledger_rows(member_id=over["member_id"], date=over["date"], period=over["period"],
                       dimension=rule.dimension, rule=f"yearcap.{rule.kind}", item=over["item"],
                       points=rule.year_cap - over["member_id"].map(total), source=over["source"],
                       index=over.index, drop_zero=True)


def step(s: Scoring) -> Produced:
    rows = []
    for table, rule, rule_id in (("quizzes", s.ruleset.quiz, "quiz"),
                                 ("study", s.ruleset.study, "study")):
        frame = s.scores.get(table)
        if rule is None or frame is None or frame.empty:
            continue
        frame = frame[~skips(frame.assign(dimension=rule.dimension), "dimension")]
        credit = credit_of(rule, frame["score" if table == "quizzes" else "points"].to_numpy())
        use = frame[credit != 0]
        rows.append(ledger_rows(
            member_id=use["member_id"], date=use["date"], period=s.calendar.period_of(use["date"]),
            dimension=rule.dimension, rule=rule_id, item=_item(table, use),
            points=pd.Series(credit[credit != 0], index=use.index), source=use["source"],
            index=use.index))
    if not rows:
        return Produced()
    capped = apply_caps(pd.concat(rows, ignore_index=True), s.ruleset)
    kinds = capped["rule"].str.removeprefix("cap.")
    year = [_year_cap(capped[(kinds == r.kind).to_numpy()], r)
            for r in (s.ruleset.quiz, s.ruleset.study) if r is not None]
    return Produced(rows=pd.concat([capped, *year], ignore_index=True))
