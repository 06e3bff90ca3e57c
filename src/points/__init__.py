"""points: 党员积分制管理 — sign-in sheets and logs in, explained points, rankings and flags out.

The data flows one way, one package per stage over the vocabulary floor (:mod:`points.vocab`)::

    rules/  → read/ → records → score/ → judge/ → report/

The public API::

    import points
    rules = points.default_ruleset()            # or points.load_ruleset("my-rules.toml")
    records = points.read_workbooks(["党员名册.xlsx", "签到表.xlsx", "积分记录.xlsx"])
    # or: points.Records.from_frames(roster=..., attendance=..., negatives=..., ...)
    result = points.assess(records, rules, year=2024)
    result.totals, result.ledger, result.monthly, result.issues
    result.rankings, result.flags, result.evidence, result.candidates
    points.select_candidates(result, n=2)       # the merit list a branch sends up
    points.compare_assessments(result, points.assess(records, other_rules))  # what-if
    points.write_review(result, "2024年积分复核.xlsx")   # or result.to_excel(…); public=True: 公示
    points.write_per_branch(result, "各支部")            # or result.to_excel_per_branch(…)
"""

from ._version import __version__
from .assess import Assessment, assess
from .judge import compare_assessments, select_candidates
from .read import read_workbooks
from .records import Records
from .report import Notice, write_comparison, write_per_branch, write_review
from .rules import Ruleset, default_ruleset, load_ruleset, shipped_rulesets
from .vocab.codes import FLAG_CODES, ISSUE_CODES
from .vocab.errors import (
    ArgumentError,
    OutputError,
    PointsError,
    ReaderError,
    RecordsError,
    RulesetError,
    WorkbookError,
)
from .vocab.statuses import STATUSES

__all__ = [
    "FLAG_CODES",
    "ISSUE_CODES",
    "STATUSES",
    "ArgumentError",
    "Assessment",
    "Notice",
    "OutputError",
    "PointsError",
    "ReaderError",
    "Records",
    "RecordsError",
    "Ruleset",
    "RulesetError",
    "WorkbookError",
    "__version__",
    "assess",
    "compare_assessments",
    "default_ruleset",
    "load_ruleset",
    "read_workbooks",
    "select_candidates",
    "shipped_rulesets",
    "write_comparison",
    "write_per_branch",
    "write_review",
]
