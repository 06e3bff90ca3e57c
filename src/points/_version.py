"""The library version (one place, read by the package and by the review workbook)."""

__version__ = "0.1.0"
