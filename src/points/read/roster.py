"""The roster, and every person row of the other sheets matched to it.

A person row names its member by 党员编号, else by name (within the branch when the sheet
says or its title, sheet name or file name names one). Unknown and ambiguous names are data
issues, never guesses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocab.errors import ReaderError
from .dates import parse_dates
from .merge import Merger, concat_parts
from .scan import DATED

__all__ = ["build_roster", "named_branches", "resolve_people"]

ROSTER_COLUMNS = ["member_id", "name", "branch", "category", "joined", "left", "admitted",
                  "confirmed", "source"]


def build_roster(m: Merger) -> pd.DataFrame:
    """The roster table: one row per member, ids made where the sheet has none."""
    if not m.parts["roster"]:
        raise ReaderError("没有找到党员名册：请把名册（含“姓名”“所在支部”“党员类别”等列）一并读入")
    raw = concat_parts(m.parts["roster"])
    out = pd.DataFrame({
        "member_id": pd.Series(raw["member_id"], dtype="string"),  # normalised by the scans
        "name": pd.Series(raw["name"], dtype="string"),
        "branch": pd.Series(raw["branch"], dtype="string"),
        "category": pd.Series(raw["category"], dtype="string"),
        "source": m.addresses(raw["sheet"], raw["row"], raw["col"]),
    })
    for field in DATED:
        values = pd.Series(raw[field], dtype=object)
        parsed = parse_dates(values, None)
        out[field] = parsed["date"].to_numpy()
        bad = ((parsed["verdict"] != "ok") & (values != "")).to_numpy()
        if bad.any():
            m.issue("bad_date", "无法识别的日期“" + values[bad].astype(str) + "”，按空白处理",
                    m.addresses(raw["sheet"][bad], raw["row"][bad], raw[f"{field}_col"][bad]))
    unnamed = (out["name"] == "") & ((out["member_id"] != "") | (out["branch"] != "")
                                     | (out["category"] != ""))
    if unnamed.any():
        m.issue("no_person", pd.Series("名册此行没有姓名，未读取；请补上姓名",
                                        index=out.index[unnamed]), out.loc[unnamed, "source"])
    out = out[out["name"] != ""]
    if out.empty:
        raise ReaderError("党员名册中没有任何党员（只有表头或全是空行）：请在名册中填上党员后再计分")
    out["category"] = out["category"].replace("", None)
    return _member_ids(m, out)[ROSTER_COLUMNS].reset_index(drop=True)


def _member_ids(m: Merger, out: pd.DataFrame) -> pd.DataFrame:
    """Ids for rows without a 党员编号 (branch/name), the first of repeated ids kept."""
    no_id = out["member_id"] == ""
    out["member_id"] = out["member_id"].where(~no_id, out["branch"] + "/" + out["name"])
    dup = out["member_id"].duplicated(keep="first") & ~no_id
    if dup.any():
        again = out[dup]
        m.issue("duplicate_member", "党员编号“" + again["member_id"] + "”在名册中重复，只用第一行",
                again["source"], again["member_id"])
        out = out[~dup]
    twin = out["member_id"].duplicated(keep=False)  # same name, same branch, no 党员编号
    out.loc[twin, "member_id"] = (out.loc[twin, "member_id"] + "#"
                                  + out.loc[twin, "source"].str.extract(r"(\d+)$")[0])
    return out


def named_branches(hints: list[str], branches: list[str]) -> list[str]:
    """For each hint (a sheet's title, sheet name and file name): the branch it names, ""
    for none; where several are named, the one that begins first, and of those the longest.
    Each hint's places are looked up among the names by their lengths (a name table, not one
    pattern of thousands of names to compile: a re-run looks at a few sheets only)."""
    names = set(branches)
    lengths = sorted({len(b) for b in names if b}, reverse=True)
    return [next((hint[i:i + n] for i in range(len(hint)) for n in lengths
                  if n <= len(hint) - i and hint[i:i + n] in names), "") for hint in hints]


def _branches(m: Merger, roster: pd.DataFrame, raw: dict[str, np.ndarray]) -> np.ndarray:
    """The branch of each person row (an object array of texts): its 支部 cell, or for sheets
    without that column the roster branch named in the sheet's title, sheet name or file
    name (:func:`named_branches`, once per such sheet)."""
    branch = raw["branch"]
    guess = raw["guess"].astype(bool)
    if guess.any():
        sheets = np.unique(raw["sheet"][guess])
        per_sheet = np.full(len(m.hints), "", dtype=object)
        per_sheet[sheets] = named_branches([m.hints[k] for k in sheets.tolist()],
                                           roster["branch"].dropna().unique().tolist())
        branch = np.where(guess, per_sheet[raw["sheet"]], branch)
    return branch


def _texts(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype="string")


def _matches(names: np.ndarray, branch: np.ndarray, roster: pd.DataFrame
             ) -> tuple[np.ndarray, np.ndarray]:
    """For each person row (its ``names`` and ``branch``, "" when not known): how many roster
    members it may be (same name, and same branch when it has one) and, where exactly one,
    that member's roster row (-1 otherwise). Names and branches are numbered once over the
    roster and the rows together, and the roster's names and (name, branch) pairs counted:
    no join of rows with members. For a few rows (a re-run's changed files against a
    city's roster) only the members bearing one of their names take part."""
    keep = np.arange(len(roster))
    if len(names) * 8 < len(roster):  # (else looking the names up costs more than it saves)
        keep = np.flatnonzero(roster["name"].isin(pd.unique(names)).to_numpy(dtype=bool))
        roster = roster.iloc[keep]
    n = len(roster)
    name, _ = pd.factorize(np.concatenate([roster["name"].to_numpy(dtype=object), names]))
    home = roster["branch"].fillna("").to_numpy(dtype=object)
    place, places = pd.factorize(np.concatenate([home, branch]))
    pair = name.astype("int64") * max(len(places), 1) + place
    # by name alone (rows without a branch) and by (name, branch) pair (the others)
    key = np.where(branch == "", name[n:], pair[n:])
    by_name = np.flatnonzero(branch == "")
    count = np.zeros(len(names), dtype="int64")
    member = np.full(len(names), -1, dtype="int64")
    for rows, known in ((by_name, name[:n]), (np.flatnonzero(branch != ""), pair[:n])):
        unique, first, counts = np.unique(known, return_index=True, return_counts=True)
        if not len(rows) or not len(unique):
            continue
        at = np.minimum(np.searchsorted(unique, key[rows]), len(unique) - 1)
        hit = unique[at] == key[rows]
        count[rows] = np.where(hit, counts[at], 0)
        member[rows] = np.where(hit & (counts[at] == 1), first[at], -1)
    found = member >= 0
    member[found] = keep[member[found]]  # (a row of the whole roster)
    return count, member


def resolve_people(m: Merger, roster: pd.DataFrame) -> pd.Series:
    """Member id per person row (missing where it cannot be told). The texts stay numpy
    object arrays (normalised by the scans) until the ids are made text once at the end."""
    if not m.parts["people"]:
        return pd.Series(dtype="string")
    raw = concat_parts(m.parts["people"])
    ids, names = raw["member_id"].copy(), raw["name"]
    branch = _branches(m, roster, raw)
    need = np.flatnonzero((ids == "") & (names != ""))
    counted, member = _matches(names[need], branch[need], roster)
    single = member >= 0
    ids[need[single]] = roster["member_id"].to_numpy(dtype=object)[member[single]]

    def source(at: np.ndarray) -> pd.Series:  # addresses of the rows reported only
        return m.addresses(raw["sheet"][at], raw["row"][at], raw["col"][at])

    nobody = np.flatnonzero((ids == "") & (names == "") & raw["data"].astype(bool))
    if len(nobody):
        m.issue("no_person", pd.Series("此行有记录，但没有姓名和党员编号，未计分；请补上姓名或编号",
                                        index=nobody), source(nobody))
    for code, mask, head, tail in (
            ("unknown_member", counted == 0, "名册中没有", "，此行记录未计分"),
            ("ambiguous_name", counted > 1, "名册中有多名",
             "，无法确定是谁，请填写党员编号；此行记录未计分")):
        at = need[mask]
        if len(at):
            home = _texts(branch[at])
            where = ("（" + home + "）").where(home != "", "")
            m.issue(code, head + "“" + _texts(names[at]) + "”" + where + tail, source(at))
    out = _texts(ids)
    return out.mask(out == "")
