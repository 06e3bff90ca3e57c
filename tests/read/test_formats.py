"""The offices' formats: the example year kept partly as .xls, .ods and .csv, in a folder that
also holds last run's outputs, scores exactly as the .xlsx files alone (#13). LibreOffice
converts the files (CI installs it; without it the test is skipped locally)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import points
from conftest import EXAMPLE_FILES

CONVERT = {"xls": ["红旗村党支部2024年签到表"],
           "ods": ["河西社区党支部2024年签到表", "河西镇中心学校党支部2024年"]}


def _convert(files: list[Path], fmt: str, folder: Path) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(folder),
                    *map(str, files)], check=True, capture_output=True, timeout=180)


def _roster_as_csv(source: Path, target: Path) -> None:
    frame = pd.read_excel(source, header=None, dtype=object, engine="openpyxl").fillna("")
    frame = frame.map(lambda v: v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v)
    frame.to_csv(target, index=False, header=False, encoding="utf-8-sig")


def test_every_format_scores_as_xlsx(tmp_path: Path, example: points.Assessment,
                                     paper_books: dict[str, Path]) -> None:
    if shutil.which("soffice") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install LibreOffice (libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path / "年度"
    folder.mkdir()
    converted = {name for names in CONVERT.values() for name in names}
    for path in EXAMPLE_FILES:
        if "名册" in path.name:
            _roster_as_csv(path, folder / f"{path.stem}.csv")
        elif path.stem not in converted:
            shutil.copy(path, folder)
    by_name = {p.stem: p for p in EXAMPLE_FILES}
    for fmt, names in CONVERT.items():
        _convert([by_name[n] for n in names], fmt, folder)
    before = example  # the example year assessed (conftest), and its outputs of last run
    for name in ("复核", "公示"):  # (example.to_excel, public=True for 公示) in the same folder
        shutil.copy(paper_books[name], folder / f"{name}.xlsx")

    after = points.assess(points.read_workbooks(folder))
    suffixes = sorted(Path(p).suffix for p, _ in after.files)
    assert suffixes == [".csv", ".ods", ".ods", ".xls", ".xlsx", ".xlsx", ".xlsx"]
    pd.testing.assert_frame_equal(after.totals, before.totals)
    pd.testing.assert_frame_equal(after.rankings, before.rankings)
    pd.testing.assert_series_equal(after.flags["code"], before.flags["code"])
    skipped = after.issues[after.issues["code"] == "skipped_file"]
    assert sorted(Path(p).name for p in skipped["source"]) == ["公示.xlsx", "复核.xlsx"]
    others = after.issues[after.issues["code"] != "skipped_file"]
    assert others["code"].tolist() == before.issues["code"].tolist()
