"""Looked at, not only parsed (#15 item 9): the example year's review workbook, 公示 and monthly
report, converted to PDF by LibreOffice (one run, the ``papers`` fixture of conftest) and read
back with PDFium (pypdfium2): page counts, the title block of each page, pages that are not
blank; and no row of any of them at Excel's 409-point limit, where a cell's text is cut.

The whole check of the PDFs is one test, so that LibreOffice starts once even when the tests
run on two workers."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

EXCEL_ROW_LIMIT = 409.0  # points: the tallest row Excel allows
PAGES = {"复核": (8, 30), "公示": (2, 8), "月报": (3, 12)}  # 139 pages before #15
HEADERS = {"复核": "河西镇2024年度党员积分复核·汇总",
           "公示": "河西镇2024年度党员积分公示·公示",
           "月报": "河西镇2024年（截至2024-06-30）党员积分季报·个人进度"}


def _text(page: pdfium.PdfPage) -> str:
    """A page's text without white space (LibreOffice places CJK characters one by one)."""
    return re.sub(r"\s+", "", page.get_textpage().get_text_range())


def test_the_papers_print_with_their_title_block(papers: dict[str, Path]) -> None:
    for name, pdf_path in papers.items():
        pdf = pdfium.PdfDocument(pdf_path)
        low, high = PAGES[name]
        assert low <= len(pdf) <= high, (name, len(pdf))
        first, last = _text(pdf[0]), _text(pdf[len(pdf) - 1])
        assert HEADERS[name] in first, (name, first[:120])
        assert f"第1页共{len(pdf)}页" in first and "规则：都江堰式分类积分" in first
        assert f"第{len(pdf)}页共{len(pdf)}页" in last
        image = pdf[0].render(scale=0.25).to_numpy()
        assert (image < 128).mean() > 0.005, name  # ink on the page: not blank
    notice = _text(pdfium.PdfDocument(papers["公示"])[0])
    assert "公示期：2024年12月31日至2025年1月4日（5天）" in notice
    review = pdfium.PdfDocument(papers["复核"])
    whole = "".join(_text(review[i]) for i in range(len(review)))
    assert "制表人：" in whole and "积分明细共" in whole  # the ledger: its note, not its rows


def test_no_row_reaches_excels_height_limit(paper_books: dict[str, Path]) -> None:
    for name, book in paper_books.items():
        with zipfile.ZipFile(book) as z:
            sheets = [z.read(n).decode() for n in z.namelist()
                      if n.startswith("xl/worksheets/sheet")]
        heights = np.array([float(h) for xml in sheets
                            for h in re.findall(r'<row [^>]*ht="([\d.]+)"', xml)])
        assert len(heights) and heights.max() < EXCEL_ROW_LIMIT, name
