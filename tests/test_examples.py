"""The example year: the generator reproduces the committed workbooks, every planted problem is
reported where it was planted, and every copyable script runs on it."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import runpy
import sys
import warnings
from pathlib import Path

import openpyxl
import pytest

import points

ROOT = Path(__file__).parent.parent
WORKBOOKS = ROOT / "examples" / "workbooks"
PATHS = sorted(WORKBOOKS.glob("*.xlsx"))


@pytest.fixture
def year(example: points.Assessment) -> points.Assessment:
    """The example year under the default rules (conftest's session assessment)."""
    return example


def test_the_generator_writes_exactly_the_committed_workbooks(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_example_year",
                                                  ROOT / "examples" / "make_example_year.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    assert sorted(p.name for p in written) == [p.name for p in PATHS]
    for path in PATHS:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
    # and nothing else lives there: no run (a test's included) leaves outputs or a cache in it
    assert sorted(p.name for p in PATHS[0].parent.iterdir()) == [p.name for p in PATHS]


def test_a_small_town_of_every_category_and_every_sheet_shape(year: points.Assessment) -> None:
    assert len(year.members) == 152
    assert year.members["branch"].nunique() == 5
    rules = points.default_ruleset()
    assert {c.name for c in rules.categories} <= set(year.members["category"])
    by_file = year.events["source"].str.split("!").str[0].value_counts().to_dict()
    assert by_file == {"河西镇机关党支部2024年签到表.xlsx": 1284,    # matrix per activity
                       "红旗村党支部2024年签到表.xlsx": 1295,        # per month, date+activity cells
                       "新华村党支部2024年签到记录.xlsx": 1043,      # the list form
                       "河西社区党支部2024年签到表.xlsx": 1008,      # per quarter, two-row header
                       "河西镇中心学校党支部2024年.xlsx": 840}       # own roster, text dates
    assert set(year.logs["kind"]) == {"bonus", "negative"}


def test_every_planted_problem_is_reported_where_it_was_planted(year: points.Assessment) -> None:
    found = sorted(zip(year.issues["code"], year.issues["source"], strict=True))
    xinhua, logs = "新华村党支部2024年签到记录.xlsx!签到记录!", "河西镇2024年党员积分记录.xlsx!"
    assert found == sorted([
        ("ambiguous_name", xinhua + "C1051"),
        ("conflicting_records", xinhua + "F44"),
        ("conflicting_records", xinhua + "F1048"),
        ("duplicate_record", xinhua + "F1047"),
        ("history", xinhua + "F1049"),  # dated 2023: history, noticed once per sheet
        ("unknown_activity", xinhua + "F1050"),
        ("appraisal_not_applicable", logs + "民主评议!D141"),
        ("unknown_item", logs + "负面清单!E16"),
        ("bad_date", "河西镇中心学校党支部2024年.xlsx!主题党日!F1"),
        ("unknown_sheet", "河西镇中心学校党支部2024年.xlsx!填表说明!A1"),
        ("appraisal_missing", "河西镇党员名册.xlsx!党员名册!C76"),
        ("appraisal_missing", "河西镇党员名册.xlsx!党员名册!C112"),
        ("unknown_category", "河西镇党员名册.xlsx!党员名册!C100"),
        *[("unknown_member", f"红旗村党支部2024年签到表.xlsx!{m}月!B39") for m in (9, 10, 11, 12)],
        ("unknown_mark", "红旗村党支部2024年签到表.xlsx!6月!C12"),
    ])


def test_every_planted_flag_is_raised(year: points.Assessment) -> None:
    flags = set(zip(year.flags["member_id"], year.flags["code"], strict=True))
    assert {("JG007", "six_month_rule"), ("XH005", "six_month_rule"), ("HQ031", "six_month_rule"),
            ("HQ008", "zeroed"), ("JG028", "probation_revoke"), ("HQ033", "probation_extend"),
            ("SQ010", "frequent_leave"), ("SQ012", "absence_escalation"),
            ("XH012", "no_records"), ("XX001", "quota_tie")} <= flags
    assert set(year.flags["code"]) >= {"grade_basic", "grade_unqualified", "unexcused_absences"}


def script(name: str, *args: str) -> str:
    """What ``python examples/NAME ARGS`` prints, run here (a fresh interpreter would spend
    more on its imports than the script on the example year): the script as ``__main__``,
    with its own argv; it must finish (exit status 0) and print nothing on stderr, and a
    warning that Python shows by default fails it as that line on stderr would."""
    path = ROOT / "examples" / name
    before = sys.argv
    sys.argv = [str(path), *args]
    out, err = io.StringIO(), io.StringIO()
    try:
        with warnings.catch_warnings(record=True) as caught, \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            warnings.resetwarnings()  # Python's own filters, not pytest's
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
            warnings.filterwarnings("ignore", category=ImportWarning)
            warnings.filterwarnings("ignore", category=ResourceWarning)
            warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
            try:
                runpy.run_path(str(path), run_name="__main__")
            except SystemExit as exit_:
                assert exit_.code in (None, 0), err.getvalue()
    finally:
        sys.argv = before
    assert [str(w.message) for w in caught] == []
    assert err.getvalue() == ""
    return out.getvalue()


def test_score_year_writes_the_review_and_the_public_list(tmp_path: Path) -> None:
    out = script("score_year.py", "--out", str(tmp_path))
    assert out.startswith("都江堰式分类积分，2024年度，参评 152 人")
    assert "合计                     7   115         9       9   140" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["积分公示.xlsx", "积分复核.xlsx"]


def test_early_warnings_as_of_september() -> None:
    out = script("early_warnings.py", "--as-of", "2024-09-30")
    assert out.startswith("截至 2024-09-30：152 人中 9 人需要关注")
    assert "贺慧超（JG007，在职党员）连续多月缺席组织生活 → 批评教育" in out
    assert "建议等次" not in out  # no grades before the year is over


def test_compare_rulesets_lists_who_changes(tmp_path: Path) -> None:
    out = script("compare_rulesets.py", "dujiangyan", "hongtong", "--out", str(tmp_path / "c.xlsx"))
    assert out.startswith("都江堰式分类积分 → 洪洞县百分制扣分：152 人")
    assert "等次变化 29 人" in out and "等次或档次变化的 45 人：" in out
    assert openpyxl.load_workbook(tmp_path / "c.xlsx", read_only=True).sheetnames == ["规则对比"]


def test_candidates_per_branch() -> None:
    out = script("candidates.py", "-n", "1")
    assert "推荐 3 人（每个支部至多 1 人）" in out
    assert "与推荐名额（1 人）最后一名同分" in out
