"""积分明细: every scored line, as sheets (积分明细2, … when longer than a sheet holds), or as a
CSV or Parquet file beside the workbook, or not at all.

The CSV and Parquet files hold data, never formulas (as OWASP advises against CSV injection):
text that a spreadsheet program would take for a formula (see :data:`points.report.xlsx.RISKY`)
gets a leading ``'``, every text field of the CSV is quoted, and numbers stay numbers, always
finite: ``inf``/``-inf`` are the text ``∞``/``−∞`` in the CSV and empty (null) in the Parquet
file, whose 积分 column holds numbers only."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..._version import __version__
from ...judge.assessment import AssessmentTables
from ...vocab.frames import arrow_text, is_arrow_text, per_run, positions, run_starts
from ...vocab.statuses import STATUS_LABELS
from ..cells import NA_TEXT, risky, text_array, text_series
from ..common import check_target
from ..rowgroups import MOST, Kept, group_file, group_keys, joined_file, row_groups
from ..xlsx import INFINITY, Book, Column, atomic_write

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from ..beside import Submit

__all__ = ["LEDGER_COLUMNS", "PROCESS_ROWS", "ROW_GROUP", "SHEET_LEDGER_ROWS", "LedgerOption",
           "ledger_choice", "ledger_file", "ledger_parts", "ledger_path", "ledger_slices",
           "ledger_table", "literal_frame", "write_ledger"]

LedgerOption = Literal["auto", "sheets", "csv", "parquet", "none"]
"""Where the ledger goes: sheets in the workbook, a file beside it, or nowhere; ``auto``:
sheets up to :data:`SHEET_LEDGER_ROWS` rows, else Parquet (see :func:`ledger_choice`)."""

#: With ``ledger="auto"``, a ledger up to this many rows goes in the workbook (a town of some
#: 2,500 members); a longer one goes to a Parquet file beside it: a ledger split over sheets is
#: slow to write and to open, and nobody reads a million rows in a spreadsheet (each branch's
#: own ledger is in its workbook with ``--per-branch``).
SHEET_LEDGER_ROWS = 100_000

#: A ledger file of at least this many rows is written by a forked process beside the building
#: of the workbook (see :func:`ledger_file`); a shorter one by a second thread (a fork costs
#: more than the interpreter shared with a small file).
PROCESS_ROWS = 100_000

LEDGER_COLUMNS = [Column("党员编号"), Column("姓名"), Column("日期", "date", 12),
                  Column("规则", "text", 30), Column("积分", "points", 8), Column("来源", "text", 60),
                  Column("维度", "text", 10), Column("规则编号", "text", 30)]


#: The text dtype of 姓名: the default ``str`` (missing is ``nan``), as a column built from
#: Python objects gets (the others are ``string``, missing ``<NA>``).
_NAN_TEXT: pd.StringDtype[Any] = pd.StringDtype("pyarrow", na_value=np.nan)


def ledger_table(a: AssessmentTables) -> pd.DataFrame:
    """The ledger with Chinese headers, as the 积分明细 sheet shows it. Its texts are made
    once per distinct (item, status, rule), dimension and member, and spread back with one
    Arrow ``take`` each (a ledger has millions of rows and a few hundred kinds of row)."""
    return next(ledger_slices(a, max(len(a.ledger), 1)))


def ledger_slices(a: AssessmentTables, size: int) -> Iterator[pd.DataFrame]:
    """:func:`ledger_table`'s rows, ``size`` at a time (at least one table, maybe empty)."""
    return ledger_parts(a, [(at, at + size) for at in range(0, max(len(a.ledger), 1), size)])


def ledger_parts(a: AssessmentTables, bounds: Iterable[tuple[int, int]], *,
                 each: bool = False) -> Iterator[pd.DataFrame]:
    """:func:`ledger_table`'s rows ``start:stop`` for each of ``bounds``, each part's columns
    as it is asked for, so that a long ledger is never all text at once. The texts are made
    once per distinct (item, status, rule), dimension and member, and spread back with one
    Arrow ``take`` each (a ledger has millions of rows and a few hundred kinds of row): over
    the whole ledger, or with ``each`` over each part alone (for a few parts of a long
    ledger). A row's text depends on its own values only: the rows are the same."""
    if not each:
        yield from _parts(a, a.ledger, bounds)
        return
    for start, stop in bounds:
        yield from _parts(a, a.ledger.iloc[start:stop], [(0, stop - start)])


