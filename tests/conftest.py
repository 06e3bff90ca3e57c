"""Shared helpers: build canonical records from short Python lists; paths of the shipped
examples and test rulesets; the example year read (and assessed) once per session, the
small generated city read and assessed once per session; the hypothesis profiles; the
garbage collector's threshold (below).

Hypothesis profiles: ``dev`` (the default) runs few examples per property so the suite stays
quick while editing; ``ci`` (selected by ``CI=true``, as ``.ci/run`` sets it) runs more.
``HYPOTHESIS_PROFILE=ci`` picks one explicitly. A property whose examples cost much more or
much less than a typical one scales the profile's number with :func:`examples`.
"""

from __future__ import annotations

import functools
import gc
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
import pytest
from hypothesis import settings

import points
from points.judge import AssessmentTables

# The cyclic garbage collector less often: at Python's default (a young collection every 700
# net allocations) its full collections, each through every object the test process keeps
# (imported modules, session assessments, openpyxl workbooks opened for reading: ~0.1-0.3 s
# each), took 5.4 s of the 80 s of CPU of tests/report; at 50,000 all collections took 1.0 s
# (same tests, same results: garbage without cycles is freed at once either way).
gc.set_threshold(50_000, 20, 10)

# No deadline: an example's time on a shared 2-core machine says nothing about a bug.
settings.register_profile("dev", max_examples=5, deadline=None)
# ci: 10 examples a property (30 until #14's third round, then 18, then 14: with each round's
# tests the suite grew to 2:32-3:16 on 2 cores, 3:16 when this VM is slow; the properties take
# about an eighth of the suite's time, and 10 buys back about 10 s of CPU)
settings.register_profile("ci", max_examples=10, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE",
                                     "ci" if os.environ.get("CI") == "true" else "dev"))


def examples(factor: float) -> int:
    """The profile's number of examples times ``factor`` (at least 2): for a property whose
    examples are much dearer (factor < 1) or cheaper (factor > 1) than one assessment."""
    return max(2, round(settings.default.max_examples * factor))


@functools.lru_cache(maxsize=4)
def _book(path: str, stamp: tuple[int, int]) -> openpyxl.Workbook:
    with warnings.catch_warnings():  # openpyxl does not know the data-bar extension
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path)


def load_book(path: Path) -> openpyxl.Workbook:
    """``path`` opened by openpyxl, for reading only: several tests read the same written
    workbook, which is opened once while its size and time stay the same (a test must not
    change the cells of what it gets)."""
    stat = path.stat()
    return _book(str(path), (stat.st_mtime_ns, stat.st_size))


ROOT = Path(__file__).parent.parent
EXAMPLE_FILES = sorted((ROOT / "examples" / "workbooks").glob("*.xlsx"))


