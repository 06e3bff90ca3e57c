"""Runs of missed months (score/flags/runs.py)."""

from __future__ import annotations

import pandas as pd

from points.score.flags.runs import missed_month_runs


def test_a_record_without_a_member_has_no_run_and_lends_none() -> None:
    months = pd.to_datetime([f"2024-{m:02d}-05" for m in range(1, 7)])
    events = pd.DataFrame({
        "member_id": pd.array(["A"] * 6 + [None] * 6 + ["B"] * 6, dtype="string"),
        "date": list(months) * 3,
        "status": pd.array(["present"] * 6 + ["absent"] * 6 + ["present"] * 6, dtype="string"),
        "org_life": [True] * 18})
    _, longest = missed_month_runs(events, since=0)
    # the six absences without a member belong to nobody (they once became the last member's)
    assert longest.empty, longest
