"""Attendance statuses: the canonical words, the groups the rules use, their Chinese labels.

A mark written in a sheet (``√``, ``请假``, ``出差`` …) is kept as written when the sheets are
read; the ruleset's ``[marks]`` turn it into one of these statuses when records are scored.
"""

from __future__ import annotations

__all__ = ["ATTENDED", "EFFECTIVE", "STATUSES", "STATUS_LABELS", "UNEXCUSED"]

#: Canonical attendance statuses, in the order the docs list them.
STATUSES: tuple[str, ...] = ("present", "late", "online", "makeup", "leave", "absent", "blank")
#: The statuses a mark can be given in a ruleset's ``[marks]`` and a factor in
#: ``status_factors`` (``blank`` is an empty cell, scored as ``absent`` or ignored).
EFFECTIVE: tuple[str, ...] = STATUSES[:-1]
#: Statuses that count as having taken part.
ATTENDED: frozenset[str] = frozenset({"present", "late", "online", "makeup"})
#: Statuses that count as an unexcused absence (``blank`` only under the ``absent`` blank policy).
UNEXCUSED: frozenset[str] = frozenset({"absent", "blank"})
#: The Chinese word a secretary reads for each status.
STATUS_LABELS: dict[str, str] = {
    "present": "出席", "late": "迟到", "online": "线上", "makeup": "补学",
    "leave": "请假", "absent": "缺席", "blank": "未签到"}
