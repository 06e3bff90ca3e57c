"""All the files one run writes (``points score``): every target checked before any is written,
then written all or nothing, so that a command that fails leaves no file behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..judge.assessment import AssessmentTables
from ..vocab.errors import OutputError
from ..vocab.memory import release_memory
from ..vocab.progress import Progress, tell
from ..vocab.store import cache_folder
from .blocks import Blocks
from .common import check_folder, check_targets, folder_made
from .review import Notice, branch_paths, write_per_branch, write_review
from .sheets.ledger import LedgerOption, ledger_choice, ledger_path
from .xlsx import all_or_nothing

__all__ = ["is_folder", "plan_outputs", "write_outputs"]


def is_folder(public: str | Path) -> bool:
    """Whether the 公示 target ``public`` is a folder (one 公示 per branch and the whole): a
    name without an extension, or an existing folder not named ``….xlsx``."""
    path = Path(public)
    return path.suffix == "" or (path.is_dir() and path.suffix.lower() != ".xlsx")


def _folder_targets(a: AssessmentTables, folder: Path) -> list[tuple[Path, str]]:
    check_folder(folder)
    return [(path, ".xlsx") for path in branch_paths(a, folder).values()]


def plan_outputs(a: AssessmentTables, output: str | Path, *, public: str | Path | None = None,
                 per_branch: str | Path | None = None, ledger: LedgerOption = "auto"
                 ) -> list[Path]:
    """Every file :func:`write_outputs` would write for these options, in order: the review
    workbook, its ledger file, the 公示 version (a file, or when ``public`` is a folder, see
    :func:`is_folder`, one per branch and ``全部支部.xlsx``), the per-branch workbooks. Raises
    :class:`points.OutputError` before anything is written when one of them is an input file,
    has the wrong extension, is a folder, lies in a folder that does not exist (the per-branch
    folder is created) or cannot be written to, or when two of them are the same file."""
    review = Path(output)
    targets = [(review, ".xlsx")]
    side = ledger_path(review, ledger_choice(a, ledger))
    if side is not None:
        targets.append((side, side.suffix))
    folders = [] if per_branch is None else [Path(per_branch)]
    if public is not None and is_folder(public):
        folders.insert(0, Path(public))
    elif public is not None:
        targets.append((Path(public), ".xlsx"))
    check_targets(targets, a)
    if len(folders) == 2 and folders[0].resolve() == folders[1].resolve():
        raise OutputError(folders[1], "公示和各支部的复核工作簿不能写在同一个文件夹中，请换一个文件夹")
    for folder in folders:
        more = _folder_targets(a, folder)
        if folder.is_dir():  # (a folder still to be created holds no input and nothing else yet)
            check_targets(targets + more, a)
        targets += more
    return [path for path, _ in targets]


def write_outputs(a: AssessmentTables, output: str | Path, *, public: str | Path | None = None,
                  mask_names: bool = False, per_branch: str | Path | None = None,
                  ledger: LedgerOption = "auto", org: str | None = None,
                  date: dt.date | None = None, notice: Notice | None = None,
                  progress: Progress | None = None, cache: str | Path | None = None
                  ) -> list[Path]:
    """Write the review workbook to ``output`` (with its ledger as ``ledger`` says), the 公示
    version to ``public`` (names masked with ``mask_names``; ``notice``: its 公示期 and contact;
    a folder: one per branch and the whole) and one workbook per branch into
    ``per_branch``, all or nothing: the targets are checked first (:func:`plan_outputs`), and
    if a write still fails, no target is changed and a per-branch folder created for the run
    is removed again. ``org`` and ``date``: the organisation and run date on every page (see
    :func:`.review.write_review`). ``progress``: a callback told of the workbooks written
    (see :mod:`points.vocab.progress`). ``cache``: a cache folder (the score cache's) where
    the review workbook's rows are kept as XML, so that a re-run builds only the rows that
    changed (see :mod:`.blocks`; the blocks this run did not use are removed from it
    afterwards); the files are the same with or without it. Returns the paths written."""
    plan_outputs(a, output, public=public, per_branch=per_branch, ledger=ledger)
    folder = cache_folder(cache)
    blocks = None if folder is None else Blocks(folder)
    release_memory()  # what scoring freed (the records, when the caller has let them go)
    public_folder = None if public is None or not is_folder(public) else Path(public)
    books = 1 + (0 if public is None else 1 if public_folder is None
                 else len(branch_paths(a, public_folder)))
    first = books  # the per-branch workbooks come after these
    books += 0 if per_branch is None else len(branch_paths(a, Path(per_branch)))

    def after(base: int) -> Progress | None:
        return None if progress is None else \
            lambda _, done, __: tell(progress, "write", base + done, books)

    tell(progress, "write", 0, books)
    with folder_made(None if per_branch is None else Path(per_branch)), \
            folder_made(public_folder), all_or_nothing():
        written = write_review(a, output, ledger=ledger, org=org, date=date, blocks=blocks)
        tell(progress, "write", 1, books)
        if public_folder is not None:
            written += list(write_per_branch(a, public_folder, public=True, org=org, date=date,
                                             mask_names=mask_names, notice=notice,
                                             progress=after(1)).values())
        elif public is not None:
            written += write_review(a, public, public=True, mask_names=mask_names, org=org,
                                    date=date, notice=notice)
            tell(progress, "write", 2, books)
        if per_branch is not None:
            written += list(write_per_branch(a, per_branch, org=org, date=date,
                                             progress=after(first)).values())
    if blocks is not None:
        blocks.prune()
    return written
