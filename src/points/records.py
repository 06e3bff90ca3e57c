"""The canonical records: the one set of tables every reader produces and scoring consumes.

=============  ===========================================================================
table          columns (``*`` required)
=============  ===========================================================================
roster         member_id*, name*, branch, category, joined, left, admitted, confirmed, source
attendance     member_id*, date*, activity*, mark or status*, source
negatives      member_id*, date*, item*, source, note
bonuses        member_id*, date*, item*, source, note
appraisals     member_id*, result*, source
quizzes        member_id*, date*, exam*, score* (number), source
study          member_id*, date*, points* (number), span (``month`` or ``year``), source
=============  ===========================================================================

The roster's ``category`` is the member's category at the end of the period; ``admitted``
(接收预备党员日期: 发展对象 → 预备党员) and ``confirmed`` (转正日期: 预备党员 → the roster category)
say when it changed during the period, so each part of the period is scored under the category
the member had then.

``mark`` is the attendance mark as written (``√``, ``请假``, ``出差``; "" for an empty cell), which
the ruleset's ``[marks]`` turn into a status when the records are scored; ``status`` is a
canonical status (:data:`points.STATUSES`) given directly, which wins over the mark (one of the
two columns is required). ``source`` is the address of the cell the record came from,
``file!sheet!A1``. ``quizzes`` are exam scores (以考促学: 考试名称, 得分); ``study`` are
study-platform points (学习强国 学习积分) of a month or, with ``span = "year"``, a whole year,
dated at the last day of the month (year). Tables are checked at the door: a missing
column, a wrong type or an invalid value raises :class:`RecordsError` listing every failure
at once. Values that depend on the ruleset (marks, activity names, items, categories,
unknown members) are not errors: they become data issues when the records are assessed.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from .vocab.errors import ArgumentError, RecordsError
from .vocab.issues import empty_issues
from .vocab.statuses import STATUSES
from .vocab.text import normalize_name, normalize_series, suggestion, suggestion_zh

__all__ = ["Lineage", "Records", "RecordsError", "lineage", "trace"]

_SCHEMA: dict[str, dict[str, str]] = {
    "roster": {"member_id": "id", "name": "text", "branch": "text?", "category": "text?",
               "joined": "date?", "left": "date?", "admitted": "date?", "confirmed": "date?",
               "source": "text?"},
    "attendance": {"member_id": "id", "date": "date", "activity": "text", "mark": "mark?",
                   "status": "status?", "source": "text?"},
    "negatives": {"member_id": "id", "date": "date", "item": "text", "source": "text?",
                  "note": "text?"},
    "bonuses": {"member_id": "id", "date": "date", "item": "text", "source": "text?",
                "note": "text?"},
    "appraisals": {"member_id": "id", "result": "text", "source": "text?"},
    "quizzes": {"member_id": "id", "date": "date", "exam": "text", "score": "number",
                "source": "text?"},
    "study": {"member_id": "id", "date": "date", "points": "number", "span": "span?",
              "source": "text?"},
}
TABLES: tuple[str, ...] = tuple(_SCHEMA)


def _examples(mask: pd.Series, frame: pd.DataFrame, column: str) -> str:
    rows = frame.index[mask.to_numpy()][:3]
    shown = ", ".join(f"row {r!r} ({frame.at[r, column]!r})" for r in rows)
    more = int(mask.sum()) - len(rows)
    return shown + (f" and {more} more" if more > 0 else "")


def _as_id(values: pd.Series) -> pd.Series:
    """Ids as text: integers (also integral floats from Excel) lose their ``.0``."""
    if pd.api.types.is_float_dtype(values):
        whole = values.dropna()
        if (whole == whole.round()).all():
            return values.astype("Int64").astype("string")
    return _strip(values.astype("string"))


def _strip(text: pd.Series) -> pd.Series:
    """``text.str.strip()``, skipped when no distinct value has white space at either end
    (the common case, and much cheaper to learn on the distinct values)."""
    distinct = pd.Series(text.unique(), dtype="string")
    if not (distinct.str.strip() != distinct).fillna(False).any():
        return text
    return text.str.strip()


def _fill(table: str, column: str, kind: str, out: pd.DataFrame) -> pd.Series:
    """The value of an optional column the table does not have."""
    if column == "source":
        return pd.Series([f"{table}#{i}" for i in out.index], index=out.index, dtype="string")
    if kind == "date":
        return pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
    if kind == "status":
        return pd.Series(pd.NA, index=out.index, dtype="string")
    if kind == "span":
        return pd.Series("month", index=out.index, dtype="string")
    return pd.Series("", index=out.index, dtype="string")


def _ids(table: str, column: str, out: pd.DataFrame, failures: list[tuple[str, str, str]]
         ) -> pd.Series | None:
    values = out[column]
    if not (pd.api.types.is_string_dtype(values) or pd.api.types.is_integer_dtype(values)
            or pd.api.types.is_float_dtype(values) or values.dtype == object):
        failures.append((table, column, f"expected text ids, got dtype {values.dtype}"))
        return None
    ids = _as_id(values)
    empty = ids.isna() | (ids == "")
    if empty.any():
        failures.append((table, column, f"{int(empty.sum())} rows have no id: "
                         + _examples(empty, out, column)))
    return ids


def _dates(table: str, column: str, required: bool, out: pd.DataFrame,
           failures: list[tuple[str, str, str]]) -> pd.Series:
    values = out[column]
    try:
        dates = pd.to_datetime(values, errors="coerce")
    except (TypeError, ValueError):
        dates = pd.Series(pd.NaT, index=values.index)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    bad = dates.isna() if required else dates.isna() & values.notna()
    if bad.any():
        failures.append((table, column, f"{int(bad.sum())} rows have no valid date: "
                         + _examples(bad, out, column)))
    return dates.astype("datetime64[us]")


def _numbers(table: str, column: str, out: pd.DataFrame,
             failures: list[tuple[str, str, str]]) -> pd.Series:
    numbers = pd.to_numeric(out[column], errors="coerce").astype("float64")
    bad = numbers.isna() | ~np.isfinite(numbers.fillna(0.0))
    if bad.any():
        failures.append((table, column, f"{int(bad.sum())} rows have no finite number: "
                         + _examples(bad, out, column)))
    return numbers


def _text(table: str, column: str, kind: str, required: bool, out: pd.DataFrame,
          failures: list[tuple[str, str, str]]) -> pd.Series:
    text = out[column].astype("string")
    if column != "source":  # an address is a label, kept as given (and it is long)
        text = _strip(text)
    if kind in ("text", "status") and required:
        empty = text.isna() | (text == "")
        if empty.any():
            failures.append((table, column, f"{int(empty.sum())} rows are empty: "
                             + _examples(empty, out, column)))
    if kind == "span":
        text = text.fillna("month").replace("", "month")
        bad = ~text.isin(("month", "year"))
        if bad.any():
            failures.append((table, column, "expected month or year, got "
                             + _examples(bad, out, column)))
    if kind == "status":
        bad = ~text.isin(STATUSES) & text.notna()
        if bad.any():
            failures.append((table, column, f"expected a canonical status "
                             f"({', '.join(STATUSES)}), got " + _examples(bad, out, column)))
    return text.fillna("") if column in _FILLED else text


_FILLED = ("source", "note", "branch", "category", "mark")


def _check(table: str, frame: Any, failures: list[tuple[str, str, str]]) -> pd.DataFrame:
    schema = dict(_SCHEMA[table])
    if not isinstance(frame, pd.DataFrame):
        failures.append((table, "", f"expected a pandas DataFrame, got {type(frame).__name__}"))
        return pd.DataFrame({c: pd.Series(dtype="string") for c in schema})
    out = frame.reset_index(drop=True).copy()
    out.index = frame.index if frame.index.is_unique else out.index
    if table == "attendance" and "mark" not in out.columns:
        schema["status"] = "status"  # without marks as written, the statuses are required
    for column, kind in schema.items():
        required = not kind.endswith("?")
        kind = kind.rstrip("?")
        if column not in out.columns:
            if required:
                failures.append((table, column, "required column is missing"
                                 + suggestion(column, map(str, out.columns))))
            else:
                out[column] = _fill(table, column, kind, out)
            continue
        if kind == "id":
            ids = _ids(table, column, out, failures)
            if ids is not None:
                out[column] = ids
        elif kind == "date":
            out[column] = _dates(table, column, required, out, failures)
        elif kind == "number":
            out[column] = _numbers(table, column, out, failures)
        else:
            out[column] = _text(table, column, kind, required, out, failures)
    return out.reset_index(drop=True)


def _empty(table: str) -> pd.DataFrame:
    """A checked table of ``table`` with no rows."""
    failures: list[tuple[str, str, str]] = []
    return _check(table, pd.DataFrame({c: [] for c in _SCHEMA[table]}), failures)


@attrs.frozen(kw_only=True)
class Records:
    """The canonical tables. Build with :meth:`from_frames`, which checks them."""

    roster: pd.DataFrame
    attendance: pd.DataFrame
    negatives: pd.DataFrame
    bonuses: pd.DataFrame
    appraisals: pd.DataFrame
    #: Exam scores (以考促学) and study-platform points (学习强国), empty when none were given.
    quizzes: pd.DataFrame = attrs.field(factory=lambda: _empty("quizzes"))
    study: pd.DataFrame = attrs.field(factory=lambda: _empty("study"))
    #: Data issues found while the records were read (same columns as ``Assessment.issues``).
    issues: pd.DataFrame = attrs.field(factory=lambda: empty_issues())
    #: The files the records were read from: ``(path, SHA-256)`` pairs (empty for DataFrames).
    files: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_frames(
        cls,
        *,
        roster: pd.DataFrame,
        attendance: pd.DataFrame | None = None,
        negatives: pd.DataFrame | None = None,
        bonuses: pd.DataFrame | None = None,
        appraisals: pd.DataFrame | None = None,
        issues: pd.DataFrame | None = None,
        quizzes: pd.DataFrame | None = None,
        study: pd.DataFrame | None = None,
    ) -> Records:
        """Check and normalise the tables; raise :class:`RecordsError` listing every failure.

        Missing optional tables are empty; missing optional columns are filled (``source``
        with ``table#row``). Ids become text; dates become ``datetime64``.
        """
        given: Mapping[str, Any] = {"roster": roster, "attendance": attendance,
                                    "negatives": negatives, "bonuses": bonuses,
                                    "appraisals": appraisals, "quizzes": quizzes, "study": study}
        failures: list[tuple[str, str, str]] = []
        tables = {}
        for table in TABLES:
            frame = given[table]
            if frame is None:
                frame = pd.DataFrame({c: [] for c in _SCHEMA[table]})
            tables[table] = _check(table, frame, failures)
        if failures:
            raise RecordsError(failures)
        dup = tables["roster"]["member_id"].duplicated(keep=False)
        if dup.any():
            ids = sorted(tables["roster"].loc[dup, "member_id"].unique())
            raise RecordsError([("roster", "member_id",
                                 f"member ids must be unique, repeated: {', '.join(ids[:5])}")])
        return cls(roster=tables["roster"], attendance=tables["attendance"],
                   negatives=tables["negatives"], bonuses=tables["bonuses"],
                   appraisals=tables["appraisals"], quizzes=tables["quizzes"], study=tables["study"],
                   issues=empty_issues() if issues is None else issues)

    def for_branch(self, branch: str) -> Records:
        """The records of one branch's members (the roster may be a whole town's), with the
        data issues about them and those in the files that hold their records."""
        names = normalize_series(self.roster["branch"])
        key = normalize_name(branch)
        if not (names == key).any():
            known = sorted(set(self.roster["branch"]) - {""})
            raise ArgumentError(f"名册中没有支部“{branch}”" + suggestion_zh(branch, known))
        roster = self.roster[(names == key).to_numpy()].reset_index(drop=True)
        ids = roster["member_id"]

        def keep(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["member_id"].isin(ids).to_numpy()].reset_index(drop=True)

        tables = [keep(t) for t in (self.attendance, self.negatives, self.bonuses, self.appraisals,
                                    self.quizzes, self.study)]
        files = set(pd.concat([t["source"] for t in tables]).str.split("!", n=1).str[0])
        issue_file = self.issues["source"].str.split("!", n=1).str[0]
        issues = self.issues[(self.issues["member_id"].isin(ids)
                              | (self.issues["member_id"].isna() & issue_file.isin(files))
                              ).to_numpy()].reset_index(drop=True)
        return attrs.evolve(self, roster=roster, attendance=tables[0], negatives=tables[1],
                            bonuses=tables[2], appraisals=tables[3], quizzes=tables[4],
                            study=tables[5], issues=issues)


# -- where the rows came from ------------------------------------------------------------------

@attrs.frozen(kw_only=True, eq=False)
class Lineage:
    """Where each row of a :class:`Records` came from, as the reader made it (:func:`trace`):
    the rows of a file depend only on the file's content, the roster and ``origin`` (the
    reader's version and the year for dates without one), so a later run can tell which of its
    rows can have changed since a run whose files it knows. ``roster_files``: the files that
    hold roster rows; ``keys``: each record table's rows' file, its number in
    :attr:`Records.files`. The frames' data as they were traced is kept beside, so that
    :func:`lineage` gives nothing for records changed since (a frame written in place)."""

    origin: str
    roster_files: frozenset[str]
    keys: Mapping[str, np.ndarray]
    frames: Mapping[str, pd.DataFrame] = attrs.field(factory=dict, repr=False)


#: The lineage of each traced Records (by its id, while it lives). Not a field of Records:
#: ``attrs.evolve`` (a Records with other tables) leaves it behind, and equality ignores it.
_TRACED: dict[int, tuple[weakref.ref[Records], Lineage]] = {}


def trace(records: Records, lineage: Lineage) -> Records:
    """``records`` with ``lineage`` noted beside it (its frames' data kept as they are now:
    shallow copies, so that a write to a frame, copy-on-write, leaves them apart)."""
    frames = {name: getattr(records, name).copy(deep=False) for name in TABLES}
    key = id(records)
    _TRACED[key] = (weakref.ref(records, lambda _: _TRACED.pop(key, None)),
                    attrs.evolve(lineage, frames=frames))
    return records


def lineage(records: Records) -> Lineage | None:
    """The lineage :func:`trace` noted for ``records``; None when there is none, or when a
    table was changed since (a column replaced or written in place: its data are no longer
    those traced), or a row's file is not known."""
    found = _TRACED.get(id(records))
    if found is None or found[0]() is not records:
        return None
    kept = found[1]
    for name, frame in kept.frames.items():
        now = getattr(records, name)
        if _fingerprint(now) != _fingerprint(frame):
            return None
        if name != "roster" and len(kept.keys.get(name, ())) != len(now):
            return None
    return kept


def _fingerprint(frame: pd.DataFrame) -> list[object]:
    """Where ``frame``'s data lie: its shape, columns and each column's buffers (Arrow) or
    array (NumPy). A write makes new buffers (copy-on-write), so a frame whose fingerprint is
    that of a shallow copy made before holds the same values. Once per column and chunk."""
    out: list[object] = [frame.shape, list(frame.columns), list(map(str, frame.dtypes))]
    for name in frame.columns:
        array = frame[name].array
        if hasattr(array, "__arrow_array__"):
            chunked = pa.chunked_array(pa.array(array))
            out.append([(c.offset, len(c), *(b.address if b is not None else 0
                                             for b in c.buffers())) for c in chunked.chunks])
        else:
            values = np.asarray(array)
            out.append((values.__array_interface__["data"][0], values.shape, values.strides))
    return out