def _parts(a: AssessmentTables, led: pd.DataFrame, bounds: Iterable[tuple[int, int]]
           ) -> Iterator[pd.DataFrame]:
    """The parts ``bounds`` of the ledger rows ``led`` (see :func:`ledger_parts`)."""
    kinds = _kinds(led)
    first = _firsts(kinds)  # each kind's first row, in kind order
    rule = _rule_text(a, led.iloc[first])
    labels = a.dimension_labels
    dim_codes, distinct = pd.factorize(led["dimension"])
    dims = pd.Series(distinct, dtype="string")
    dim_text = dims.map(labels).astype("string").fillna(dims)
    at = _run_positions(led["member_id"], a.members["member_id"])
    for start, stop in bounds:
        rows = slice(start, stop)
        part = led.iloc[rows]
        yield pd.DataFrame({
            "党员编号": part["member_id"],
            "姓名": _take(a.members["name"], at[rows], part.index, _NAN_TEXT),
            "日期": part["date"], "规则": _take(rule, kinds[rows], part.index),
            "积分": part["points"], "来源": part["source"],
            "维度": _take(dim_text, dim_codes[rows], part.index),
            "规则编号": part["rule"]}, copy=False)  # the ledger's own columns shared, not copied


def _firsts(kinds: np.ndarray) -> np.ndarray:
    """The first row of each kind of :func:`_kinds` (numbered in order of first appearance:
    a row is a kind's first when its number passes every number before it), in kind order;
    one pass, where ``np.unique(…, return_index=True)`` sorts the millions of rows."""
    if not len(kinds):
        return np.zeros(0, dtype="int64")
    new = np.empty(len(kinds), dtype=bool)
    new[0] = True
    new[1:] = kinds[1:] > np.maximum.accumulate(kinds)[:-1]
    return np.flatnonzero(new)


def _kinds(led: pd.DataFrame) -> np.ndarray:
    """The ledger's kinds of row — ``led.groupby(["item", "status", "rule"], sort=False,
    dropna=False).ngroup()``: numbered in order of first appearance — from each column's
    integer codes (Arrow's dictionary encoding of text, a categorical's own codes) packed into
    one integer, without a Python string per row."""
    key = np.zeros(len(led), dtype="int64")
    for name in ("item", "status", "rule"):
        values = led[name]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes, size = values.cat.codes.to_numpy(), len(values.cat.categories)
        elif is_arrow_text(values):
            encoded = pc.dictionary_encode(arrow_text(values))
            codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            size = len(encoded.dictionary)
        else:
            codes, uniques = pd.factorize(values)
            size = len(uniques)
        key *= size + 1
        key += codes.astype("int64") + 1  # missing (-1): a value of its own
    return pd.factorize(key)[0]


def _run_positions(values: pd.Series, labels: pd.Series) -> np.ndarray:
    """:func:`points.vocab.frames.positions`, looked up once per run of equal values (the
    ledger is in member order: a few runs a member, not a hash per row)."""
    return per_run(values, lambda heads: positions(heads, labels))


def _take(values: pd.Series, codes: np.ndarray, index: pd.Index,
          dtype: pd.StringDtype[Any] = NA_TEXT) -> pd.Series:
    """``values`` at ``codes`` (-1: missing), on ``index``, as text of ``dtype``: one Arrow
    ``take`` (no Python string per row)."""
    return text_series(text_array(values).take(pa.array(codes, mask=codes < 0)), index, dtype)


def _rule_text(a: AssessmentTables, led: pd.DataFrame) -> pd.Series:
    """规则 for some ledger rows: the item, with the status and a note on caps."""
    status = led["status"].astype("string").fillna("")
    shown = status.map(STATUS_LABELS).astype("string").fillna(status)
    item = led["item"].astype("string").fillna("")
    capped = led["rule"].astype("string").str.startswith("cap.").fillna(False)
    period = {"year": "年度", "quarter": "季度", "month": "月度"}[a.ruleset.period]
    item = item.where(~capped, item + f" 超出{period}上限")  # not a penalty for attending
    return (item + ("（" + shown + "）").where(shown != "", "")).reset_index(drop=True)


def ledger_choice(a: AssessmentTables, option: LedgerOption) -> LedgerOption:
    """``option``, with ``auto`` made ``sheets`` (a ledger of at most :data:`SHEET_LEDGER_ROWS`
    rows) or ``parquet`` (a longer one)."""
    if option != "auto":
        return option
    return "sheets" if len(a.ledger) <= SHEET_LEDGER_ROWS else "parquet"


def ledger_path(workbook: Path, option: LedgerOption) -> Path | None:
    """Where the ledger file goes beside ``workbook`` (None when it goes in the workbook)."""
    if option not in ("csv", "parquet"):
        return None
    return workbook.with_name(f"{workbook.stem}-积分明细.{option}")


