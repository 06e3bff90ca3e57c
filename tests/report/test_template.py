"""The template of ``points init`` (#15 item 7): drop-down lists from the ruleset, the year from
``--year`` (this year only when not given, and said), sample data that scores sensibly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
import pytest

import points
from points import cli
from points.report.template import choices, write_template


def _lists(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, list[str]]:
    return {str(v.sqref): v.formula1.strip('"').split(",") for v in ws.data_validations.dataValidation}


def test_the_template_has_drop_downs_and_scores_sensibly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["init", str(tmp_path / "t"), "--year", "2023"]) == 0
    path = tmp_path / "t" / "积分模板.xlsx"
    book = openpyxl.load_workbook(path)
    rs = points.default_ruleset()
    assert _lists(book["党员名册"]) == {"D3:D500": [c.name for c in rs.categories]}
    assert _lists(book["签到记录"])["D3:D500"] == [a.name for a in rs.activities]
    marks = _lists(book["签到记录"])["E3:E500"]
    assert marks[0] == "√" and "请假" in marks and "×" in marks
    assert _lists(book["主题党日"]) == {"D3:AZ500": marks}
    assert _lists(book["负面清单"])["D2:D500"] == [i.name for i in rs.negatives]
    assert _lists(book["先锋示范"])["D2:D500"] == [i.name for i in rs.bonuses]
    assert _lists(book["民主评议"])["C2:C500"] == list(rs.appraisal.results)
    assert book["签到记录"]["C3"].value.year == 2023
    capsys.readouterr()
    assert cli.main(["score", str(path), "-o", str(tmp_path / "r.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "2023年度" in out and "建议等次：合格 2" in out
    assert "复核提示 0 条" in out and "数据问题 0 条" in out


def test_without_year_the_template_is_this_year_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["init", str(tmp_path / "t")]) == 0
    assert f"{dt.date.today().year} 年度，即今年" in capsys.readouterr().out


def test_choices_fit_excel() -> None:
    assert choices(["甲", "乙,丙", 'x"y', "甲", "丁"]) == ["甲", "丁"]
    long = choices([f"事项{i:03d}" for i in range(100)])
    assert len(",".join(long)) + 2 <= 255 and long[0] == "事项000"


@pytest.mark.parametrize("name", points.shipped_rulesets())
def test_the_template_scores_without_issues_under_every_shipped_ruleset(
        name: str, tmp_path: Path) -> None:
    rs = points.load_ruleset(name)
    path = tmp_path / "积分模板.xlsx"
    write_template(path, year=2024, ruleset=rs)
    result = points.assess(points.read_workbooks([path]), rs, year=2024)
    assert result.issues.empty, result.issues[["code", "source"]].to_string()
    categories = dict(zip(result.members["name"], result.members["category"], strict=True))
    members = [c for c in rs.categories if c.kind == "member"]
    assert categories["张三"] == members[0].name  # its own names, not the default's
    assert categories["李四"] == next(c.name for c in members if c.probation)
    assert set(result.events["activity"]) <= {a.name for a in rs.activities}
    assert len(result.events) == 62  # 12 + 19 activities, both members


def test_the_template_dates_fall_in_the_rulesets_cycle(tmp_path: Path) -> None:
    rs = attrs.evolve(points.default_ruleset(), cycle_start="07-01")  # July to June
    path = tmp_path / "积分模板.xlsx"
    write_template(path, year=2024, ruleset=rs)
    assert openpyxl.load_workbook(path)["主题党日"]["D2"].value == "2023年7月10日"
    result = points.assess(points.read_workbooks([path]), rs, year=2024)
    assert result.issues.empty, result.issues[["code", "source"]].to_string()
    dates = result.events["date"]
    assert (dates.min(), dates.max()) == (pd.Timestamp("2023-07-05"), pd.Timestamp("2024-06-28"))
    assert len(result.events) == 62 and set(result.rankings["grade"]) == {"合格"}
