"""Render a few printed pages of the example year to PNG (the pictures in docs/review.md).

    python examples/render_pages.py [--out docs/img] [--scale 0.9]

Writes the example year's review workbook, 公示 and monthly report (up to 2024-06-30), has
LibreOffice print them to PDF (``soffice --headless --convert-to pdf``, one run) and renders
chosen pages with PDFium (the ``pypdfium2`` package of the test extra) as PNG files:
汇总, 复核提示, 支部统计, the 公示 and the monthly report's trend chart. Needs LibreOffice
and a Chinese font (on Debian/Ubuntu: ``libreoffice-calc-nogui fonts-wqy-microhei``; without
the font LibreOffice prints boxes). Rerun it after changing how a paper looks.
"""

from __future__ import annotations

import argparse
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

import points
from points.report.monthly import write_monthly

HERE = Path(__file__).parent
#: PNG name → (paper, the text that marks the page: the first page whose header has it).
PAGES = {
    "复核-汇总.png": ("复核", "·汇总"),
    "复核-复核提示.png": ("复核", "·复核提示"),
    "复核-支部统计.png": ("复核", "·支部统计"),
    "公示.png": ("公示", "·公示"),
    "月报-出勤趋势.png": ("月报", "各支部出勤率（按月）"),
}


def write_png(path: Path, rgb: np.ndarray) -> None:
    """``rgb`` (height × width × 3, uint8) as a PNG file (zlib only, no imaging library)."""
    height, width, _ = rgb.shape
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rgb.reshape(height, -1)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(raw.tobytes(), 9)) + chunk(b"IEND", b""))


def papers(folder: Path) -> dict[str, Path]:
    """The example year's three papers as PDF files in ``folder``."""
    records = points.read_workbooks(sorted((HERE / "workbooks").glob("*.xlsx")))
    year = points.assess(records)
    books = {"复核": folder / "复核.xlsx", "公示": folder / "公示.xlsx", "月报": folder / "月报.xlsx"}
    year.to_excel(books["复核"])
    year.to_excel(books["公示"], public=True, notice=points.Notice(contact="0000-1234567"))
    write_monthly(points.assess(records, as_of="2024-06-30"), books["月报"])
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("需要 LibreOffice（soffice）：如 apt-get install libreoffice-calc-nogui")
    fonts = shutil.which("fc-list")
    if fonts and not subprocess.run([fonts, ":lang=zh"], capture_output=True, text=True).stdout:
        sys.exit("没有中文字体，LibreOffice 会把汉字印成方框：如 apt-get install fonts-wqy-microhei")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/lo",
                    "--convert-to", "pdf", "--outdir", str(folder), *map(str, books.values())],
                   check=True, capture_output=True, timeout=600)
    return {name: path.with_suffix(".pdf") for name, path in books.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=HERE.parent / "docs" / "img", type=Path,
                        help="PNG 文件写到这里")
    parser.add_argument("--scale", default=0.9, type=float, help="缩放（1 = 72 dpi）")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        pdfs = {name: pdfium.PdfDocument(path) for name, path in papers(Path(temp)).items()}
        for png, (paper, mark) in PAGES.items():
            pdf = pdfs[paper]
            text = [re.sub(r"\s+", "", pdf[i].get_textpage().get_text_range())
                    for i in range(len(pdf))]
            index = next(i for i, page in enumerate(text) if mark in page)
            image = pdf[index].render(scale=args.scale, rev_byteorder=True).to_numpy()
            write_png(args.out / png, np.ascontiguousarray(image[:, :, :3]))
            print(f"{args.out / png}：{paper} 第 {index + 1} 页（共 {len(pdf)} 页）")
        for pdf in pdfs.values():
            pdf.close()


if __name__ == "__main__":
    main()