def literal_frame(frame: pd.DataFrame, *, infinity_as_text: bool) -> pd.DataFrame:
    """``frame`` made inert for a file a spreadsheet program may open: risky text (see
    :data:`RISKY`) gets a leading ``'``; a non-finite number becomes ``∞``/``−∞`` text when
    ``infinity_as_text`` (the column then holds text too), else missing."""
    out = frame.copy(deep=False)  # (columns replaced, never changed in place)
    for name in out.columns:
        values = out[name]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values):
            numbers = values.astype("float64")
            infinite = np.isinf(numbers.to_numpy())
            if infinite.any():
                sign = pd.Series(np.where(numbers > 0, *INFINITY), index=values.index)
                out[name] = (numbers.astype(object).where(~infinite, sign) if infinity_as_text
                             else numbers.where(~infinite))
            continue
        quote = risky(text_array(values)).to_numpy(zero_copy_only=False)
        if quote.any():
            text = values.astype("string")
            out[name] = text.where(~quote, "'" + text)
    return out


def _write_side(side: Path, frame: pd.DataFrame, option: LedgerOption) -> None:
    if option == "csv":
        text = literal_frame(frame, infinity_as_text=True).to_csv(
            index=False, quoting=csv.QUOTE_NONNUMERIC)
        atomic_write(side, lambda h: h.write(text.encode("utf-8-sig")))
    else:
        schema = _schema(frame)
        _write_groups(side, [_group(frame.iloc[at:at + ROW_GROUP], schema)
                             for at in range(0, max(len(frame), 1), ROW_GROUP)])


#: The most rows of a row group of the Parquet ledger (pyarrow's default).
ROW_GROUP = MOST


#: Columns of the Parquet ledger stored without a dictionary: 来源 (a cell address) differs
#: on nearly every row, so its dictionary only fills up and is dropped page by page (a city:
#: 2.08 → 1.52 s to write, and a smaller file). The others repeat and keep theirs.
PLAIN_COLUMNS = ("来源",)


def _schema(frame: pd.DataFrame) -> pa.Schema:
    """The Arrow schema of the Parquet ledger made from rows like ``frame``'s (from none of
    them: the same whichever rows a run builds)."""
    return pa.Schema.from_pandas(_plain(literal_frame(frame.iloc[:0], infinity_as_text=False)),
                                 preserve_index=False)


def _group(frame: pd.DataFrame, schema: pa.Schema) -> bytes:
    """Rows of the ledger made inert and converted (coded columns, 规则编号, as plain text,
    as the file always held them), as a Parquet file of one row group (see
    :mod:`points.report.rowgroups`). One chunk per column: Parquet's pages follow the chunks
    it is given, and the same ledger may come in one piece (a plain run) or in many
    (combined partitions)."""
    data = pa.Table.from_pandas(_plain(literal_frame(frame, infinity_as_text=False)),
                                schema=schema, preserve_index=False).combine_chunks()
    return group_file(data, [n for n in schema.names if n not in PLAIN_COLUMNS])


def _write_groups(side: Path, files: list[bytes]) -> None:
    pieces = joined_file(files)
    atomic_write(side, lambda handle: handle.writelines(pieces))


