"""Review flags (复核提示): the judgements on a member's total, and the review list itself.

The member flags (six-month rule, escalation, counts, zero-out, no records) are raised per
member while scoring (:mod:`points.score.flags`); here the flags that judge a total against
its bands and its branch (grade, quota, bottom share, probation) are raised, and every flag
is put in the review list: one row per member and code with its label, evidence (text with
source addresses) and suggested action, gravest first. The evidence is also a table of its
own (one row per record), so every address can be checked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..rules.model import Band, RatingBand, Ruleset
from ..score.flags import flag_rows, roster_evidence
from ..vocab.codes import FLAG_CODES
from ..vocab.frames import (
    arrow_text,
    empty_table,
    lexsort,
    positions,
    run_starts,
    sort_frame,
    sort_keys,
    source_key,
)

__all__ = ["EVIDENCE_COLUMNS", "FLAG_COLUMNS", "judgement_flags", "review_list"]

FLAG_COLUMNS = ["member_id", "name", "branch", "category", "code", "label", "level", "detail",
                "evidence", "action", "months", "months_to_six_month_rule"]
EVIDENCE_COLUMNS = ["member_id", "code", "month", "date", "record", "status", "detail", "source"]


class _Judged:
    """The rankings with what a flag on a total says, made for the flagged rows only: the
    few members a flag picks get their total as text (formatted once per distinct total) and
    their branch rank, never the whole population; the members' roster rows are looked up
    once, in one call (the source of the evidence)."""

    def __init__(self, members: pd.DataFrame, rankings: pd.DataFrame) -> None:
        self.members, self.rankings = members, rankings
        self.flags: list[pd.DataFrame] = []
        self.evidence: list[pd.DataFrame] = []
        self.roster_row: np.ndarray | None = None  # each ranked member's roster row

    def raise_flag(self, code: str, chosen: pd.Series, tail: str, *, place: bool = False,
                   rating: bool = False) -> None:
        """Flag ``code`` on the rows ``chosen`` (missing: not chosen), its detail the total,
        then the branch rank (``place``), ``tail`` and the rating in quotes (``rating``)."""
        mask = pd.Series(chosen).fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            return
        rows = self.rankings[mask]
        if self.roster_row is None:  # (once, on the first flag: one lookup of every member)
            self.roster_row = positions(self.rankings["member_id"], self.members["member_id"])
        source = self.members["source"].array.take(self.roster_row[mask], allow_fill=True)
        who = pd.DataFrame({"member_id": rows["member_id"],
                            "source": pd.Series(source, index=rows.index)}, index=rows.index)
        detail = "总积分 " + _one_decimal(rows["total"])
        if place:
            detail = detail + "，支部排名第 " + rows["branch_rank"].astype("string") + " 名"
        detail = detail + tail
        if rating:
            detail = detail + "“" + rows["rating"].fillna("") + "”"
        self.flags.append(flag_rows(who, code, detail))
        self.evidence.append(roster_evidence(who, code, detail))


def _one_decimal(values: pd.Series) -> pd.Series:
    """``values`` as text with one decimal (``"{:.1f}"``), formatted once per distinct value
    (distinct as bits: ``-0.0`` keeps its sign)."""
    bits = np.asarray(values, dtype="float64").view("int64")
    uniques, codes = np.unique(bits, return_inverse=True)
    texts = pd.array([f"{u:.1f}" for u in uniques.view("float64").tolist()], dtype="string")
    return pd.Series(texts.take(codes.ravel()), index=values.index)


def judgement_flags(ruleset: Ruleset, members: pd.DataFrame, rankings: pd.DataFrame
                    ) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Grade, probation, quota and bottom-share flags (raise them in full-year runs only:
    they judge a whole year); the evidence of each is the member's roster row."""
    judged = _Judged(members, rankings)
    _band_flags(ruleset, judged)
    for code, chosen, tail in (
            ("quota_tie", rankings["quota"] == "tie", "，与优秀名额最后一名同分，暂列合格"),
            ("quota_demoted", rankings["quota"] == "demoted", "，超出本支部优秀名额，暂列合格"),
            ("bottom_share", rankings["bottom_share"], "，本支部基本合格、不合格人数不足规定比例"),
    ):
        judged.raise_flag(code, chosen, tail, place=True)
    _rating_flags(judged)
    return judged.flags, judged.evidence


def _rating_flags(judged: _Judged) -> None:
    """The shares of ``[rating]``: moved down by an ``at_most`` share, or flagged by an
    ``at_least`` one."""
    ranked = judged.rankings
    for code, chosen, tail in (
            ("rating_tie", ranked["rating_quota"] == "tie", "，与上一档名额最后一名同分，暂列"),
            ("rating_demoted", ranked["rating_quota"] == "demoted", "，超出上一档名额，列"),
            ("rating_short", ranked["rating_short"], "，本支部低档人数不足规定比例，现列"),
    ):
        judged.raise_flag(code, chosen, tail, place=True, rating=True)


def _band_flags(ruleset: Ruleset, judged: _Judged) -> None:
    ranked = judged.rankings
    bands: list[tuple[pd.Series, Sequence[Band | RatingBand]]] = []
    if ruleset.grades is not None:
        bands.append((ranked["grade"], ruleset.grades.bands))
    bands.append((ranked["probation_band"], ruleset.probation))
    if ruleset.rating is not None:
        bands.append((ranked["rating"], ruleset.rating.bands))
    for names, band_list in bands:
        for band in band_list:
            if band.flag is None:
                continue
            judged.raise_flag(band.flag, names == band.name, "，落入“" + band.name + "”档")


