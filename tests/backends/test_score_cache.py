"""The score cache (#14 item 3): a re-run loads the chunks of branches whose records, ruleset
and period are unchanged, scores the others, and gives the plain run's tables and workbook
bytes; a changed ruleset or period reuses nothing; damage is ignored."""

from __future__ import annotations

import functools
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import points
from conftest import ROOT, assert_same_frame, assert_same_tables, build, example_town, examples
from points.assess import calendar_for
from points.backends.cache import (
    PREFIX,
    _load,
    _scores,
    _store,
    common_key,
    read_entry,
    score_cached,
)
from points.backends.digest import chunks
from points.backends.partition import combine_scores, partition_records
from points.judge import judge
from points.records import Records
from points.rules import default_ruleset
from points.score import Calendar, MemberScores, score_members
from points.score.dtypes import event_dtypes, ledger_dtypes
from points.vocab.store import prepare_cache


def _entries(folder: Path) -> set[str]:
    return {p.name for p in folder.glob(PREFIX + "*.arrow")}


class _Scorer:
    """score_members, noting which branches each call was given."""

    def __init__(self, rules: points.Ruleset, calendar: Calendar) -> None:
        self.rules, self.calendar = rules, calendar
        self.asked: list[list[str]] = []

    def __call__(self, records: Records) -> MemberScores:
        self.asked.append(sorted(records.roster["branch"].astype(str).unique()))
        return score_members(records, self.rules, self.calendar)


def _touch_one_mark(folder: Path) -> str:
    """Change one mark in one branch's sign-in workbook, as a secretary fixing a cell."""
    import openpyxl

    path = folder / "河西社区党支部2024年签到表.xlsx"  # marks 到 假 迟 缺 in quarterly sheets
    book = openpyxl.load_workbook(path)
    cell = next(c for row in book.worksheets[0].iter_rows() for c in row if c.value == "到")
    cell.value = "缺"
    book.save(path)
    return path.name


def test_a_cached_rerun_writes_the_plain_runs_bytes(example_records: points.Records,
                                                    example: points.Assessment,
                                                    example_book: Path, tmp_path: Path) -> None:
    """The example year: cold, warm, then one file changed."""
    cache = tmp_path / "缓存"
    cold = points.assess(example_records, cache=cache)
    kept = _entries(cache)
    warm = points.assess(example_records, cache=cache)
    assert kept and _entries(cache) == kept
    assert_same_tables(example, cold)
    plain_book, warm_book = tmp_path / "plain.xlsx", tmp_path / "warm.xlsx"
    warm.to_excel(warm_book)
    assert example_book.read_bytes() == warm_book.read_bytes()  # example.to_excel's bytes

    inputs = example_town(tmp_path / "in")
    _touch_one_mark(inputs)
    changed = points.read_workbooks(inputs)
    again, plain = points.assess(changed, cache=cache), points.assess(changed)
    assert not plain.totals.equals(example.totals)  # the change shows
    assert_same_tables(plain, again)
    plain.to_excel(plain_book)
    again.to_excel(warm_book)
    assert plain_book.read_bytes() == warm_book.read_bytes()
    assert _entries(cache) != kept  # the changed chunk's new entry replaced the old


def test_the_key_is_the_rulesets_content_and_the_period(example_records: points.Records,
                                                         tmp_path: Path) -> None:
    rules = default_ruleset()
    calendar = calendar_for(example_records, rules)
    key = common_key(example_records, rules, calendar)
    copy = tmp_path / "另一个名字.toml"
    copy.write_bytes((ROOT / "src/points/rules/shipped/dujiangyan.toml").read_bytes()
                     + "\n# 只多了一行注释\n".encode())
    assert common_key(example_records, points.load_ruleset(copy), calendar) == key
    assert key not in {
        common_key(example_records, points.load_ruleset("beijiang"), calendar),
        common_key(example_records, attrs.evolve(rules, floor=-1.0), calendar),
        common_key(example_records, rules, calendar_for(example_records, rules, as_of="2024-06-30")),
        common_key(example_records, rules, Calendar(2023, None)),
        common_key(attrs.evolve(example_records, roster=example_records.roster.astype(
            {"branch": "category"})), rules, calendar)}


def test_a_folder_that_cannot_be_a_cache_is_refused_as_reading_refuses_it(
        example_records: points.Records, tmp_path: Path) -> None:
    theirs = tmp_path / "资料"
    theirs.mkdir()
    (theirs / "别人的.arrow").write_bytes(b"not ours")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for folder, reason in ((theirs, "不是 points 的缓存文件夹"), (blocker, "无法使用缓存文件夹")):
        with pytest.raises(points.ArgumentError, match=reason):
            points.assess(example_records, cache=folder)
    assert sorted(p.name for p in theirs.iterdir()) == ["别人的.arrow"]  # untouched, no tag
    assert blocker.read_text() == "x"


