"""All the files one run writes (``points score``): every target checked before any is written,
then written all or nothing, so that a command that fails leaves no file behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..judge.assessment import AssessmentTables
from ..vocab.progress import Progress, tell
from .common import check_folder, check_targets, folder_made
from .review import branch_paths, write_per_branch, write_review
from .sheets.ledger import LedgerOption, ledger_choice, ledger_path
from .xlsx import all_or_nothing

__all__ = ["plan_outputs", "write_outputs"]


def plan_outputs(a: AssessmentTables, output: str | Path, *, public: str | Path | None = None,
                 per_branch: str | Path | None = None, ledger: LedgerOption = "auto"
                 ) -> list[Path]:
    """Every file :func:`write_outputs` would write for these options, in order: the review
    workbook, its ledger file, the 公示 version, the per-branch workbooks. Raises
    :class:`points.OutputError` before anything is written when one of them is an input file,
    has the wrong extension, is a folder, lies in a folder that does not exist (the per-branch
    folder is created) or cannot be written to, or when two of them are the same file."""
    review = Path(output)
    targets = [(review, ".xlsx")]
    side = ledger_path(review, ledger_choice(a, ledger))
    if side is not None:
        targets.append((side, side.suffix))
    if public is not None:
        targets.append((Path(public), ".xlsx"))
    check_targets(targets, a)
    paths = [path for path, _ in targets]
    if per_branch is None:
        return paths
    folder = Path(per_branch)
    check_folder(folder)
    branches = list(branch_paths(a, folder).values())
    if folder.is_dir():  # (a folder still to be created holds no input and nothing else yet)
        check_targets(targets + [(path, ".xlsx") for path in branches], a)
    return paths + branches


def write_outputs(a: AssessmentTables, output: str | Path, *, public: str | Path | None = None,
                  mask_names: bool = False, per_branch: str | Path | None = None,
                  ledger: LedgerOption = "auto", org: str | None = None,
                  date: dt.date | None = None, progress: Progress | None = None) -> list[Path]:
    """Write the review workbook to ``output`` (with its ledger as ``ledger`` says), the 公示
    version to ``public`` (names masked with ``mask_names``) and one workbook per branch into
    ``per_branch``, all or nothing: the targets are checked first (:func:`plan_outputs`), and
    if a write still fails, no target is changed and a per-branch folder created for the run
    is removed again. ``org`` and ``date``: the organisation and run date on every page (see
    :func:`.review.write_review`). ``progress``: a callback told of the workbooks written
    (see :mod:`points.vocab.progress`). Returns the paths written."""
    plan_outputs(a, output, public=public, per_branch=per_branch, ledger=ledger)
    books = 1 + (public is not None) + (0 if per_branch is None else
                                        len(branch_paths(a, Path(per_branch))))
    tell(progress, "write", 0, books)
    with folder_made(None if per_branch is None else Path(per_branch)), all_or_nothing():
        written = write_review(a, output, ledger=ledger, org=org, date=date)
        tell(progress, "write", 1, books)
        if public is not None:
            written += write_review(a, public, public=True, mask_names=mask_names, org=org,
                                    date=date)
            tell(progress, "write", 2, books)
        if per_branch is not None:
            first = 1 + (public is not None)
            written += list(write_per_branch(
                a, per_branch, org=org, date=date,
                progress=None if progress is None else
                lambda _, done, __: tell(progress, "write", first + done, books)).values())
    return written