def review_list(flags: list[pd.DataFrame], evidence: list[pd.DataFrame],
                members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flags, evidence): every flag with its evidence, sorted by code order, branch, member;
    one row per member and code."""
    ev = pd.concat(evidence, ignore_index=True) if evidence else _empty_evidence()
    ev = ev.assign(date=ev["date"].astype("datetime64[us]"),  # (each code looked up once)
                   _order=positions(ev["code"], list(FLAG_CODES)))
    ev = ev.iloc[_evidence_order(ev)][EVIDENCE_COLUMNS]
    # one row per record (a flag on periods may show one roster row for several periods)
    ev = ev.drop_duplicates(["member_id", "code", "source", "date"]).reset_index(drop=True)

    if not flags:
        return _empty_flags(), ev
    out = _merge_repeats(pd.concat(flags, ignore_index=True))
    date = ev["date"].dt.strftime("%Y-%m-%d").astype("string")
    line = (date + " " + ev["record"] + " " + ev["status"].fillna("")).str.strip()
    line = line.where(ev["date"].notna(), ev["record"])
    keys, text = _join_groups(line + "（" + ev["source"] + "）", ev["member_id"], ev["code"])
    found = text.take(pc.index_in(_pair_key(out["member_id"], out["code"]), value_set=keys))
    out["evidence"] = out["detail"] + "：" + pd.Series(pd.array(found, dtype="string"),
                                                      index=out.index)
    info = members.set_index("member_id")[["name", "branch", "category"]]
    out = out.join(info, on="member_id")
    out["label"] = out["code"].map({c: f.label for c, f in FLAG_CODES.items()}).astype("string")
    action = out["code"].map({c: f.action for c, f in FLAG_CODES.items()}).astype("string")
    escalation = out["code"] == "absence_escalation"
    action[escalation] = np.where(out.loc[escalation, "level"] == 2, "限期改正", "批评教育")
    out["action"] = action
    out["_order"] = positions(out["code"], list(FLAG_CODES))
    out = sort_frame(out, ["_order", "branch", "member_id"])
    return out[FLAG_COLUMNS].reset_index(drop=True), ev


def _evidence_order(ev: pd.DataFrame) -> np.ndarray:
    """The rows of ``ev`` in the order of ``sort_frame(ev, ["member_id", "_order", "date",
    "source"])``, with the sources ranked (a sort of their distinct texts in natural order, in
    Python) only among the rows that tie on the other keys: a member's records of one code
    are mostly of different dates."""
    keys = sort_keys(ev, ["member_id", "_order", "date"])  # (least significant first)
    order = lexsort(keys) if len(ev) > 1 else np.arange(len(ev))
    same = np.ones(max(len(ev) - 1, 0), dtype=bool)
    for key in keys:  # dates compared as numbers: NaT equals NaT
        ranked = (key.view("int64") if key.dtype.kind == "M" else key)[order]
        same &= ranked[1:] == ranked[:-1]
    if not same.any():
        return order
    tied = np.zeros(len(ev), dtype=bool)
    tied[order[1:][same]] = tied[order[:-1][same]] = True
    rows = np.flatnonzero(tied)
    by_source = []
    for key in source_key(ev["source"].iloc[rows]):  # (most significant first)
        whole = np.zeros(len(ev), dtype=key.dtype)
        whole[rows] = key
        by_source.append(whole)
    return lexsort([*reversed(by_source), *keys])


def _join_groups(text: pd.Series, member: pd.Series, code: pd.Series
                 ) -> tuple[pa.Array, pa.Array]:
    """``text`` joined with "；" per member and code (their rows contiguous), in Arrow: each
    group's key (:func:`_pair_key`) and its joined text (missing when one of its texts is)."""
    starts = np.flatnonzero(run_starts(member) | run_starts(code))
    values = arrow_text(text.astype("string"))
    lists = pa.LargeListArray.from_arrays(pa.array(np.r_[starts, len(text)].astype("int64")),
                                          values)
    joined = pc.binary_join(lists, pa.scalar("；", values.type))
    return _pair_key(member.iloc[starts], code.iloc[starts]), joined


def _pair_key(member: pd.Series, code: pd.Series) -> pa.Array:
    """One text per member and code that no other pair has: the member's length in bytes,
    the member and the code (``3:M12:code``)."""
    ids = arrow_text(member.astype("string"))
    codes = arrow_text(code.astype("string")).cast(ids.type)
    return pc.binary_join_element_wise(pc.cast(pc.binary_length(ids), ids.type), ids, codes,
                                       pa.scalar(":", ids.type))


def _merge_repeats(flags: pd.DataFrame) -> pd.DataFrame:
    """One row per member and code (the six-month rule may come from attendance and dues)."""
    repeated = flags.duplicated(["member_id", "code"], keep=False).to_numpy()
    if not repeated.any():
        return flags.reset_index(drop=True)
    merged = flags[repeated].groupby(["member_id", "code"], sort=False).agg(
        level=("level", "max"), detail=("detail", "；".join),
        months=("months", lambda m: "；".join(x for x in m if x)),
        months_to_six_month_rule=("months_to_six_month_rule", "min")).reset_index()
    return pd.concat([flags[~repeated], merged], ignore_index=True)


def _empty_evidence() -> pd.DataFrame:
    return empty_table(EVIDENCE_COLUMNS, {"month": "Int64", "date": "datetime64[us]"})


def _empty_flags() -> pd.DataFrame:
    return empty_table(FLAG_COLUMNS, {"level": "Int64", "months_to_six_month_rule": "Int64"})
