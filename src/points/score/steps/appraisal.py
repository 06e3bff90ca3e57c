"""民主评议: the appraisal result of each member becomes points (``appraisal`` rows), dated at
the end of the member's window; missing, unknown, conflicting and repeated results are data
issues.

A result is one of the ruleset's words (优秀 → 20) or, when the ruleset sets ``score_weight``,
a score such as ``85`` or ``85分`` (from ballots, 0 … ``score_max``) that earns
score × ``score_weight``. A score out of range is a located data issue, as is anything else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...rules.model import Appraisal
from ...vocab.frames import isin, per_distinct, sort_frame
from ...vocab.issues import make_issues
from ...vocab.text import map_names, normalize_name
from ..checks import grouped_issue, member_facts, member_positions
from ..ledger import dimension_applies, ledger_rows
from .base import Produced, Scoring

__all__ = ["step"]


def step(s: Scoring) -> Produced:
    rs, members = s.ruleset, s.members
    issues: list[pd.DataFrame] = []
    frame = s.appraisals[["member_id", "result", "source"]]
    pos = member_positions(frame, members, "民主评议", issues)
    spec = rs.appraisal
    if spec is None:  # the whole table is beside these rules: one issue, not one a member
        used = frame[pos >= 0]
        if len(used):
            issues.append(grouped_issue(
                used.assign(_all=""), ["_all"], "appraisal_not_applicable",
                lambda f, n: "本规则（" + rs.title + "）不计民主评议，" + n + "条评议结果未计分"))
        return Produced(issues=tuple(issues))
    keep = (pos >= 0) & members["in_scope"].to_numpy()[np.where(pos >= 0, pos, 0)]
    frame = member_facts(frame[keep], pos[keep], members).assign(
        window_end=members["window_end"].to_numpy()[pos[keep]])
    applies = dimension_applies(frame["skip_dimensions"], spec.dimension)
    if (~applies).any():
        na = frame[~applies]
        issues.append(make_issues(
            "appraisal_not_applicable",
            "“" + na["category"] + "”不参加民主评议，结果“" + na["result"] + "”未计分",
            na["source"], na["member_id"]))
    frame = _one_result(_known_results(frame[applies], spec, issues), issues)
    if spec.required and s.calendar.full_year:
        _missing(s, frame, spec.dimension, issues)
    frame = frame.assign(date=frame["window_end"])
    frame = frame[frame["points"] != 0]
    rows = ledger_rows(member_id=frame["member_id"], date=frame["date"],
                       period=s.calendar.periods()[-1], dimension=spec.dimension,
                       rule="appraisal", item="民主评议", status=frame["result"],
                       points=frame["points"], source=frame["source"], index=frame.index)
    return Produced(rows=rows, issues=tuple(issues))


def _known_results(frame: pd.DataFrame, spec: Appraisal,
                   issues: list[pd.DataFrame]) -> pd.DataFrame:
    """The results that are known words or scores in range, with their ``points``; the
    result of a score becomes ``85分`` (so that ``85`` and ``85.0`` are the same result)."""
    results = dict(spec.results)
    canonical = map_names(frame["result"], {normalize_name(k): k for k in results})
    points = canonical.map(results).astype("float64")
    known = canonical.notna()
    if spec.score_weight is not None:
        score = _scores(frame["result"]) if len(frame) else pd.Series(np.nan, index=frame.index)
        numeric = ~known & score.notna()
        fits = numeric & score.between(0, spec.score_max)
        _out_of_range(frame[numeric & ~fits], spec.score_max, issues)
        shown = pd.Series(per_distinct(score[fits].to_numpy(), lambda v: f"{v:g}分"),
                          index=score[fits].index, dtype="string")
        canonical = canonical.mask(fits, shown)
        points = points.mask(fits, score * spec.score_weight)
        known |= numeric  # a score out of range is reported above
    expected = ["、".join(results)] if results else []
    if spec.score_weight is not None:
        expected.append(f"0–{spec.score_max:g} 的分数")
    words = "，或 ".join(expected)
    unknown = ~known
    if unknown.any():
        bad = frame[unknown]
        issues.append(make_issues(
            "unknown_appraisal_result",
            "未知的评议结果“" + bad["result"] + "”（应为 " + words + "），未计分",
            bad["source"], bad["member_id"]))
    keep = canonical.notna()
    return frame.assign(result=canonical.astype("string"), points=points)[keep]


def _scores(results: pd.Series) -> pd.Series:
    """Each result as a number (``85``, ``85.5``, ``85分``, full-width digits), NaN if not one."""
    text = pd.Series(per_distinct(results.to_numpy(dtype=object), normalize_name),
                     index=results.index, dtype="string").str.removesuffix("分")
    number = pd.to_numeric(text.where(text.str.fullmatch(r"[+-]?\d+(\.\d+)?"), None),
                           errors="coerce")
    return number.astype("float64")


def _out_of_range(bad: pd.DataFrame, maximum: float, issues: list[pd.DataFrame]) -> None:
    if len(bad):
        issues.append(make_issues(
            "unknown_appraisal_result",
            "评议分数“" + bad["result"] + f"”不在 0 到 {maximum:g} 之间，未计分",
            bad["source"], bad["member_id"]))


def _one_result(frame: pd.DataFrame, issues: list[pd.DataFrame]) -> pd.DataFrame:
    """One result per member: different results are a conflict (none counts), the same
    result again counts once."""
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
    return frame[(n_results == 1)].drop_duplicates("member_id", keep="first")


def _missing(s: Scoring, frame: pd.DataFrame, dimension: str,
             issues: list[pd.DataFrame]) -> None:
    members = s.members
    graded = members[members["in_scope"].to_numpy()
                     & dimension_applies(members["skip_dimensions"], dimension)]
    missing = graded[~isin(graded["member_id"], frame["member_id"])]
    if len(missing):
        issues.append(make_issues(
            "appraisal_missing", missing["name"] + "没有民主评议结果，民主评议计 0 分",
            missing["source"], missing["member_id"]))
