"""Scoring one branch, usage errors and provisional grades at the command line (#13, item 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import points
from conftest import EXAMPLE_FILES
from points import cli
from points.report.review import branch_view

XINHUA = "新华村党支部"


def test_one_branch_is_scored_against_the_town_roster(example_records: points.Records) -> None:
    one = example_records.for_branch(XINHUA)
    assert set(one.roster["branch"]) == {XINHUA}
    result = points.assess(one)
    assert set(result.totals["branch"]) == {XINHUA}
    assert "branch_without_records" not in set(result.issues["code"])
    assert (result.issues["source"].str.startswith("新华村") | result.issues["member_id"].notna()
            ).all()  # its own files' issues, and those about its members
    with pytest.raises(points.ArgumentError, match="是不是 '新华村党支部'"):
        example_records.for_branch("新华村支部")


def test_a_town_roster_with_one_branchs_sheets_says_which_branches_have_none(
        tmp_path: Path) -> None:
    for path in EXAMPLE_FILES:
        if "名册" in path.name or "新华村" in path.name:
            shutil.copy(path, tmp_path)
    result = points.assess(points.read_workbooks(tmp_path))
    quiet = result.issues[result.issues["code"] == "branch_without_records"]
    others = set(result.members["branch"]) - {XINHUA}
    assert len(quiet) == len(others) >= 3 and not quiet["message"].str.contains(XINHUA).any()
    assert quiet["message"].str.contains("--branch").all()


def test_branch_workbooks_carry_the_issues_of_their_own_files(example: points.Assessment) -> None:
    result = example
    own = branch_view(result, XINHUA).issues
    files = own["source"].str.split("!").str[0]
    assert "新华村党支部2024年签到记录.xlsx" in set(files[own["member_id"].isna()])
    other = branch_view(result, "红旗村党支部").issues
    assert not other["source"].str.startswith("新华村").any()


def test_mask_names_without_public_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["score", str(EXAMPLE_FILES[0]), "-o", str(tmp_path / "复核.xlsx"), "--mask-names"])
    assert exit_.value.code == 2
    assert "错误：--mask-names 只用于公示版" in capsys.readouterr().err
    assert not (tmp_path / "复核.xlsx").exists()


def test_a_year_with_no_record_and_an_as_of_run(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    files = [str(p) for p in EXAMPLE_FILES]
    assert cli.main(["score", *files, "--year", "2022", "-o", str(tmp_path / "a.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "2022 年度没有任何签到或加减分记录" in err and "2024 年" in err
    assert cli.main(["score", *files, "--as-of", "2024-06-30", "-o", str(tmp_path / "b.xlsx")]) == 0
    assert "预计等次（截至统计日，年底前还会变化）" in capsys.readouterr().out
