"""Review flags that one member's records decide (the six-month rule, escalation, counts,
zero-out, no records). Flags that judge a total against others (grades, quotas, probation)
are raised in :mod:`points.judge.flags`, which also assembles the review list."""

from __future__ import annotations

from collections.abc import Callable

from .base import MemberFlags
from .continuity import continuity_flags
from .counts import count_flags
from .minimums import minimum_flags
from .presence import presence_flags
from .rows import flag_rows, record_evidence, roster_evidence

__all__ = ["MEMBER_FLAGS", "MemberFlags", "flag_rows", "record_evidence", "roster_evidence"]

#: The member flags, in the order they are raised.
MEMBER_FLAGS: tuple[Callable[[MemberFlags], None], ...] = (
    continuity_flags, count_flags, minimum_flags, presence_flags)