@pytest.fixture(scope="module")
def per_branch(example_records: points.Records) -> tuple[np.ndarray, int]:
    roster_chunk, n = chunks(example_records, 1)
    assert n == example_records.roster["branch"].fillna("").nunique() >= 4
    return roster_chunk, n


def test_only_the_changed_branch_is_scored_again(example_records: points.Records,
                                                 example: points.Assessment,
                                                 per_branch: tuple[np.ndarray, int],
                                                 tmp_path: Path) -> None:
    """One chunk a branch: a change, a damaged entry, another ruleset."""
    rules = default_ruleset()
    calendar = calendar_for(example_records, rules)
    folder = prepare_cache(tmp_path / "c")
    scorer = _Scorer(rules, calendar)
    first = score_cached(example_records, rules, calendar, folder, scorer, size=1)
    assert len(scorer.asked) == 1 and len(_entries(folder)) == per_branch[1]
    assert_same_tables(example, judge(first, example_records.files))
    score_cached(example_records, rules, calendar, folder, scorer, size=1)
    assert len(scorer.asked) == 1  # everything loaded

    att = example_records.attendance
    member = att["member_id"].iloc[len(att) // 2]
    branch = example_records.roster.set_index("member_id").at[member, "branch"]
    changed = attrs.evolve(example_records, attendance=att[att["member_id"] != member])
    result = score_cached(changed, rules, calendar, folder, scorer, size=1)
    assert scorer.asked[-1] == [branch]
    assert_same_tables(judge(result, ()), judge(score_members(changed, rules, calendar), ()))

    entry = sorted(folder.glob(PREFIX + "*"))[0]
    entry.write_bytes(entry.read_bytes()[:100])  # damaged: ignored, scored, written again
    again = score_cached(changed, rules, calendar, folder, scorer, size=1)
    assert len(scorer.asked) == 3 and len(scorer.asked[-1]) == 1
    assert _load(folder, entry.name[len(PREFIX):-len(".arrow")], rules, calendar) is not None
    assert_same_tables(judge(result, ()), judge(again, ()))

    other = attrs.evolve(rules, floor=-5.0)  # another ruleset: nothing reused
    before = _entries(folder)
    fresh = _Scorer(other, calendar)
    score_cached(changed, other, calendar, folder, fresh, size=1)
    assert len(fresh.asked) == 1 and len(fresh.asked[0]) == per_branch[1]
    assert before < _entries(folder) and len(_entries(folder)) == 2 * per_branch[1]


def test_two_kinds_of_run_sharing_a_folder_keep_each_others_chunks(
        example_records: points.Records, per_branch: tuple[np.ndarray, int],
        tmp_path: Path) -> None:
    """The year's scores and a monthly report alternate without scoring again; a third kind
    of run keeps only the kind used last beside its own."""
    rules = default_ruleset()
    folder = prepare_cache(tmp_path / "c")
    runs = {when: calendar_for(example_records, rules, as_of=when)
            for when in ("2024-06-30", "2024-09-30")} | {"year": calendar_for(example_records, rules)}
    scorers = {when: _Scorer(rules, calendar) for when, calendar in runs.items()}

    def run(when: str) -> set[str]:
        score_cached(example_records, rules, runs[when], folder, scorers[when], size=1)
        return _entries(folder)

    year = run("year")
    both = run("2024-06-30")
    june = both - year
    assert len(year) == len(june) == per_branch[1]
    assert run("year") == both and len(scorers["year"].asked) == 1  # loaded, nothing evicted
    assert run("2024-06-30") == both and len(scorers["2024-06-30"].asked) == 1
    third = run("2024-09-30")  # a third kind: the year's chunks go, June's (used last) stay
    assert june <= third and not third & year and len(third) == 2 * per_branch[1]


def test_grouped_issues_across_chunks_are_counted_as_one_run(tmp_path: Path) -> None:
    records = build(
        members=[("a", "甲", "一支部", "正式党员"), ("b", "乙", "二支部", "正式党员"),
                 ("c", "丙", "三支部", "正式党员")],
        attendance=[("a", "2024-03-01", "读书会", "present"), ("b", "2024-04-01", "读书会", "present"),
                    ("c", "2024-05-01", "支部党员大会", "present"),
                    ("a", "2023-03-01", "支部党员大会", "present"),
                    ("b", "2023-03-01", "支部党员大会", "present"),
                    ("z", "2024-03-01", "支部党员大会", "present")])
    rules = default_ruleset()
    calendar = calendar_for(records, rules, year=2024)
    plain = score_members(records, rules, calendar)
    assert plain.issues["message"].str.contains("2条").any()  # one issue over two branches
    folder = prepare_cache(tmp_path / "c")
    for _ in range(2):  # cold, then warm
        cached = score_cached(records, rules, calendar, folder, _Scorer(rules, calendar), size=1)
        assert_same_frame(plain.issues, cached.issues)
        assert_same_tables(judge(plain, ()), judge(cached, ()))


@functools.cache
def _small() -> MemberScores:
    return score_members(build(members=[("a", "甲", "一支部", "正式党员")]), default_ruleset(),
                         Calendar(2024, None))


_COLUMNS = st.lists(st.sampled_from(["", "甲", "乙支部", None]), min_size=0, max_size=6)


@given(_COLUMNS, st.booleans())
@settings(max_examples=examples(1))
def test_an_entry_keeps_every_frame_and_dtype(tmp_path_factory: pytest.TempPathFactory,
                                              values: list[str | None], range_index: bool
                                              ) -> None:
    """Text, categories, dates, nullable integers and floats, any index: back as written."""
    n = len(values)
    frame = pd.DataFrame({
        "member_id": pd.Series(values, dtype="string"),
        "branch": pd.Series(values, dtype="category"),
        "plain": pd.Series(values, dtype="str"),
        "date": pd.Series(pd.to_datetime(["2024-01-02"] * n), dtype="datetime64[us]"),
        "count": pd.Series(range(n), dtype="Int64"),
        "points": pd.Series(np.linspace(-1, 1, n), dtype="float64")})
    if not range_index:
        frame.index = pd.Index(np.arange(n) * 3)
    # the per-member tables are numbered rows; the flag frames one after another, numbered
    scores = attrs.evolve(_small(), ledger=frame.reset_index(drop=True),
                          flag_rows=(frame, frame.iloc[:0], frame.iloc[::-1]))
    rules, calendar = scores.ruleset, scores.calendar
    folder = prepare_cache(tmp_path_factory.getbasetemp() / "score-entries")
    _store(folder, "k", scores)
    back = _load(folder, "k", rules, calendar)
    assert back is not None and len(back.flag_rows) == 1
    flags = pd.concat(scores.flag_rows, ignore_index=True)
    for left, right in [(scores.ledger, back.ledger), (flags, back.flag_rows[0])]:
        assert_same_frame(left, right, check_index_type=True)
    assert _load(folder, "another", rules, calendar) is None


def test_a_table_arrow_cannot_hold_leaves_the_chunk_uncached(tmp_path: Path) -> None:
    odd = pd.DataFrame({"member_id": pd.Series(["a"], dtype="string"), "note": [object()]})
    scores = attrs.evolve(_small(), ledger=odd)
    folder = prepare_cache(tmp_path / "c")
    _store(folder, "k", scores)  # no error: the chunk is scored again next time
    assert not _entries(folder)
    assert _load(folder, "k", scores.ruleset, scores.calendar) is None


def test_loaded_chunks_whose_categories_agree_are_converted_as_one(
        example_records: points.Records, tmp_path: Path) -> None:
    """The coded columns (points.score.dtypes) have the same dictionary in every chunk: the
    loaded chunks are one partition, each table converted once; categories that differ by
    chunk (from the records given) make one partition a chunk."""
    rules = default_ruleset()
    calendar = calendar_for(example_records, rules)
    parts = [score_members(p, rules, calendar) for p in partition_records(example_records, 2)]
    folder = prepare_cache(tmp_path / "c")
    for k, part in enumerate(parts):
        _store(folder, f"k{k}", part)
    entries = [read_entry(folder, f"k{k}") for k in range(len(parts))]
    assert len(parts) == 2 and all(e is not None for e in entries)
    loaded = _scores([e for e in entries if e is not None], rules, calendar)
    assert len(loaded) == 1
    assert loaded[0].ledger["rule"].dtype == ledger_dtypes(rules)["rule"]
    assert loaded[0].events["status"].dtype == event_dtypes(rules)["status"]
    assert_same_frame(combine_scores(example_records, loaded).ledger,
                                  combine_scores(example_records, parts).ledger)
    own = attrs.evolve(parts[0], events=parts[0].events.astype({"source": "category"}))
    _store(folder, "own", own)
    other = attrs.evolve(parts[1], events=parts[1].events.astype({"source": "category"}))
    _store(folder, "other", other)
    mixed = [e for e in (read_entry(folder, "own"), read_entry(folder, "other")) if e is not None]
    assert len(_scores(mixed, rules, calendar)) == 2
