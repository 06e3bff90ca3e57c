"""Sheet rows kept deflated by content (#14, the write of a re-run): the same bytes as built
without a cache, only the changed blocks built again, damaged or missing entries rebuilt,
unused entries (and the fifth round's LZ4 ones) pruned."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import points
from points.report import blocks as blocks_module
from points.report.blocks import Blocks, cached_rows
from points.report.cells import Kind, rows_xml
from points.report.deflate import Piece, deflated
from points.report.outputs import write_outputs
from points.report.sheets.ledger import LedgerOption
from points.vocab.store import prepare_cache

KINDS: list[Kind] = ["text", "wrap", "points", "int", "date", "percent"]
STYLES = {"text": 1, "text_quoted": 2, "wrap": 3, "wrap_quoted": 4, "points": 5, "int": 6,
          "date": 7, "percent": 8}
WIDTHS = [10.0, 8.0, 8.0, 6.0, 12.0, 8.0]


def _frame(n: int) -> pd.DataFrame:
    i = np.arange(n)
    return pd.DataFrame({
        "a": pd.Series([f"党员{k % 97}" if k % 11 else None for k in i], dtype="string"),
        "b": pd.Series([("=1+" if k % 13 == 0 else "说明 ") * (k % 7) for k in i],
                       dtype="category"),
        "c": np.where(i % 17 == 0, np.nan, i * 0.5),
        "d": i % 5,
        "e": pd.to_datetime("2024-01-01") + pd.to_timedelta(i % 300, unit="D"),
        "f": i / max(n, 1)})


def _plain(frame: pd.DataFrame) -> bytes:
    return b"".join(rows_xml(frame, KINDS, STYLES, WIDTHS))


class _Counted(Blocks):
    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.built = 0

    def put(self, key: str, piece: Piece) -> None:
        self.built += 1
        super().put(key, piece)


def _pieces(frame: pd.DataFrame, store: Blocks | None) -> list[Piece]:
    """The pieces of the rows of ``frame``, as the zip's writer makes them (each block
    compressed unless kept, then kept when asked)."""
    out = []
    for data, keep in cached_rows(frame, KINDS, STYLES, WIDTHS, store):
        piece = data if isinstance(data, Piece) else deflated(data)
        if keep is not None:
            keep(piece)
        out.append(piece)
    return out


def _cached(frame: pd.DataFrame, folder: Path) -> tuple[bytes, _Counted]:
    store = _Counted(folder)
    pieces = _pieces(frame, store)
    assert pieces == _pieces(frame, None)  # the very pieces written without a cache
    xml = b"".join(zlib.decompressobj(-15).decompress(p.data) for p in pieces)
    assert [p.size for p in pieces] == [len(zlib.decompressobj(-15).decompress(p.data))
                                        for p in pieces]
    return xml, store


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks_module, "ROWS", 50)
    monkeypatch.setattr(blocks_module, "BUILD", 150)


@pytest.mark.usefixtures("small_blocks")
def test_rows_from_the_cache_are_the_rows_built_and_only_changed_blocks_are_built(
        tmp_path: Path) -> None:
    frame = _frame(1_000)
    first, store = _cached(frame, tmp_path)
    assert first == _plain(frame) and store.built == 20  # every block built and kept
    again, store = _cached(frame, tmp_path)
    assert again == first and store.built == 0
    changed = frame.copy()
    changed.loc[420, "c"] = 99.0  # one cell: its block
    out, store = _cached(changed, tmp_path)
    assert out == _plain(changed) and store.built == 1
    longer = pd.concat([frame.iloc[:600], frame.iloc[[5]], frame.iloc[600:]],
                       ignore_index=True)  # a row more: the blocks from it on
    out, store = _cached(longer, tmp_path)
    assert out == _plain(longer) and store.built == 9
    typed = frame.assign(d=frame["d"].astype("float64"))  # same numbers, another dtype
    out, store = _cached(typed, tmp_path)
    assert out == _plain(typed) and store.built == 20


@pytest.mark.usefixtures("small_blocks")
def test_a_damaged_or_missing_entry_is_built_again(tmp_path: Path) -> None:
    frame = _frame(300)
    expected, _ = _cached(frame, tmp_path)
    entries = sorted(tmp_path.glob("xml-*.deflate"))
    assert len(entries) == 6
    data = bytearray(entries[1].read_bytes())
    data[len(data) // 2] ^= 0x5A  # a stored byte: the CRC-32 notices
    entries[1].write_bytes(bytes(data))
    data = bytearray(entries[4].read_bytes())
    data[14] ^= 0x01  # the XML's CRC-32 in the header: noticed too
    entries[4].write_bytes(bytes(data))
    entries[2].write_bytes(b"")
    entries[3].unlink()
    out, store = _cached(frame, tmp_path)
    assert out == expected and store.built == 4


@pytest.mark.usefixtures("small_blocks")
def test_entries_the_run_did_not_use_are_pruned(tmp_path: Path) -> None:
    frame = _frame(200)
    _cached(frame, tmp_path)
    (tmp_path / "scan.arrow").write_bytes(b"other")  # not a block: left alone
    (tmp_path / "xml-0123.lz4").write_bytes(b"a block of the fifth round")
    _, store = _cached(frame.iloc[:100], tmp_path)  # the first two blocks of four
    assert store.built == 0
    assert store.prune() == 3
    assert len(list(tmp_path.glob("xml-*"))) == 2 and (tmp_path / "scan.arrow").exists()


@pytest.mark.parametrize("ledger", ["auto", "parquet"])
def test_a_re_run_with_the_cache_writes_the_workbook_written_without_one(
        example: points.Assessment, example_records: points.Records, tmp_path: Path,
        ledger: LedgerOption) -> None:
    cache = prepare_cache(tmp_path / "积分缓存")
    for name in ("a", "b", "c", "d"):
        (tmp_path / name).mkdir()
    write_outputs(example, tmp_path / "a" / "r.xlsx", cache=cache, ledger=ledger)
    assert list(cache.glob("xml-*.deflate"))
    changed = points.assess(example_records, as_of="2024-06-30")  # other scores, other rows
    write_outputs(changed, tmp_path / "b" / "r.xlsx", cache=cache, ledger=ledger)
    write_outputs(changed, tmp_path / "c" / "r.xlsx", ledger=ledger)
    written = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert len(written) == (2 if ledger == "parquet" else 1)
    write_outputs(changed, tmp_path / "d" / "r.xlsx", cache=cache, ledger=ledger)  # all kept
    for name in written:
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()
        assert (tmp_path / "d" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()
    assert ledger != "parquet" or list(cache.glob("ledger-*.pq"))
