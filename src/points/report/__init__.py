"""Reporting: the papers and files a secretary opens, prints, posts and keeps.

The review workbook and its 公示 version (:mod:`.review`, which puts together the sheets of
:mod:`.sheets`, one module per sheet), the comparison workbook (:mod:`.comparison`), the ruleset
as a Chinese table (:mod:`.ruletable`), the blank template (:mod:`.template`), and the xlsx
engine they share (:mod:`.xlsx`: XlsxWriter for the structure, rows built as XML by Arrow
kernels, atomic writes). Every writer is a function of an assessment's tables; nothing below
this stage imports it.
"""

from .comparison import changes_text, write_comparison
from .review import LedgerOption, Notice, ledger_table, write_per_branch, write_review
from .ruletable import rule_table
from .template import write_template
from .xlsx import write_file

__all__ = ["LedgerOption", "Notice", "changes_text", "ledger_table", "rule_table", "write_comparison",
           "write_file", "write_per_branch", "write_review", "write_template"]
