"""Raw rows out of CSV, XLSX and Parquet files: (line number, cells as text).

Line numbers follow cli.md: CSV the physical line where the record starts (header = line 1), XLSX the
sheet row, Parquet the row index + 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from canbao.engine.io.encoding import detect_encoding
from canbao.engine.io.errors import ExtractRefused

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # over-long fields are read, then rejected TOO_LONG


@dataclass
class RawSource:
    format: str  # csv | xlsx | parquet
    encoding: str | None
    header: list[str]
    header_line: int
    rows: Iterator[tuple[int, list[str]]]


def sniff_format(path: Path) -> str:
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        return "xlsx"
    if magic == b"PAR1":
        return "parquet"
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raise ExtractRefused(f"{path.name}：不是有效的 XLSX 文件（文件损坏或被截断）")
    if suffix == ".parquet":
        raise ExtractRefused(f"{path.name}：不是有效的 Parquet 文件（文件损坏或被截断）")
    return "csv"


def cell_text(value: Any) -> str:
    """A spreadsheet or Parquet cell as the text a CSV would have held."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def open_source(
    path: Path, *, encoding: str | None = None, header_row: int = 1, sheet: int | str = 1
) -> RawSource:
    if not path.exists():
        raise ExtractRefused(f"{path}：文件不存在")
    if path.stat().st_size == 0:
        raise ExtractRefused(f"{path.name}：文件为空")
    fmt = sniff_format(path)
    if fmt == "csv":
        return _open_csv(path, encoding, header_row)
    if fmt == "xlsx":
        return _open_xlsx(path, header_row, sheet)
    return _open_parquet(path)


def _take_header(it: Iterator[tuple[int, list[str]]], header_row: int, path: Path) -> tuple[list[str], int]:
    """Advance `it` to the header row (cli.md `header_row`); the records after it stay in `it`."""
    for line, record in it:
        if line >= header_row:
            if any(cell.strip() for cell in record):
                return record, line
            break
    raise ExtractRefused(f"{path.name}：没有表头行")


def _open_csv(path: Path, declared: str | None, header_row: int) -> RawSource:
    enc = detect_encoding(path, declared)
    fh = path.open("r", encoding=enc, errors="strict", newline="")
    # strict: an opening quote never closed (a truncated file, or a stray quote that would swallow
    # every following line into one field) is an error, not a silently merged row.
    reader = csv.reader(fh, strict=True)

    def records() -> Iterator[tuple[int, list[str]]]:
        start = 1
        try:
            for record in reader:
                yield start, record
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise ExtractRefused(
                f"{path.name} 第 {start} 行附近：内容不是 {enc} 编码（{exc.reason}）"
            ) from exc
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise ExtractRefused(
                    f"{path.name} 第 {start} 行起：引号没有闭合，文件可能被截断（CSV 格式错误）"
                ) from exc
            raise ExtractRefused(f"{path.name} 第 {reader.line_num} 行：CSV 格式错误（{exc}）") from exc
        finally:
            fh.close()

    it = records()
    try:
        header, line = _take_header(it, header_row, path)
    except ExtractRefused:
        fh.close()
        raise
    return RawSource("csv", enc, header, line, it)


def _open_xlsx(path: Path, header_row: int, sheet: int | str) -> RawSource:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ExtractRefused(f"{path.name}：不是有效的 XLSX 文件（{exc}）") from exc
    try:
        ws = (
            wb.worksheets[int(sheet) - 1]
            if isinstance(sheet, int) or str(sheet).isdigit()
            else wb[str(sheet)]
        )
    except (IndexError, KeyError) as exc:
        wb.close()
        raise ExtractRefused(f"{path.name}：找不到工作表 {sheet}") from exc

    def records() -> Iterator[tuple[int, list[str]]]:
        try:
            for idx, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield idx, [cell_text(v) for v in row]
        except Exception as exc:  # openpyxl raises many types on a damaged sheet
            raise ExtractRefused(f"{path.name}：XLSX 内容损坏（{exc}）") from exc
        finally:
            wb.close()

    it = records()
    header, line = _take_header(it, header_row, path)
    while header and not header[-1].strip():
        header.pop()
    return RawSource("xlsx", None, header, line, it)


def _open_parquet(path: Path) -> RawSource:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise ExtractRefused(f"{path.name}：不是有效的 Parquet 文件（{exc}）") from exc
    header = list(pf.schema_arrow.names)

    def records() -> Iterator[tuple[int, list[str]]]:
        index = 0
        try:
            for batch in pf.iter_batches(batch_size=65536):
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for values in zip(*columns, strict=True):
                    yield index + 2, [cell_text(v) for v in values]
                    index += 1
        except (pa.ArrowException, OSError) as exc:
            raise ExtractRefused(f"{path.name}：Parquet 内容损坏（{exc}）") from exc

    return RawSource("parquet", None, header, 1, records())
