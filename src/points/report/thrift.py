"""Parquet files laid end to end as one: the row groups of several one-row-group files (as
pyarrow writes them) copied byte for byte into a single file, and its footer made from theirs.

A Parquet file is ``PAR1``, the column chunks of its row groups, a footer (``FileMetaData`` in
Thrift's compact protocol) and its length, ``PAR1``. Nothing in a column chunk says where it
lies; the footer does (each chunk's page offsets, each row group's offset and ordinal). So
:func:`joined_parquet` copies each file's chunks, and reads each footer as Thrift values
(:func:`_struct`: a generic reader, no Parquet schema needed), moves the offsets by where
the chunks now lie, numbers the row groups in order, adds up the rows, and writes the footer
of the first file with every row group in it. Files with the same schema and written by the
same pyarrow only (the caller's promise: the footers agree but for their row groups).

The reader and writer of the compact protocol keep every field as it was written (its id,
its type, its value), so a footer read and written again is the same bytes (tested on
pyarrow's own footers).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

__all__ = ["joined_parquet"]

_MAGIC = b"PAR1"
# Compact protocol types: booleans are field types of their own (no value follows).
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)

Field = list[Any]  # [field id, type, value]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def _put_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _zigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)


def _value(data: bytes, at: int, kind: int) -> tuple[Any, int]:
    """The value of type ``kind`` at ``at``, and where it ends."""
    if kind in (_TRUE, _FALSE):  # (an element of a list: a byte)
        return data[at], at + 1
    if kind == _BYTE:
        return data[at], at + 1
    if kind in (_I16, _I32, _I64):
        value, at = _varint(data, at)
        return _zigzag(value), at
    if kind == _DOUBLE:
        return data[at:at + 8], at + 8
    if kind == _BINARY:
        size, at = _varint(data, at)
        return data[at:at + size], at + size
    if kind in (_LIST, _SET):
        head = data[at]
        at += 1
        size, element = head >> 4, head & 0x0F
        if size == 15:
            size, at = _varint(data, at)
        items = []
        for _ in range(size):
            item, at = _value(data, at, element)
            items.append(item)
        return (element, items), at
    if kind == _MAP:
        size, at = _varint(data, at)
        if not size:
            return (0, []), at
        types = data[at]
        at += 1
        pairs = []
        for _ in range(size):
            key, at = _value(data, at, types >> 4)
            item, at = _value(data, at, types & 0x0F)
            pairs.append((key, item))
        return (types, pairs), at
    if kind == _STRUCT:
        return _struct(data, at)
    raise ValueError(f"Thrift compact type {kind} at byte {at}")


def _struct(data: bytes, at: int) -> tuple[list[Field], int]:
    """The fields of the struct at ``at`` (each ``[id, type, value]``), and where it ends."""
    fields: list[Field] = []
    last = 0
    while True:
        head = data[at]
        at += 1
        if head == 0:
            return fields, at
        delta, kind = head >> 4, head & 0x0F
        if delta:
            field = last + delta
        else:
            raw, at = _varint(data, at)
            field = _zigzag(raw)
        value: Any = None
        if kind not in (_TRUE, _FALSE):
            value, at = _value(data, at, kind)
        fields.append([field, kind, value])
        last = field


def _put_value(out: bytearray, kind: int, value: Any) -> None:
    if kind in (_TRUE, _FALSE, _BYTE):
        out.append(value)
    elif kind in (_I16, _I32, _I64):
        _put_varint(out, (value << 1) ^ (value >> 63))
    elif kind == _DOUBLE:
        out += value
    elif kind == _BINARY:
        _put_varint(out, len(value))
        out += value
    elif kind in (_LIST, _SET):
        element, items = value
        if len(items) < 15:
            out.append(len(items) << 4 | element)
        else:
            out.append(0xF0 | element)
            _put_varint(out, len(items))
        for item in items:
            _put_value(out, element, item)
    elif kind == _MAP:
        types, pairs = value
        _put_varint(out, len(pairs))
        if pairs:
            out.append(types)
            for key, item in pairs:
                _put_value(out, types >> 4, key)
                _put_value(out, types & 0x0F, item)
    else:
        _put_struct(out, value)


def _put_struct(out: bytearray, fields: list[Field]) -> None:
    last = 0
    for field, kind, value in fields:
        if 0 < field - last <= 15:
            out.append((field - last) << 4 | kind)
        else:
            out.append(kind)
            _put_varint(out, (field << 1) ^ (field >> 63))
        if kind not in (_TRUE, _FALSE):
            _put_value(out, kind, value)
        last = field
    out.append(0)


def _get(fields: list[Field], field: int) -> Field | None:
    return next((f for f in fields if f[0] == field), None)


def _move(fields: list[Field], ids: Sequence[int], by: int) -> None:
    """Add ``by`` to the offsets ``ids`` of ``fields`` that are there."""
    for f in fields:
        if f[0] in ids:
            f[2] += by


# FileMetaData: 3 num_rows, 4 row_groups. RowGroup: 1 columns, 5 file_offset, 7 ordinal.
# ColumnChunk: 2 file_offset, 3 meta_data, 4 offset_index_offset, 6 column_index_offset.
# ColumnMetaData: 9 data_page_offset, 10 index_page_offset, 11 dictionary_page_offset,
# 14 bloom_filter_offset.
def _row_groups(footer: list[Field], by: int, first: int) -> tuple[list[Any], int]:
    """The row groups of ``footer`` moved ``by`` bytes and numbered from ``first`` on, and
    their rows."""
    found = _get(footer, 4)
    groups: list[Any] = [] if found is None else found[2][1]
    rows = 0
    for k, group in enumerate(groups):
        _move(group, (5,), by)
        ordinal = _get(group, 7)
        if ordinal is not None:
            ordinal[2] = first + k
        rows += next(f[2] for f in group if f[0] == 3)
        for chunk in _get(group, 1)[2][1]:  # type: ignore[index]  # (every row group has columns)
            _move(chunk, (2, 4, 6), by)
            meta = _get(chunk, 3)
            if meta is not None:
                _move(meta[2], (9, 10, 11, 14), by)
    return groups, rows


def _parts(data: bytes) -> tuple[bytes, list[Field]]:
    """A Parquet file's column chunks (the bytes after ``PAR1`` up to the footer) and its
    footer's fields."""
    size = struct.unpack_from("<I", data, len(data) - 8)[0]
    start = len(data) - 8 - size
    if data[:4] != _MAGIC or data[-4:] != _MAGIC or start < 4:
        raise ValueError("not a Parquet file")
    footer, end = _struct(data, start)
    if end != len(data) - 8:
        raise ValueError("a Parquet footer of another length than it says")
    return data[4:start], footer


def joined_parquet(files: Sequence[bytes]) -> list[bytes]:
    """The pieces of one Parquet file holding the row groups of ``files`` (Parquet files of
    one schema, written by the same pyarrow) in order, to be written end to end; the first
    file's footer but for its row groups and row count."""
    pieces = [_MAGIC]
    at = len(_MAGIC)
    groups: list[Any] = []
    rows = 0
    base: list[Field] = []
    for k, data in enumerate(files):
        body, footer = _parts(data)
        moved, count = _row_groups(footer, at - len(_MAGIC), len(groups))
        groups += moved
        rows += count
        if k == 0:
            base = footer
        pieces.append(body)
        at += len(body)
    for f in base:
        if f[0] == 3:
            f[2] = rows
        elif f[0] == 4:
            f[2] = (f[2][0], groups)
    out = bytearray()
    _put_struct(out, base)
    pieces += [bytes(out), struct.pack("<I", len(out)), _MAGIC]
    return pieces
