"""Running totals (score/steps/base.py): each block summed per member once, for the zero-out,
floor and total-cap steps."""

from __future__ import annotations

import pandas as pd

from points.rules import default_ruleset
from points.score import Calendar
from points.score.steps.base import Scoring


def test_rows_without_a_member_add_to_no_ones_total() -> None:
    members = pd.DataFrame({"member_id": pd.Series(["a", "b"], dtype="string"),
                            "in_scope": [True, True]})
    block = pd.DataFrame({"member_id": pd.Series(["a", None, "b", "b"], dtype="string"),
                          "points": [1.0, 5.0, 2.0, 0.5]})
    state = Scoring(ruleset=default_ruleset(), calendar=Calendar(2024, None), members=members,
                    events=pd.DataFrame(), logs={}, appraisals=pd.DataFrame(), blocks=(block,))
    totals = state.running_totals()
    assert totals.to_dict() == {"a": 1.0, "b": 2.5}
    assert state.running_totals().to_dict() == totals.to_dict()  # the block's sums reused
