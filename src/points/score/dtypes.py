"""The closed-vocabulary columns of the result tables as pandas categoricals, their categories
fixed by the ruleset and the statuses (never by the data).

A ledger has millions of rows but a few dozen dimensions and rule ids, and the events a handful
of activities and statuses: as text each row carries its own copy of the word (some 20 bytes a
row and column), as a categorical one small integer. The categories are every value the
column can hold under the ruleset, in the order of their text, so that

- every run, partition and cache chunk has the same dtype: combining them (``pd.concat``,
  Arrow's dictionaries) keeps the column categorical without unifying anything, and
- grouping or sorting by the column numbers its values as grouping or sorting the text does
  (pandas orders a categorical's groups by its categories).

Which columns (measured at a quarter of a city: these held 136 MB of the tables' 460 MB):

- ``ledger``: ``dimension``, ``rule``;
- ``events``: ``activity`` (the ruleset's name of the activity), ``activity_id``, ``status``.

The others stay text: member ids, names, addresses and the ledger's ``item`` and ``status``
are open (an exam's name, a minimum's shortfall, an appraisal score such as ``85分``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rules.model import Ruleset
from ..vocab.frames import positions
from ..vocab.statuses import STATUSES
from .ledger import ADJUSTMENT

__all__ = ["coded", "event_dtypes", "ledger_dtypes"]


def _dtype(values: set[str]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(pd.Index(sorted(values), dtype="str"), ordered=False)


def _dimensions(rs: Ruleset) -> set[str]:
    """Every dimension a ledger row can name: the ruleset's, those its rules point at, the
    deductions' and the adjustments' (the loader checks that the rules point at its own)."""
    named = {a.dimension for a in rs.activities} | {i.dimension for i in
                                                    (*rs.bonuses, *rs.negatives)}
    named |= {r.dimension for r in (rs.quiz, rs.study, rs.appraisal) if r is not None}
    return {d.id for d in rs.dimensions} | named | {"deductions", ADJUSTMENT}


def _rules(rs: Ruleset) -> set[str]:
    """Every rule id a ledger row can carry under ``rs`` (see :mod:`.ledger`)."""
    rules = {"appraisal", "floor", "aggregate", "total_cap", "convert.late", "convert.leave"}
    for a in rs.activities:
        rules |= {f"credit.{a.id}", f"absence.{a.id}", f"late.{a.id}", f"cap.{a.id}"}
    for kind, items in (("bonus", rs.bonuses), ("negative", rs.negatives)):
        for i in items:
            rules |= {f"{kind}.{i.id}", f"cap.{i.id}", f"zero.{i.id}"}
    for kind in ("quiz", "study"):
        rules |= {kind, f"cap.{kind}", f"yearcap.{kind}"}
    for d in rs.dimensions:
        rules |= {f"{what}.{d.id}" for what in ("base", "carry", "dimcap", "dimfloor")}
    return rules | {f"minimum.{m.id}" for m in rs.minimums}


def ledger_dtypes(rs: Ruleset) -> dict[str, pd.CategoricalDtype]:
    """The dtypes of the ledger's coded columns under ``rs``."""
    return {"dimension": _dtype(_dimensions(rs)), "rule": _dtype(_rules(rs))}


def event_dtypes(rs: Ruleset) -> dict[str, pd.CategoricalDtype]:
    """The dtypes of the events' coded columns under ``rs``."""
    return {"activity": _dtype({a.name for a in rs.activities}),
            "activity_id": _dtype({a.id for a in rs.activities}),
            "status": _dtype(set(STATUSES))}


def coded(frame: pd.DataFrame, dtypes: dict[str, pd.CategoricalDtype]) -> pd.DataFrame:
    """``frame`` with its columns named in ``dtypes`` as those categoricals (a column that has
    its dtype already is kept as it is). Text is looked up once per value in Arrow; a value
    outside the categories is a mistake in this module, never dropped quietly. An empty frame
    (most of a small run's blocks) is typed without a lookup."""
    columns = {}
    for name, dtype in dtypes.items():
        values = frame[name]
        if values.dtype == dtype:
            continue
        if not len(values):
            columns[name] = pd.Series(pd.Categorical.from_codes(np.zeros(0, "int64"),
                                                                dtype=dtype), index=frame.index)
            continue
        codes = positions(values.astype("string"), dtype.categories)
        lost = (codes < 0) & values.notna().to_numpy(dtype=bool)
        if lost.any():
            raise ValueError(f"{name}: {values[lost].iloc[0]!r} is not among the categories "
                             "the ruleset gives this column (points.score.dtypes)")
        columns[name] = pd.Series(pd.Categorical.from_codes(codes, dtype=dtype),
                                  index=frame.index)
    return frame.assign(**columns) if columns else frame
