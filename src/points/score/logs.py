"""Log records (先锋示范 bonuses and 负面清单 entries) → the records that are scored.

An item is matched by its name or an alias after normalisation. A record given (or read) as
a bonus whose item the ruleset lists only on the negative list is a negative-list record, and
the other way round: the ruleset's item names decide where the sheet's title was only a guess.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ..rules.model import Ruleset
from ..vocab.frames import sort_frame
from ..vocab.issues import make_issues
from ..vocab.text import map_names
from .calendar import Calendar
from .checks import grouped_issue, history, in_window, in_year, member_facts, member_positions

__all__ = ["LOG_COLUMNS", "LOG_KINDS", "log_records", "sort_logs"]

LOG_KINDS: tuple[Literal["bonus"], Literal["negative"]] = ("bonus", "negative")
LABELS = {"bonus": "先锋示范", "negative": "负面清单"}
LOG_COLUMNS = ["member_id", "date", "kind", "item", "item_id", "zero_out", "blocks_top_band",
               "source"]


def _kinds(bonuses: pd.DataFrame, negatives: pd.DataFrame, rs: Ruleset
           ) -> dict[Literal["bonus", "negative"], pd.DataFrame]:
    """Each kind's records: those given as that kind whose item the other list does not
    claim, and those given as the other kind whose item only this list names."""
    columns = ["member_id", "date", "item", "source"]
    given: dict[Literal["bonus", "negative"], pd.DataFrame] = {
        "bonus": bonuses[columns], "negative": negatives[columns]}
    known = {given_kind: {kind: map_names(frame["item"], rs.item_names(kind)).notna().to_numpy()
                          for kind in LOG_KINDS} for given_kind, frame in given.items()}
    out: dict[Literal["bonus", "negative"], pd.DataFrame] = {}
    for kind, other in (LOG_KINDS, LOG_KINDS[::-1]):
        stays = known[kind][kind] | ~known[kind][other]
        moves = ~known[other][other] & known[other][kind]
        out[kind] = pd.concat([given[kind][stays], given[other][moves]], ignore_index=True)
    return out


def _facts(rs: Ruleset, kind: Literal["bonus", "negative"]) -> pd.DataFrame:
    items = rs.bonuses if kind == "bonus" else rs.negatives
    return pd.DataFrame({
        "item": pd.Series([i.name for i in items], dtype="string"),
        "item_id": pd.Series([i.id for i in items], dtype="string"),
        "item_points": pd.Series([float(i.points) for i in items], dtype="float64"),
        "item_dimension": pd.Series([i.dimension for i in items], dtype="string"),
        "zero_out": pd.Series([i.zero_out for i in items], dtype=bool),
        "blocks_top_band": pd.Series([i.blocks_top_band for i in items], dtype=bool),
    })


def log_records(bonuses: pd.DataFrame, negatives: pd.DataFrame, members: pd.DataFrame,
                rs: Ruleset, cal: Calendar, issues: list[pd.DataFrame], since: np.ndarray
                ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """(records, history): validated bonus and negative-list records with their item facts
    attached, by kind, in the period; and the same before it (after the member joined)."""
    now: dict[str, pd.DataFrame] = {}
    past: dict[str, pd.DataFrame] = {}
    for kind, frame in _kinds(bonuses, negatives, rs).items():
        now[kind], past[kind] = _records(frame, kind, members, rs, cal, issues, since)
    return now, past


def _records(frame: pd.DataFrame, kind: Literal["bonus", "negative"], members: pd.DataFrame,
             rs: Ruleset, cal: Calendar, issues: list[pd.DataFrame], since: np.ndarray
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    label = LABELS[kind]
    pos = member_positions(frame, members, label, issues)
    keep = pos >= 0
    canonical = map_names(frame["item"], rs.item_names(kind))
    unknown = keep & canonical.isna().to_numpy()
    if unknown.any():  # one issue per unknown name, as for unknown activities
        issues.append(grouped_issue(
            frame[unknown], ["item"], "unknown_item",
            lambda f, n: label + "中没有“" + f["item"].astype("string") + "”这一事项，" + n
            + "条记录未计分（可在规则的 aliases 中补充，或改正事项名称）"))
    keep &= ~unknown
    past = history(frame, keep, pos, cal, since, label, issues)
    keep = in_year(frame, keep & (frame["date"] >= cal.start).to_numpy(), cal, label, issues)
    keep = in_window(frame, keep, pos, members)
    frame = frame.assign(item=canonical)
    return tuple(  # type: ignore[return-value]
        _facts_of(frame, rows, pos, members, rs, kind, label, issues) for rows in (keep, past))


def _facts_of(frame: pd.DataFrame, rows: np.ndarray, pos: np.ndarray, members: pd.DataFrame,
              rs: Ruleset, kind: Literal["bonus", "negative"], label: str,
              issues: list[pd.DataFrame]) -> pd.DataFrame:
    frame = member_facts(frame[rows], pos[rows], members)
    frame = _once(sort_frame(frame, ["member_id", "date", "item", "source"]), label, issues)
    frame = frame.merge(_facts(rs, kind), on="item", how="left", validate="many_to_one")
    return sort_frame(frame, ["member_id", "date", "source"]).reset_index(drop=True)


def _once(frame: pd.DataFrame, label: str, issues: list[pd.DataFrame]) -> pd.DataFrame:
    """The same member, date and item more than once is one record (the first), and an
    issue for each repeat, as for attendance."""
    key = ["member_id", "date", "item"]
    again = frame.duplicated(key, keep="first").to_numpy()
    if not again.any():
        return frame
    first = frame[~again].set_index(key)["source"]
    repeats = frame[again]
    kept = first.reindex(pd.MultiIndex.from_frame(repeats[key])).to_numpy()
    issues.append(make_issues(
        "duplicate_record", "重复的" + label + "记录（与 " + pd.Series(kept, index=repeats.index,
                                                               dtype="string") + " 相同），只计一次",
        repeats["source"], repeats["member_id"]))
    return frame[~again]


def sort_logs(records: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Both kinds in one table (``kind`` tells which), by member, date and address."""
    logs = pd.concat([records[k].assign(kind=k) for k in LOG_KINDS], ignore_index=True)
    ordered = sort_frame(logs[LOG_COLUMNS], ["member_id", "date", "source", "kind"])
    return ordered.reset_index(drop=True).astype({"zero_out": bool, "blocks_top_band": bool})