def example_town(folder: Path) -> Path:
    """The example year's workbooks copied into ``folder`` (made if missing), to edit."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in EXAMPLE_FILES:
        shutil.copy(path, folder)
    return folder
FLAT_RULES = Path(__file__).parent / "rulesets" / "flat.toml"


def build(
    members: Sequence[tuple] = (),
    attendance: Sequence[tuple] = (),
    negatives: Sequence[tuple] = (),
    bonuses: Sequence[tuple] = (),
    appraisals: Sequence[tuple] = (),
) -> points.Records:
    """members: (id, name, branch, category[, joined[, left]]);
    attendance: (id, date, activity, status); logs: (id, date, item); appraisals: (id, result).
    Sources are numbered per table: ``签到!A1``, ``签到!A2`` …"""
    roster = pd.DataFrame(
        [tuple(m) + (None,) * (6 - len(m)) for m in members],
        columns=["member_id", "name", "branch", "category", "joined", "left"],
    )

    def frame(rows: Sequence[tuple], columns: list[str], sheet: str) -> pd.DataFrame:
        out = pd.DataFrame(list(rows), columns=columns)
        out["source"] = [f"{sheet}!A{i + 1}" for i in range(len(out))]
        return out

    return points.Records.from_frames(
        roster=roster.assign(source=[f"名册!A{i + 2}" for i in range(len(roster))]),
        attendance=frame(attendance, ["member_id", "date", "activity", "status"], "签到"),
        negatives=frame(negatives, ["member_id", "date", "item"], "负面清单"),
        bonuses=frame(bonuses, ["member_id", "date", "item"], "先锋示范"),
        appraisals=frame(appraisals, ["member_id", "result"], "评议"),
    )


def together(parts: Mapping[str, points.Records]) -> points.Records:
    """Several cases' records as one, to assess them all at once: each part's member ids and
    branches get its key and ``/`` before them (``"six/M1"``, ``"six/一支部"``: every case a
    branch of its own) and keep their sources (``签到!A1`` as :func:`build` numbered them), so
    a member's flags, evidence and points read as for the part alone. For cases whose results
    depend on the member's own records and branch only (not on the year or the whole town:
    ranks over everyone differ), each member in a branch (one without stays without)."""
    tables = {}
    for table in ("roster", "attendance", "negatives", "bonuses", "appraisals"):
        frames = []
        for key, records in parts.items():
            frame = getattr(records, table)
            tagged = {c: (key + "/" + frame[c]).where(frame[c].fillna("") != "", frame[c])
                      for c in ("member_id", "branch") if c in frame.columns}
            frames.append(frame.assign(**tagged))
        tables[table] = pd.concat(frames, ignore_index=True)
    return points.Records.from_frames(**tables)


def monthly(patterns: Sequence[Sequence[str | None]], activity: str) -> points.Records:
    """One 在职党员 of 一支部 per pattern (``M0``, ``M1``, …): the pattern's i-th status for
    ``activity`` on the 10th of month i + 1 of 2024 (None: no record that month)."""
    members = [(f"M{k}", f"党员{k}", "一支部", "在职党员") for k in range(len(patterns))]
    attendance = [(f"M{k}", f"2024-{i + 1:02d}-10", activity, status)
                  for k, pattern in enumerate(patterns) for i, status in enumerate(pattern)
                  if status is not None]
    return build(members, attendance)


def total(assessment: points.Assessment, member_id: str, column: str = "total") -> float:
    row = assessment.totals.set_index("member_id").loc[member_id]
    return float(row[column])


def _labels_alike(left: pd.Index, right: pd.Index) -> bool:
    """Plain labels (a range or a flat index; pandas checks the levels or categories of the
    others in ways ``equals`` does not) of one class, dtype and names, equal in order."""
    return (type(left) is type(right) and type(left) in (pd.RangeIndex, pd.Index)
            and left.dtype == right.dtype and left.names == right.names and left.equals(right))


def same_frame(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    """``left`` and ``right`` exactly alike, in a few vectorized steps: the same index and
    columns (class, dtype, names, values, order), the same dtypes, the categories in the same
    order, and equal values (NaN where the other has NaN) — all that ``assert_frame_equal``
    asserts (and exact where it allows a tolerance). It is a shortcut only: where it says no,
    assert with pandas for the message. (``assert_frame_equal`` compares categorical columns
    value by value in Python: ~0.3 s for the example year's ledger.)"""
    if not (_labels_alike(left.index, right.index) and _labels_alike(left.columns, right.columns)
            and left.flags.allows_duplicate_labels == right.flags.allows_duplicate_labels
            and left.dtypes.equals(right.dtypes)):
        return False
    categorical = [k for k, dtype in enumerate(left.dtypes) if isinstance(dtype, pd.CategoricalDtype)]
    return all(_labels_alike(left.iloc[:, k].cat.categories, right.iloc[:, k].cat.categories)
               for k in categorical) and left.equals(right)


def assert_same_frame(left: pd.DataFrame, right: pd.DataFrame, **kwargs: object) -> None:
    """``pd.testing.assert_frame_equal(left, right, **kwargs)``, skipped when :func:`same_frame`
    already shows them alike: for checks as strict as pandas' defaults or stricter
    (``check_exact=True``, ``check_index_type=True``), never relaxed ones."""
    if not same_frame(left, right):
        pd.testing.assert_frame_equal(left, right, **kwargs)  # type: ignore[arg-type]


def assert_same_tables(a: AssessmentTables, b: AssessmentTables) -> None:
    """Every table (and value) of two assessments equal, the failing one named."""
    for field in attrs.fields(AssessmentTables):
        left, right = getattr(a, field.name), getattr(b, field.name)
        if isinstance(left, pd.DataFrame):
            assert_same_frame(left, right, obj=field.name)
        else:
            assert left == right, field.name


def rules(assessment: points.Assessment, member_id: str) -> list[tuple[str, float]]:
    led = assessment.ledger[assessment.ledger["member_id"] == member_id]
    return list(zip(led["rule"], led["points"], strict=True))


@pytest.fixture(scope="session")
def default() -> points.Ruleset:
    return points.default_ruleset()


@pytest.fixture(scope="session")
def example_records() -> points.Records:
    """The example year, read once for the whole session (never change its tables)."""
    return points.read_workbooks(EXAMPLE_FILES)


@pytest.fixture(scope="session")
def example_under(example_records: points.Records) -> Callable[[str], points.Assessment]:
    """The example year assessed under a shipped ruleset, by name: each at most once per
    session (never change its tables)."""

    @functools.cache
    def assessed(name: str) -> points.Assessment:
        return points.assess(example_records, points.load_ruleset(name))

    return assessed


@pytest.fixture(scope="session")
def example(example_under: Callable[[str], points.Assessment]) -> points.Assessment:
    """The example year under the default rules, assessed once for the whole session."""
    return example_under(points.default_ruleset().name)


@pytest.fixture(scope="session")
def example_book(example: points.Assessment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example year's review workbook under the default rules (``example.to_excel``),
    written once for the session: compare bytes with it, or read it (never change it)."""
    path = tmp_path_factory.mktemp("review") / "复核.xlsx"
    assert example.to_excel(path) == [path]  # the paths written: the workbook alone
    return path


@pytest.fixture(scope="session")
def paper_books(example: points.Assessment, example_records: points.Records, example_book: Path,
                tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example year's papers as workbooks in one folder, name → path: the review workbook
    (``复核``, a copy of :func:`example_book`), the 公示 (``公示``) and the monthly report up to
    2024-06-30 (``月报``)."""
    from points.report.monthly import write_monthly

    folder = tmp_path_factory.mktemp("papers")
    books = {"复核": folder / "复核.xlsx", "公示": folder / "公示.xlsx", "月报": folder / "月报.xlsx"}
    shutil.copyfile(example_book, books["复核"])
    example.to_excel(books["公示"], public=True)
    write_monthly(points.assess(example_records, as_of="2024-06-30"), books["月报"])
    return books


@pytest.fixture(scope="session")
def papers(paper_books: dict[str, Path]) -> dict[str, Path]:
    """:func:`paper_books` converted to PDF by LibreOffice in ONE run (each start costs
    5–13 s), name → PDF. Skipped locally without LibreOffice; CI installs it, and there its
    absence fails."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install LibreOffice (libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed")
    folder = next(iter(paper_books.values())).parent
    run = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/lo",
                          "--convert-to", "pdf", "--outdir", str(folder),
                          *map(str, paper_books.values())],
                         capture_output=True, text=True, timeout=300, check=False)
    out = {name: path.with_suffix(".pdf") for name, path in paper_books.items()}
    missing = [str(pdf) for pdf in out.values() if not pdf.exists()]
    assert not missing, (missing, run.stdout, run.stderr)
    return out


@pytest.fixture(scope="session")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> points.Records:
    """A small city made by the city benchmark's generator (benchmarks/city.py): three towns
    of two branches, 375 members, with its planted problems (unknown marks, rows twice, people
    on no roster); read once for every test that partitions or spreads the scoring."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import city as generator  # type: ignore[import-not-found]  # the benchmark's, not a package
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    size, generator.TOWN_SIZE = generator.TOWN_SIZE, 2
    try:
        folder = generator.generate(tmp_path_factory.mktemp("city"), 0.003, workers=1)
    finally:
        generator.TOWN_SIZE = size
    return points.read_workbooks(folder / "workbooks")


@pytest.fixture(scope="session")
def small_city_assessed(small_city: points.Records) -> points.Assessment:
    """:func:`small_city` assessed in one process, once for the session (never change its
    tables): the plain run the cores and Dask tests compare theirs with."""
    return points.assess(small_city, workers=1)
