"""Streaming writers for the synthetic extracts: CSV, XLSX and Parquet, byte-for-byte reproducible.

Each writer takes one chunk at a time and never holds the file's rows. The expensive part (CSV
encoding, building Arrow tables) is done by :func:`encode` in the worker that made the chunk; the
writer in the main process only appends. Reproducibility: CSV is plain bytes; XLSX is written by
xlsxwriter in constant-memory mode with fixed document dates (xlsxwriter already stamps every zip
member 1980-01-01); Parquet gets one row group per chunk, all columns strings, and pyarrow's fixed
"created_by".
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xlsxwriter

XLSX_MAX_ROWS = 1_048_576
_NULL = pa.scalar(None, pa.string())


class Sink(Protocol):
    rows: int

    def write(self, data: Any, rows: int) -> None: ...
    def close(self) -> None: ...


def encode(fmt: str, encoding: str | None, newline: str, header: list[str], rows: list[list[str]]) -> Any:
    """A chunk's rows in the form its sink appends: CSV bytes, an Arrow table, or the rows (XLSX)."""
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator=newline).writerows(rows)
        # The BOM belongs to the start of the file only (written with the header).
        return buf.getvalue().encode("utf-8" if encoding == "utf-8-sig" else encoding or "utf-8")
    if fmt == "parquet":
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in header]
        arrays = []
        for col in cols:
            arr = pa.array(col, pa.string())
            # An empty value is a null in Parquet, as database exports write it.
            arrays.append(pc.if_else(pc.equal(arr, ""), _NULL, arr))
        return pa.Table.from_arrays(arrays, schema=_schema(header))
    return rows


def _schema(header: list[str]) -> pa.Schema:
    return pa.schema([(h, pa.string()) for h in header])


class CsvSink:
    def __init__(self, path: Path, header: list[str], encoding: str, newline: str = "\n") -> None:
        self._f = path.open("wb")
        head = encode("csv", encoding, newline, header, [header])
        self._f.write(codecs.BOM_UTF8 + head if encoding == "utf-8-sig" else head)
        self.rows = 0

    def write(self, data: bytes, rows: int) -> None:
        self._f.write(data)
        self.rows += rows

    def close(self) -> None:
        self._f.close()


class XlsxSink:
    def __init__(self, path: Path, header: list[str], sheet: str, as_of: dt.date) -> None:
        self._wb = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                # Everything is text, as departments export ID numbers: never turn "0123" into 123.
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        stamp = dt.datetime(as_of.year, as_of.month, as_of.day)
        self._wb.set_properties({"created": stamp, "author": "canbao demo-data"})
        self._ws = self._wb.add_worksheet(sheet)
        self._ws.write_row(0, 0, header)
        self.rows = 0

    def write(self, data: list[list[str]], rows: int) -> None:
        if self.rows + rows >= XLSX_MAX_ROWS:
            raise ValueError("XLSX 文件超过 1,048,576 行的上限")
        ws = self._ws
        base = self.rows + 1
        for i, row in enumerate(data):
            for j, value in enumerate(row):
                if value:
                    ws.write_string(base + i, j, value)
        self.rows += rows

    def close(self) -> None:
        self._wb.close()


class ParquetSink:
    def __init__(self, path: Path, header: list[str]) -> None:
        self._w = pq.ParquetWriter(str(path), _schema(header), compression="zstd")
        self.rows = 0

    def write(self, table: pa.Table, rows: int) -> None:
        if rows:
            self._w.write_table(table)
            self.rows += rows

    def close(self) -> None:
        self._w.close()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()