def _write_parquet(side: Path, a: AssessmentTables, cache: Path | None) -> None:
    """The Parquet ledger, a row group at a time (cut by member, see
    :mod:`points.report.rowgroups`): each group taken from ``cache`` when it holds it, else
    made (its text, then its file) and kept there; then the groups joined as one file."""
    led = a.ledger
    bounds = row_groups(led["member_id"])
    kept = None if cache is None else Kept(cache)
    files: list[bytes | None] = [None] * len(bounds)
    keys: list[str] = []
    if kept is not None:
        keys = group_keys([led[c] for c in _KEYED], bounds, _context(a), _names(a))
        files = [kept.get(key) for key in keys]
    todo = [i for i, file in enumerate(files) if file is None]
    if todo:  # a few groups of a long ledger: their text made from their own rows alone
        each = sum(bounds[i][1] - bounds[i][0] for i in todo) * 4 < len(led)
        parts = ledger_parts(a, [(0, 0)] + [bounds[i] for i in todo], each=each)
        schema = _schema(next(parts))
        for i, frame in zip(todo, parts, strict=True):
            files[i] = _group(frame, schema)
            if kept is not None:
                kept.put(keys[i], files[i])  # type: ignore[arg-type]  # (just made)
            del frame
    _write_groups(side, [f for f in files if f is not None])
    if kept is not None:
        kept.prune()


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its categorical columns as text (one Arrow ``take`` each)."""
    out = frame.copy(deep=False)  # (columns replaced, never changed in place)
    for name, values in frame.items():
        if isinstance(values.dtype, pd.CategoricalDtype):
            out[name] = text_series(text_array(values), values.index)
    return out


#: The ledger's columns a row group's text is made from (with the members' names).
_KEYED = ("member_id", "date", "item", "status", "rule", "points", "source", "dimension")


def _context(a: AssessmentTables) -> str:
    """What a row group of the Parquet ledger depends on besides its rows and names."""
    return repr((__version__, pa.__version__, pd.__version__, ROW_GROUP, PLAIN_COLUMNS,
                 a.ruleset.period, sorted(a.dimension_labels.items()),
                 sorted(STATUS_LABELS.items()), [str(led) for led in a.ledger.dtypes]))


def _names(a: AssessmentTables) -> tuple[pd.Series, np.ndarray]:
    """Each run of the ledger's member ids: its member's name (missing when none), and the
    first row of each run."""
    ids = a.ledger["member_id"]
    heads = np.flatnonzero(run_starts(ids))
    at = positions(ids.iloc[heads], a.members["member_id"])
    return _take(a.members["name"], at, pd.RangeIndex(len(at))), heads


def ledger_file(a: AssessmentTables, path: Path, option: LedgerOption,
                side: Submit | None = None, cache: Path | None = None) -> Path | None:
    """Start writing the ledger file beside the workbook at ``path`` when ``option`` puts it
    in one (see :func:`ledger_path`), and return where; ``side`` runs the writing (e.g. beside
    the building of the workbook, :func:`points.report.beside.alongside`: a ledger of
    :data:`PROCESS_ROWS` rows or more in a forked process, where it does not share the
    interpreter with the workbook's building), else it is written here and now. ``cache``:
    a cache folder where a Parquet ledger's row groups are kept for the next run (see
    :mod:`points.report.rowgroups`); the file is the same with or without it."""
    file = ledger_path(path, option)
    if file is None:
        return None
    check_target(file, a, file.suffix)
    if side is None:
        _write_file(file, a, option, cache)
    else:  # the table is made where the file is written
        side(lambda: _write_file(file, a, option, cache), process=len(a.ledger) >= PROCESS_ROWS)
    return file


def write_ledger(book: Book, a: AssessmentTables, path: Path, option: LedgerOption,
                 rows_per_sheet: int, *, printed: bool = True) -> None:
    """Add the 积分明细 sheet(s) to the workbook at ``path``, or when the ledger goes in a file
    beside it (:func:`ledger_file`), a sheet that says where. Unless ``printed``, each sheet's
    print area is its header row alone (see :func:`unprinted`)."""
    if option == "none":
        return
    file = ledger_path(path, option)
    if file is not None:
        rows = len(a.ledger)
        ws = book.sheet("积分明细")
        book.write_text(ws, 0, 0, f"积分明细共 {rows} 行，另存为 {file.name}（与本工作簿同一文件夹）"
                        + ("；各支部的积分明细在各支部的工作簿中（points score 加 --per-branch 写出）"
                           if rows > SHEET_LEDGER_ROWS else ""))
        return
    frame = ledger_table(a)
    per = rows_per_sheet - 1
    for part in range(max(1, math.ceil(len(frame) / per))):
        name = "积分明细" if part == 0 else f"积分明细{part + 1}"
        ws = book.table(name, frame.iloc[part * per:(part + 1) * per], LEDGER_COLUMNS,
                        freeze_columns=2)
        if not printed:
            unprinted(book, ws, len(frame))


def _write_file(file: Path, a: AssessmentTables, option: LedgerOption,
                cache: Path | None = None) -> None:
    """The ledger file: a Parquet file a row group at a time (see :func:`_write_parquet`;
    ``cache``: where its row groups are kept for the next run)."""
    if option == "parquet":
        _write_parquet(file, a, cache)
    else:
        _write_side(file, ledger_table(a), option)


def unprinted(book: Book, ws: Worksheet, rows: int) -> None:
    """Keep a ledger sheet off the default printout: its print area is the header row, and
    the page says why. (Printing the selection, or after Page Layout → Print Area → Clear,
    prints it all; the per-branch workbooks print their ledger in full.)"""
    ws.print_area(0, 0, 0, len(LEDGER_COLUMNS) - 1)
    ws.set_header(book.header(f"积分明细共 {rows} 行，默认不打印：请打印各支部的工作簿"),
                  margin=0.35)
