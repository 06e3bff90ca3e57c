"""Exam-score and study-point sheets (#16, item 5): real .xlsx files read into the ``quizzes``
and ``study`` tables, bad cells located; the ruleset's ``[quiz]`` and ``[study]`` turn them
into credits by bands or per N points, with caps (hand-checked)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pandas as pd
import pytest

import points
from points.read.scores import month_of, number_of
from points.report.ruletable import rule_table
from points.rules.model import ScoreBand, ScoreRule
from workbooks import roster, write

RULES = """
[quiz]
bands = [{ min = 90, points = 1.5 }, { min = 80, points = 1 }, { min = 60, points = 0.5 }]
cap = 3
[study]
per = 1000
points = 0.5
cap = 2
"""


def _books(folder: Path) -> list[Path]:
    quiz = write(folder / "第一党支部2024年以考促学成绩.xlsx", {"成绩": [
        ["2024年以考促学成绩登记表"],
        ["党员编号", "姓名", "日期", "考试名称", "得分"],
        ["CG01", "张三", dt.date(2024, 3, 5), "党史知识测试", 85],
        ["CG01", "张三", "2024-04-05", "党章知识测试", "95分"],
        ["CG01", "张三", "2024-05-06", "党纪知识测试", 61],
        ["CG01", "张三", "2024-06-06", "条例知识测试", 92],   # over the cap of 3
        ["CG02", "李四", "2024-03-05", "党史知识测试", "缺考"],
        ["CG02", "李四", "2024-03-06", "", 70],
        ["CG02", "李四", "2024-03-07", "补考", None],
    ]})
    study = write(folder / "第一党支部学习强国积分.xlsx", {"2024年学习强国": [
        ["姓名", "月份", "学习积分"],
        ["张三", "2024-03", 2600],
        ["张三", "4月", "1,200"],
        ["李四", "2024年度", 9000],
        ["李四", "下半年", 100],
    ]})
    return [roster(folder), quiz, study]


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> points.Assessment:
    folder = tmp_path_factory.mktemp("scores")
    rules = folder / "rules.toml"
    default = Path(points.__file__).parent / "rules" / "shipped" / "dujiangyan.toml"
    rules.write_text(default.read_text(encoding="utf-8") + RULES, encoding="utf-8")
    records = points.read_workbooks(_books(folder))
    return points.assess(records, points.load_ruleset(rules), year=2024)


def test_the_sheets_are_read_with_their_cells(assessed: points.Assessment) -> None:
    ledger = assessed.ledger
    quiz = ledger[ledger["rule"].isin(["quiz", "cap.quiz"])]
    assert quiz[["item", "points", "source"]].values.tolist() == [
        ["党史知识测试（得分 85）", 1.0, "第一党支部2024年以考促学成绩.xlsx!成绩!E3"],
        ["党章知识测试（得分 95）", 1.5, "第一党支部2024年以考促学成绩.xlsx!成绩!E4"],
        ["党纪知识测试（得分 61）", 0.5, "第一党支部2024年以考促学成绩.xlsx!成绩!E5"],
        ["条例知识测试（得分 92）", 1.5, "第一党支部2024年以考促学成绩.xlsx!成绩!E6"],
        ["条例知识测试（得分 92）", -1.5, "第一党支部2024年以考促学成绩.xlsx!成绩!E6"],
    ]
    assert quiz["points"].sum() == 3.0  # capped
    study = ledger[ledger["rule"].isin(["study", "cap.study"])]
    assert study[["member_id", "date", "item", "points"]].astype(str).values.tolist() == [
        ["CG01", "2024-03-31", "学习强国 2024-03（学习积分 2600）", "1.0"],
        ["CG01", "2024-04-30", "学习强国 2024-04（学习积分 1200）", "0.5"],
        ["CG02", "2024-12-31", "学习强国 2024 年（学习积分 9000）", "4.5"],
        ["CG02", "2024-12-31", "学习强国 2024 年（学习积分 9000）", "-2.5"],
    ]


def test_bad_cells_are_located_issues(assessed: points.Assessment) -> None:
    issues = assessed.issues.set_index("source")
    book = "第一党支部2024年以考促学成绩.xlsx!成绩!"
    assert issues.loc[book + "E7", "code"] == "bad_number"
    assert "缺考" in issues.loc[book + "E7", "message"]
    assert issues.loc[book + "E8", "code"] == "missing_value"  # no exam name
    assert issues.loc[book + "E9", "code"] == "missing_value"  # no score
    month = issues.loc["第一党支部学习强国积分.xlsx!2024年学习强国!B5"]
    assert month["code"] == "bad_date" and "下半年" in month["message"]


@pytest.mark.parametrize(("value", "year", "expected"), [
    ("2024-03", 0, ("2024-03-31", "month")), ("2024年3月", 0, ("2024-03-31", "month")),
    ("3月", 2024, ("2024-03-31", "month")), ("3月", 0, (None, "")),
    (dt.date(2024, 2, 10), 0, ("2024-02-29", "month")), (2024, 0, ("2024-12-31", "year")),
    ("2024年度", 0, ("2024-12-31", "year")), ("13月", 2024, (None, "")), ("全年", 2024, (None, "")),
])
def test_months_as_written(value: object, year: int, expected: tuple[str | None, str]) -> None:
    date, span = month_of(value, year)
    assert (None if date is None else str(date.date()), span) == expected


def test_numbers_as_written() -> None:
    assert [number_of(v) for v in (85, 85.5, "85分", "1,200", " 90 ", "缺考", True, "")] == [
        85.0, 85.5, 85.0, 1200.0, 90.0, None, None, None]


def test_the_rule_table_shows_the_bands_and_the_rate(tmp_path: Path) -> None:
    default = Path(points.__file__).parent / "rules" / "shipped" / "dujiangyan.toml"
    path = tmp_path / "rules.toml"
    path.write_text(default.read_text(encoding="utf-8") + RULES, encoding="utf-8")
    table = rule_table(points.load_ruleset(path))
    rows = table[table["编号"].isin(["quiz", "study"])]
    assert rows[["名称", "分值", "封顶"]].values.tolist() == [
        ["得分 ≥ 90", 1.5, 3.0], ["得分 ≥ 80", 1.0, 3.0], ["得分 ≥ 60", 0.5, 3.0],
        ["每满 1000 分", 0.5, 2.0]]


def test_a_score_rule_needs_bands_or_per(tmp_path: Path) -> None:
    default = Path(points.__file__).parent / "rules" / "shipped" / "dujiangyan.toml"
    path = tmp_path / "rules.toml"
    path.write_text(default.read_text(encoding="utf-8")
                    + '[quiz]\nbands = [{ min = 60 }]\nper = 10\n[study]\ncap = 1\n',
                    encoding="utf-8")
    with pytest.raises(points.RulesetError) as info:
        points.load_ruleset(path)
    where = [p for p, _ in info.value.problems]
    assert where == ["$.quiz.bands[0].points", "$.quiz", "$.study"]


def test_a_member_with_only_study_points_has_records() -> None:
    roster = pd.DataFrame({"member_id": ["M1", "M2"], "name": ["张三", "李四"]})
    study = pd.DataFrame({"member_id": ["M1"], "date": ["2024-03-31"], "points": [1200]})
    records = points.Records.from_frames(roster=roster, study=study, attendance=pd.DataFrame(
        {"member_id": ["M2"], "date": ["2024-03-10"], "activity": ["主题党日"],
         "status": ["present"]}))
    rules = attrs.evolve(points.default_ruleset(), study=ScoreRule(kind="study", per=1000,
                                                                   points=0.5))
    result = points.assess(records, rules, year=2024)
    assert "no_records" not in set(result.flags["code"])
    assert result.ledger.loc[result.ledger["rule"] == "study", "points"].tolist() == [0.5]


def test_a_year_cap_over_monthly_caps() -> None:
    """Monthly scoring, at most 2 a month and 3 a year: March 1 + 1.5 → 2 (cap.quiz −0.5),
    April 1.5 → 3.5 for the year → yearcap.quiz −0.5 at the April record."""
    roster = pd.DataFrame({"member_id": ["M1"], "name": ["张三"]})
    quizzes = pd.DataFrame({"member_id": "M1", "date": ["2024-03-05", "2024-03-06", "2024-04-05"],
                            "exam": ["甲", "乙", "丙"], "score": [85, 95, 92],
                            "source": ["成绩!E2", "成绩!E3", "成绩!E4"]})
    quiz = ScoreRule(kind="quiz", bands=(ScoreBand(min=90, points=1.5), ScoreBand(min=80, points=1)),
                     cap=2, year_cap=3)
    rules = attrs.evolve(points.default_ruleset(), period="month", quiz=quiz)
    result = points.assess(points.Records.from_frames(roster=roster, quizzes=quizzes), rules,
                           year=2024)
    rows = result.ledger[result.ledger["rule"].str.contains("quiz")]
    assert rows[["rule", "points", "source"]].values.tolist() == [
        ["quiz", 1.0, "成绩!E2"], ["quiz", 1.5, "成绩!E3"], ["cap.quiz", -0.5, "成绩!E3"],
        ["quiz", 1.5, "成绩!E4"], ["yearcap.quiz", -0.5, "成绩!E4"]]
