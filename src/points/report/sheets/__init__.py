"""The sheets of the review workbook: one module per sheet, one public ``write_*`` function each.

In the order :func:`points.report.review.write_review` writes them:

- :mod:`.summary` — 汇总, :func:`~.summary.write_summary`
- :mod:`.flags` — 复核提示, :func:`~.flags.write_flags`
- :mod:`.evidence` — 依据明细, :func:`~.evidence.write_evidence`
- :mod:`.ledger` — 积分明细, :func:`~.ledger.write_ledger` (and :func:`~.ledger.ledger_table`,
  the same rows as a frame)
- :mod:`.candidates` — 发展对象, :func:`~.candidates.write_candidates`
- :mod:`.branches` — 支部统计, :func:`~.branches.write_branches`
- :mod:`.issues` — 数据问题, :func:`~.issues.write_issues`
- :mod:`.rules` — 积分规则, :func:`~.rules.write_rules`
- :mod:`.public` — 公示, :func:`~.public.write_public` (the only sheet of the 公示 version)

Shared by several: :mod:`.people` (the rows of assessed people, the suggested grade, masked
names) and :mod:`.colours` (the fills and the conditional formats that apply them). A new
sheet is a new module here with one ``write_*`` function, a call in
:func:`points.report.review.write_review`, and a row in the contract table of
:mod:`points.report.review`.
"""
