"""Review flags (复核提示): who the branch should look at, why, and what to do, with evidence.

Every flag names the member, a stable ``code``, a Chinese ``label``, the suggested ``action`` and
its evidence: the months and the records behind it, each with its source address. The evidence
is also a table of its own (one row per record), so every address can be checked.

A *missed month* (the consecutive-month rules): a calendar month in which the member has an
organisational-life record (activities with ``org_life = true``), attended none of them
(present, late, online, makeup) and at least one is unexcused (absent, or blank). A month with
only leave is excused and breaks a run; a month with no organisational-life record is skipped:
it neither counts nor breaks a run.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .model import ATTENDED, UNEXCUSED, Band, Ruleset
from .records import empty_table
from .text import sort_frame

__all__ = ["EVIDENCE_COLUMNS", "FLAG_CODES", "FLAG_COLUMNS", "FlagCode", "review_flags"]


class FlagCode(NamedTuple):
    """What a flag code means to the secretary."""

    label: str
    action: str
    rule: str


#: Every flag code, in the order flags are listed (gravest first).
FLAG_CODES: dict[str, FlagCode] = {
    "six_month_rule": FlagCode(
        "连续六个月不参加组织生活或不交党费", "按党章第九条进行自行脱党审查",
        "连续 6 个月（six_month_run）缺席组织生活，或连续 6 个月未按时交纳党费"),
    "zeroed": FlagCode("受到党纪政务处分", "组织处理",
                       "有受到党纪政务处分 / 违法违纪记录（zero_out 事项），年度积分为 0"),
    "probation_revoke": FlagCode("建议取消预备资格", "取消预备资格",
                                 "预备党员总积分落入取消预备资格档（默认 < 70）"),
    "grade_unqualified": FlagCode("建议等次：不合格", "组织处置",
                                  "党员总积分落入不合格档（默认 < 60）"),
    "absence_escalation": FlagCode(
        "连续多月缺席组织生活", "一级：批评教育；二级：限期改正",
        "最长连续缺席 2–3 个月为一级，4–5 个月为二级；发展对象、入党积极分子连续 2 个月起"),
    "probation_extend": FlagCode("建议延长预备期", "延长预备期",
                                 "预备党员总积分落入延长预备期档（默认 70–84.x）"),
    "grade_basic": FlagCode("建议等次：基本合格", "诫勉谈话",
                            "党员总积分落入基本合格档（默认 60–69.x）"),
    "unexcused_absences": FlagCode("无故缺席次数较多", "通报批评",
                                   "全年无故缺席（缺席或空白）达 3 次（unexcused_absences），含支委会"),
    "frequent_leave": FlagCode("请假频繁", "谈心谈话",
                               "请假超过应参加活动次数的 1/3 且至少 3 次"),
    "quota_tie": FlagCode("优秀名额边界同分", "支部研究确定",
                          "积分达优秀线，但与名额最后一名同分者无法全部列入，均暂列合格"),
    "quota_demoted": FlagCode("超出优秀名额", "支部研究确定",
                              "积分达优秀线，但超出本支部优秀名额（⌊n/3⌋），暂列合格"),
    "bottom_share": FlagCode("基本合格、不合格比例不足", "支部研究确定",
                             "规则要求基本合格、不合格至少占一定比例（如洪洞 1/10），本支部不足，"
                             "列出积分最低者供支部研究，不自动改等次"),
    "no_records": FlagCode("全年无任何记录", "失联党员排查",
                           "名册中有此人，但统计期内没有任何签到、加减分或评议记录"),
}

FLAG_COLUMNS = ["member_id", "name", "branch", "category", "code", "label", "level", "detail",
                "evidence", "action", "months", "months_to_six_month_rule"]
EVIDENCE_COLUMNS = ["member_id", "code", "month", "date", "record", "status", "detail", "source"]

STATUS_LABELS = {"present": "出席", "late": "迟到", "online": "线上", "makeup": "补学",
                 "leave": "请假", "absent": "缺席", "blank": "未签到"}


def _month_text(year: int, month: pd.Series) -> pd.Series:
    return str(year) + "-" + month.astype("int64").astype("string").str.zfill(2)


def _flag(frame: pd.DataFrame, code: str, detail: pd.Series, *, level: object = pd.NA,
          months: object = "", months_to: object = pd.NA) -> pd.DataFrame:
    return pd.DataFrame({
        "member_id": frame["member_id"].astype("string"),
        "code": code,
        "level": pd.Series(level, index=frame.index, dtype="Int64"),
        "detail": detail.astype("string"),
        "months": pd.Series(months, index=frame.index, dtype="string"),
        "months_to_six_month_rule": pd.Series(months_to, index=frame.index, dtype="Int64"),
    }, index=frame.index)


def _record_evidence(records: pd.DataFrame, code: str, what: str, status: object) -> pd.DataFrame:
    return pd.DataFrame({
        "member_id": records["member_id"].astype("string"),
        "code": code,
        "month": records["date"].dt.month.astype("Int64"),
        "date": records["date"],
        "record": records[what].astype("string"),
        "status": pd.Series(status, index=records.index, dtype="string"),
        "detail": "",
        "source": records["source"].astype("string"),
    }, index=records.index)


def _runs(table: pd.DataFrame, breaks: np.ndarray, counted: np.ndarray) -> pd.DataFrame:
    """Runs of ``counted`` rows in a table sorted by member and month: one row per run with
    ``member_id, length, first, last, current`` (the run holds the member's last row)."""
    run_id = np.cumsum(breaks)
    runs = pd.DataFrame({"member_id": table["member_id"].to_numpy(), "run": run_id,
                         "month": table["month"].to_numpy(), "counted": counted})
    last_of_member = ~runs["member_id"].duplicated(keep="last").to_numpy()
    runs["current"] = last_of_member
    runs = runs[counted]
    return runs.groupby("run", sort=True).agg(
        member_id=("member_id", "first"), length=("month", "size"), first=("month", "min"),
        last=("month", "max"), current=("current", "any")).reset_index(drop=True)


def _longest(runs: pd.DataFrame) -> pd.DataFrame:
    """Each member's longest run (the latest of equal ones), with their current run's length."""
    current = runs[runs["current"]].set_index("member_id")["length"]
    longest = sort_frame(runs, ["member_id", "length", "last"]).drop_duplicates(
        "member_id", keep="last").reset_index(drop=True)
    longest["current_length"] = longest["member_id"].map(current).fillna(0).astype("int64")
    return longest


def missed_month_runs(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(organisational-life records with their month, each member's longest run of missed
    months)."""
    org = events[events["org_life"]]
    org = org.assign(month=org["date"].dt.month.astype("int64"))
    status = org["status"]
    months = pd.DataFrame({
        "member_id": org["member_id"], "month": org["month"],
        "attended": status.isin(list(ATTENDED)), "unexcused": status.isin(list(UNEXCUSED)),
    }).groupby(["member_id", "month"], sort=True).agg(
        attended=("attended", "any"), unexcused=("unexcused", "any")).reset_index()
    missed = (~months["attended"] & months["unexcused"]).to_numpy()
    member = months["member_id"].to_numpy()
    new_member = np.r_[True, member[1:] != member[:-1]] if len(months) else np.array([], bool)
    breaks = new_member | np.r_[True, missed[1:] != missed[:-1]] if len(months) else new_member
    return org, _longest(_runs(months, breaks, missed))


def dues_runs(logs: pd.DataFrame, dues_item: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dues records, each member's longest run of consecutive months with one)."""
    dues = logs[(logs["kind"] == "negative") & (logs["item"] == (dues_item or "\0"))]
    dues = dues.assign(month=dues["date"].dt.month.astype("int64"))
    months = dues[["member_id", "month"]].drop_duplicates().sort_values(
        ["member_id", "month"]).reset_index(drop=True)
    member = months["member_id"].to_numpy()
    month = months["month"].to_numpy()
    if len(months):
        breaks = np.r_[True, (member[1:] != member[:-1]) | (month[1:] != month[:-1] + 1)]
    else:
        breaks = np.array([], dtype=bool)
    runs = _runs(months, breaks, np.ones(len(months), dtype=bool))
    return dues, _longest(runs)


def _in_run(records: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    joined = records.merge(runs[["member_id", "first", "last"]], on="member_id", how="inner")
    return joined[(joined["month"] >= joined["first"]) & (joined["month"] <= joined["last"])]


def _run_detail(year: int, runs: pd.DataFrame, what: str) -> pd.Series:
    return ("最长连续 " + runs["length"].astype("string") + " 个月" + what + "（"
            + _month_text(year, runs["first"]) + " 至 " + _month_text(year, runs["last"]) + "）")


def review_flags(*, ruleset: Ruleset, year: int, full_year: bool, members: pd.DataFrame,
                 rankings: pd.DataFrame, events: pd.DataFrame, logs: pd.DataFrame,
                 recorded: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flags, evidence): every flag with its evidence, sorted by code order, branch, member.

    ``recorded`` holds the ids of members with any record in their window (attendance, logs
    or appraisal); the others get ``no_records``. Grade, quota and probation flags judge a
    whole year and are raised in full-year runs only.
    """
    rules = ruleset.flags
    candidates = set(members.loc[members["kind"] == "candidate", "member_id"])
    flags: list[pd.DataFrame] = []
    evidence: list[pd.DataFrame] = []

    # consecutive months: organisational life and dues
    org, missed = missed_month_runs(events)
    dues, dues_longest = dues_runs(logs, rules.dues_item)
    missed = missed.assign(candidate=missed["member_id"].isin(candidates))
    dues_longest = dues_longest[~dues_longest["member_id"].isin(candidates)]
    to_rule = (rules.six_month_run - missed.set_index("member_id")["current_length"]).clip(lower=0)
    current_dues = dues_longest.set_index("member_id")
    current_dues = current_dues[current_dues["current"]]
    to_rule = pd.concat([to_rule, (rules.six_month_run - current_dues["length"]).clip(lower=0)])
    to_rule = to_rule.groupby(level=0).min()

    six = missed[(missed["length"] >= rules.six_month_run) & ~missed["candidate"]]
    six_dues = dues_longest[dues_longest["length"] >= rules.six_month_run]
    for runs, records, what, status in (
            (six, org, "未参加组织生活", None),
            (six_dues, dues, "未按时交纳党费", "")):
        if len(runs):
            flags.append(_flag(runs, "six_month_rule", _run_detail(year, runs, what),
                               months=_month_text(year, runs["first"]) + " 至 "
                               + _month_text(year, runs["last"]),
                               months_to=0))
            used = _in_run(records, runs)
            evidence.append(_record_evidence(
                used, "six_month_rule", "activity" if status is None else "item",
                used["status"].map(STATUS_LABELS) if status is None else "未交党费"))

    level1 = missed["length"] >= rules.escalation_level1
    escalate = missed[level1 & (missed["candidate"] | (missed["length"] < rules.six_month_run))]
    if len(escalate):
        level = np.where(escalate["length"] >= rules.escalation_level2, 2, 1)
        flags.append(_flag(escalate, "absence_escalation",
                           _run_detail(year, escalate, "未参加组织生活") + "，"
                           + pd.Series(np.where(level == 2, "二级：限期改正", "一级：批评教育"),
                                       index=escalate.index, dtype="string"),
                           level=level,
                           months=_month_text(year, escalate["first"]) + " 至 "
                           + _month_text(year, escalate["last"]),
                           months_to=escalate["member_id"].map(to_rule).where(
                               ~escalate["candidate"])))
        used = _in_run(org, escalate)
        evidence.append(_record_evidence(used, "absence_escalation", "activity",
                                         used["status"].map(STATUS_LABELS)))

    # counts over every activity
    unexcused = events[events["status"].isin(list(UNEXCUSED))]
    n_unexcused = unexcused.groupby("member_id").size()
    hit = n_unexcused[n_unexcused >= rules.unexcused_absences]
    if len(hit):
        who = pd.DataFrame({"member_id": hit.index})
        flags.append(_flag(who, "unexcused_absences",
                           "统计期内无故缺席 " + pd.Series(hit.to_numpy(), dtype="string") + " 次"))
        used = unexcused[unexcused["member_id"].isin(hit.index)]
        evidence.append(_record_evidence(used, "unexcused_absences", "activity",
                                         used["status"].map(STATUS_LABELS)))

    scheduled = events.groupby("member_id").size()
    leave = events[events["status"] == "leave"]
    n_leave = leave.groupby("member_id").size()
    share = rules.frequent_leave_share
    n_all = scheduled.reindex(n_leave.index)
    hit = n_leave[(n_leave * share.denominator > n_all * share.numerator)
                  & (n_leave >= rules.frequent_leave_min)]
    if len(hit):
        who = pd.DataFrame({"member_id": hit.index})
        flags.append(_flag(who, "frequent_leave",
                           "请假 " + pd.Series(hit.to_numpy(), dtype="string") + " 次，应参加 "
                           + pd.Series(n_all[hit.index].to_numpy(), dtype="string") + " 次"))
        used = leave[leave["member_id"].isin(hit.index)]
        evidence.append(_record_evidence(used, "frequent_leave", "activity", "请假"))

    zero = logs[logs["zero_out"]]
    if len(zero):
        who = zero.drop_duplicates("member_id")
        flags.append(_flag(who, "zeroed", "有“" + who["item"] + "”记录，年度积分为 0"))
        evidence.append(_record_evidence(zero, "zeroed", "item", ""))

    # judgements on the year's total, and no records: evidence is the member's roster row
    roster = members.set_index("member_id")["source"]
    judged = rankings.assign(source=rankings["member_id"].map(roster))
    total_text = "总积分 " + judged["total"].map("{:.1f}".format).astype("string")
    if full_year:
        bands: list[tuple[pd.Series, tuple[Band, ...]]] = []
        if ruleset.grades is not None:
            bands.append((judged["grade"], ruleset.grades.bands))
        bands.append((judged["probation_band"], ruleset.probation))
        for names, band_list in bands:
            for band in band_list:
                if band.flag is None:
                    continue
                picked = (names == band.name).fillna(False).to_numpy(dtype=bool)
                text = total_text[picked] + "，落入“" + band.name + "”档"
                _judgement(flags, evidence, judged[picked], band.flag, text)
        place = "，支部排名第 " + judged["branch_rank"].astype("string") + " 名"
        for code, chosen, tail in (
                ("quota_tie", judged["quota"] == "tie", "，与优秀名额最后一名同分，暂列合格"),
                ("quota_demoted", judged["quota"] == "demoted", "，超出本支部优秀名额，暂列合格"),
                ("bottom_share", judged["bottom_share"], "，本支部基本合格、不合格人数不足规定比例"),
        ):
            mask = chosen.fillna(False).to_numpy(dtype=bool)
            _judgement(flags, evidence, judged[mask], code,
                       total_text[mask] + place[mask] + tail)
    silent = members[~members["member_id"].isin(recorded)]
    _judgement(flags, evidence, silent, "no_records",
               pd.Series("统计期内没有任何签到、加减分或评议记录", index=silent.index))
    return _assemble(flags, evidence, members)


def _judgement(flags: list[pd.DataFrame], evidence: list[pd.DataFrame], who: pd.DataFrame,
               code: str, detail: pd.Series) -> None:
    if who.empty:
        return
    flags.append(_flag(who, code, detail))
    evidence.append(pd.DataFrame({
        "member_id": who["member_id"].astype("string"), "code": code,
        "month": pd.Series(pd.NA, index=who.index, dtype="Int64"),
        "date": pd.Series(pd.NaT, index=who.index, dtype="datetime64[us]"),
        "record": "名册", "status": pd.Series(pd.NA, index=who.index, dtype="string"),
        "detail": detail.astype("string"), "source": who["source"].astype("string"),
    }, index=who.index))


def _assemble(flags: list[pd.DataFrame], evidence: list[pd.DataFrame],
              members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = {code: i for i, code in enumerate(FLAG_CODES)}
    ev = pd.concat(evidence, ignore_index=True) if evidence else _empty_evidence()
    ev = ev.assign(date=ev["date"].astype("datetime64[us]"),
                   _order=ev["code"].map(order).astype("int64"))
    ev = sort_frame(ev, ["member_id", "_order", "date", "source"])[EVIDENCE_COLUMNS]
    ev = ev.drop_duplicates(["member_id", "code", "source"]).reset_index(drop=True)

    if not flags:
        return _empty_flags(), ev
    out = _merge_repeats(pd.concat(flags, ignore_index=True))
    date = ev["date"].dt.strftime("%Y-%m-%d").astype("string")
    line = (date + " " + ev["record"] + " " + ev["status"].fillna("")).str.strip()
    line = line.where(ev["date"].notna(), ev["record"])
    text = _join_groups(line + "（" + ev["source"] + "）", [ev["member_id"], ev["code"]])
    out["evidence"] = (out["detail"] + "：" + pd.Series(
        text.reindex(pd.MultiIndex.from_frame(out[["member_id", "code"]])).to_numpy(),
        dtype="string"))
    info = members.set_index("member_id")[["name", "branch", "category"]]
    out = out.join(info, on="member_id")
    out["label"] = out["code"].map({c: f.label for c, f in FLAG_CODES.items()}).astype("string")
    action = out["code"].map({c: f.action for c, f in FLAG_CODES.items()}).astype("string")
    escalation = out["code"] == "absence_escalation"
    action[escalation] = np.where(out.loc[escalation, "level"] == 2, "限期改正", "批评教育")
    out["action"] = action
    out["_order"] = out["code"].map(order).astype("int64")
    out = sort_frame(out, ["_order", "branch", "member_id"])
    return out[FLAG_COLUMNS].reset_index(drop=True), ev


def _join_groups(text: pd.Series, keys: list[pd.Series]) -> pd.Series:
    """``text`` joined with "；" per group of ``keys``; the rows of a group are contiguous.

    ``numpy.add.reduceat`` concatenates inside numpy's loop: one call for all groups instead
    of one Python call per group.
    """
    if text.empty:
        return pd.Series(dtype="string")
    frame = pd.DataFrame({f"k{i}": k.to_numpy() for i, k in enumerate(keys)})
    starts = np.flatnonzero(~frame.duplicated().to_numpy())
    pieces = (text + "；").to_numpy(dtype=object)
    joined = np.add.reduceat(pieces, starts)
    index = pd.MultiIndex.from_frame(frame.iloc[starts])
    return pd.Series(joined, index=index, dtype="string").str.slice(stop=-1)


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
