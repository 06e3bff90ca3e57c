"""Invariants under random records (hypothesis): caps, ledger sums, order independence."""

from __future__ import annotations

import random

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import points
from conftest import examples
from points import STATUSES
from points.judge.ranking import rankings

RULES = points.default_ruleset()
CATEGORIES = [c.name for c in RULES.categories]
ACTIVITIES = [a.name for a in RULES.activities]
BONUSES = [b.name for b in RULES.bonuses]
NEGATIVES = [n.name for n in RULES.negatives]

member_ids = st.sampled_from(["M1", "M2", "M3"])
dates = st.dates(min_value=pd.Timestamp("2024-01-01").date(),
                 max_value=pd.Timestamp("2024-12-31").date())
events = st.lists(st.tuples(member_ids, dates, st.sampled_from(ACTIVITIES),
                            st.sampled_from(STATUSES)), max_size=60)
logs = st.lists(st.tuples(member_ids, dates, st.sampled_from(BONUSES + NEGATIVES)), max_size=15)
cats = st.lists(st.sampled_from(CATEGORIES), min_size=3, max_size=3)
appraisal = st.lists(st.sampled_from(["优秀", "合格", "基本合格", "不合格"]), min_size=3,
                     max_size=3)

# The number of examples is the profile's (tests/conftest.py): few while editing, more in CI.
SETTINGS = settings(max_examples=examples(0.15),  # one or two assessments (~0.4 s) an example
                    suppress_health_check=[HealthCheck.too_slow])


def make(cat: list[str], ev: list[tuple], lg: list[tuple], ap: list[str]) -> points.Records:
    roster = pd.DataFrame({"member_id": ["M1", "M2", "M3"], "name": ["甲", "乙", "丙"],
                           "branch": ["一支部"] * 3, "category": cat})
    attendance = pd.DataFrame(ev, columns=["member_id", "date", "activity", "status"])
    attendance["source"] = [f"签到!B{i + 2}" for i in range(len(attendance))]
    log = pd.DataFrame(lg, columns=["member_id", "date", "item"])
    log["source"] = [f"记录!A{i + 2}" for i in range(len(log))]
    is_bonus = log["item"].isin(BONUSES)
    return points.Records.from_frames(
        roster=roster, attendance=attendance, bonuses=log[is_bonus], negatives=log[~is_bonus],
        appraisals=pd.DataFrame({"member_id": ["M1", "M2", "M3"], "result": ap}))


@SETTINGS
@given(cats, events, logs, appraisal)
def test_total_is_the_sum_of_the_ledger_and_caps_hold(cat: list[str], ev: list[tuple],
                                                     lg: list[tuple], ap: list[str]) -> None:
    result = points.assess(make(cat, ev, lg, ap), RULES, year=2024)
    ledger = result.ledger
    sums = ledger.groupby("member_id")["points"].sum()
    totals = result.totals.set_index("member_id")["total"]
    pd.testing.assert_series_equal(sums.reindex(totals.index, fill_value=0.0).round(6),
                                   totals.round(6), check_names=False)
    assert (totals >= 0).all()
    # per-activity caps: credits net of their cap rows never pass the cap
    for act in RULES.activities:
        if act.cap is None:
            continue
        own = ledger[ledger["rule"].isin([f"credit.{act.id}", f"cap.{act.id}"])]
        assert (own.groupby("member_id")["points"].sum() <= act.cap + 1e-9).all()
    for dim in RULES.dimensions:
        if dim.cap is not None:
            assert (result.totals[dim.id].fillna(0) <= dim.cap + 1e-9).all()


