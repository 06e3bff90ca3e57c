"""points: 党员积分制管理 — sign-in sheets and logs in, explained points, rankings and flags out.

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
    result.to_excel("2024年积分复核.xlsx")       # the review workbook; public=True: 公示 version
    result.to_excel_per_branch("各支部")         # one workbook per branch
"""

from ._version import __version__
from .assess import Assessment, assess
from .candidates import select_candidates
from .compare import compare_assessments, write_comparison
from .flags import FLAG_CODES
from .issues import ISSUE_CODES
from .loader import RulesetError, default_ruleset, load_ruleset, shipped_rulesets
from .model import STATUSES, Ruleset
from .reader import ReaderError, read_workbooks
from .records import Records, RecordsError
from .workbook import WorkbookError
from .xlsx import OutputError

__all__ = [
    "FLAG_CODES",
    "ISSUE_CODES",
    "STATUSES",
    "Assessment",
    "OutputError",
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
]
