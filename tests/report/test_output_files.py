"""report/files.py: an output gets the permissions any program's new file would, or keeps those
of the file it replaces (a temporary file is its owner's alone until then)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from points.report import files

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows files have no such permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_a_new_output_is_readable_as_the_umask_allows(tmp_path: Path, umask: int) -> None:
    before = os.umask(umask)
    try:
        files.atomic_write(tmp_path / "复核.xlsx", lambda out: out.write(b"PK"))
    finally:
        os.umask(before)
    assert _mode(tmp_path / "复核.xlsx") == 0o666 & ~umask  # (0o644, 0o640: not 0o600)


def test_a_replaced_output_keeps_its_permissions(tmp_path: Path) -> None:
    for mode in (0o600, 0o664):
        target = tmp_path / f"{mode:o}.xlsx"
        target.write_bytes(b"old")
        target.chmod(mode)
        with files.all_or_nothing():
            files.atomic_write(target, lambda out: out.write(b"PK"))
        assert target.read_bytes() == b"PK" and _mode(target) == mode