@SETTINGS
@given(cats, events, logs, appraisal)
def test_shuffling_input_rows_changes_nothing(cat: list[str], ev: list[tuple], lg: list[tuple],
                                             ap: list[str]) -> None:
    records = make(cat, ev, lg, ap)
    shuffled = points.Records.from_frames(
        roster=records.roster.sample(frac=1, random_state=1),
        attendance=records.attendance.sample(frac=1, random_state=2),
        bonuses=records.bonuses.sample(frac=1, random_state=3),
        negatives=records.negatives.sample(frac=1, random_state=4),
        appraisals=records.appraisals.sample(frac=1, random_state=5))
    a = points.assess(records, RULES, year=2024)
    b = points.assess(shuffled, RULES, year=2024)
    for table in ("ledger", "totals", "monthly", "issues", "events", "logs", "rankings", "flags",
                  "evidence", "candidates"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


@SETTINGS
@given(cats, events, appraisal, st.data())
def test_removing_an_unexcused_absence_never_lowers_a_total(cat: list[str], ev: list[tuple],
                                                            ap: list[str], data: st.DataObject) -> None:
    unexcused = [i for i, e in enumerate(ev) if e[3] in ("absent", "blank")]
    assume(unexcused)
    drop = data.draw(st.sampled_from(unexcused), label="drop")
    before = points.assess(make(cat, ev, [], ap), RULES, year=2024).totals
    after = points.assess(make(cat, ev[:drop] + ev[drop + 1:], [], ap), RULES, year=2024).totals
    joined = before.set_index("member_id")["total"].to_frame("before").join(
        after.set_index("member_id")["total"].rename("after"))
    assert (joined["after"] >= joined["before"] - 1e-9).all()


@SETTINGS
@given(cats, events, logs, appraisal, st.sampled_from([None, "2024-04-30", "2024-09-15"]))
def test_every_flag_has_evidence_and_every_address_is_in_the_input(
        cat: list[str], ev: list[tuple], lg: list[tuple], ap: list[str], as_of: str | None) -> None:
    records = make(cat, ev, lg, ap)
    result = points.assess(records, RULES, year=None if as_of else 2024, as_of=as_of)
    flagged = set(zip(result.flags["member_id"], result.flags["code"], strict=True))
    backed = set(zip(result.evidence["member_id"], result.evidence["code"], strict=True))
    assert flagged == backed
    inputs = set(pd.concat([records.roster["source"], records.attendance["source"],
                            records.bonuses["source"], records.negatives["source"],
                            records.appraisals["source"]]))
    assert set(result.evidence["source"]) <= inputs
    assert result.flags["evidence"].str.contains("（").all()
    assert set(result.flags["code"]) <= set(points.FLAG_CODES)


totals_lists = st.lists(st.tuples(st.sampled_from(["一支部", "二支部"]),
                                  st.sampled_from(["在职党员", "预备党员", "发展对象"]),
                                  st.integers(0, 20).map(lambda x: x * 5.0)),
                        min_size=1, max_size=25)


@SETTINGS
@given(totals_lists, st.randoms(use_true_random=False))
def test_ranks_are_an_order_free_function_of_the_totals(rows: list[tuple],
                                                          rnd: random.Random) -> None:
    totals = pd.DataFrame(rows, columns=["branch", "category", "total"])
    totals.insert(0, "member_id", [f"M{i:03d}" for i in range(len(totals))])
    totals["name"] = totals["member_id"]
    totals["kind"] = totals["category"].map(lambda c: "candidate" if c == "发展对象" else "member")
    logs = pd.DataFrame({"member_id": pd.Series(dtype="string"),
                         "blocks_top_band": pd.Series(dtype=bool),
                         "zero_out": pd.Series(dtype=bool)})
    ranked = rankings(totals, logs, RULES)
    order = list(range(len(totals)))
    rnd.shuffle(order)
    pd.testing.assert_frame_equal(ranked, rankings(totals.iloc[order], logs, RULES))
    for _, row in ranked.iterrows():
        same = ranked[(ranked["kind"] == row["kind"]) & (ranked["branch"] == row["branch"])]
        assert row["branch_rank"] == 1 + (same["total"] > row["total"]).sum()
        pool = ranked[ranked["kind"] == row["kind"]]
        assert row["overall_rank"] == 1 + (pool["total"] > row["total"]).sum()
    members = ranked[ranked["kind"] == "member"]
    size = members.groupby("branch").size()
    top = members[members["grade"] == "优秀"].groupby("branch").size()
    assert (top.reindex(size.index, fill_value=0) <= size // 3).all()
