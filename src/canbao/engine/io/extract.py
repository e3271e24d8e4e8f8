"""Read one source extract into canonical, validated rows (exchange-format.md).

Accepted rows go to a Parquet file in canonical columns (all text, dates as YYYYMMDD) with their
source line; rejected rows are listed with line, column, reason code and a Chinese message. Every
data record read is either accepted or rejected: rows_read == accepted + rejected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from canbao.engine.codes import is_valid_code
from canbao.engine.io.errors import ExtractRefused
from canbao.engine.io.mapping import Mapping
from canbao.engine.io.sources import open_source
from canbao.engine.kinds import KINDS, Column, Kind
from canbao.engine.validate.creditcode import check_credit_code
from canbao.engine.validate.division import check_division_code
from canbao.engine.validate.idnumber import check_id
from canbao.engine.validate.text import name_key, normalise_text, parse_date

REJECT_MESSAGES = {
    "REQUIRED_MISSING": "必填项为空",
    "BAD_DATE": "日期无法识别",
    "BAD_CODE": "代码不在代码表中",
    "DUPLICATE_KEY": "重复记录",
    "UNKNOWN_AREA": "行政区划代码不在区划树中",
    "TOO_LONG": "内容过长",
}
BATCH_ROWS = 100_000


@dataclass
class Reject:
    line: int
    column: str
    reason: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "reason": self.reason, "message": self.message}


@dataclass
class ExtractResult:
    kind: str
    format: str
    encoding: str | None
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    header_map: dict[str, str] = field(default_factory=dict)
    id_converted: int = 0
    id_invalid: int = 0


def resolve_header(
    kind: Kind, header: list[str], mapping: Mapping | None, file_name: str
) -> tuple[dict[int, str], list[str]]:
    """Map header positions to canonical columns; refuse duplicates and missing required columns."""
    by_name: dict[str, str] = {}
    for col in kind.columns:
        by_name[col.code.lower()] = col.code
        by_name[col.name_zh] = col.code
    explicit = {k.strip(): v for k, v in (mapping.columns if mapping else {}).items()}
    positions: dict[int, str] = {}
    seen: dict[str, int] = {}
    ignored: list[str] = []
    for pos, raw in enumerate(header):
        name = normalise_text(raw).lstrip("\ufeff")
        target = explicit.get(name) or by_name.get(name.lower()) or by_name.get(name)
        if target is None:
            if name:
                ignored.append(name)
            continue
        if target in seen:
            raise ExtractRefused(
                f"{file_name}：表头第 {seen[target] + 1} 列与第 {pos + 1} 列都对应 {target}（{kind.column(target).name_zh}），列名重复"
            )
        seen[target] = pos
        positions[pos] = target
    constants = set(mapping.constants) if mapping else set()
    missing = [c for c in kind.required if c not in seen and c not in constants]
    if missing:
        names = "、".join(f"{c}（{kind.column(c).name_zh}）" for c in missing)
        hint = _guess_kind(header, kind.key)
        raise ExtractRefused(f"{file_name}：缺少必需的列 {names}，文件未导入{hint}")
    return positions, ignored


def _guess_kind(header: list[str], declared: str) -> str:
    names = {normalise_text(h).lstrip("\ufeff").lower() for h in header}
    for other in KINDS.values():
        if other.key == declared:
            continue
        if all(c.lower() in names or other.column(c).name_zh.lower() in names for c in other.required):
            return f"。这看起来是“{other.name_zh}”（{other.key}）数据，请检查 --kind"
    return ""


class _RowChecker:
    def __init__(self, kind: Kind, mapping: Mapping | None, known_areas: set[str] | None) -> None:
        self.kind = kind
        self.mapping = mapping
        self.known_areas = known_areas
        self.seen_keys: set[tuple[str, ...]] = set()
        self.value_maps = mapping.values if mapping else {}
        self.date_formats = mapping.dates if mapping else {}
        self.constants = mapping.constants if mapping else {}

    def _date(self, col: Column, value: str) -> str:
        fmt = self.date_formats.get(col.code)
        if fmt:
            return dt.datetime.strptime(value, fmt).strftime("%Y%m%d")
        parsed = parse_date(value)
        return parsed.strftime("%Y%m%d") if parsed else ""

    def check(self, line: int, values: dict[str, str]) -> tuple[dict[str, Any] | None, Reject | None]:
        out: dict[str, Any] = {}
        for col in self.kind.columns:
            value = values.get(col.code)
            if value is None:
                value = self.constants.get(col.code, "")
            value = normalise_text(value)
            if value and col.code in self.value_maps:
                value = self.value_maps[col.code].get(value, value)
            label = f"{col.name_zh}（{col.code}）"
            if not value:
                if col.required:
                    return None, Reject(
                        line, col.code, "REQUIRED_MISSING", f"第 {line} 行 {label}：必填项为空"
                    )
                out[col.code] = ""
                continue
            if len(value) > col.max_len:
                return None, Reject(
                    line,
                    col.code,
                    "TOO_LONG",
                    f"第 {line} 行 {label}：内容过长（{len(value)} 个字符，最多 {col.max_len}）",
                )
            if col.type == "date":
                try:
                    value = self._date(col, value)
                except ValueError:
                    return None, Reject(
                        line, col.code, "BAD_DATE", f"第 {line} 行 {label}：日期“{value[:20]}”无法识别"
                    )
            elif col.type == "code" and col.table and not is_valid_code(col.table, value):
                return None, Reject(
                    line, col.code, "BAD_CODE", f"第 {line} 行 {label}：代码“{value[:20]}”不在代码表中"
                )
            elif col.type == "division":
                check = check_division_code(value)
                if not check.valid:
                    return None, Reject(line, col.code, "BAD_CODE", f"第 {line} 行 {label}：{check.message}")
            elif col.type == "id":
                value = value.replace("x", "X")
            out[col.code] = value
        if self.kind.key == "household_register" and self.known_areas is not None:
            if out["AAB301"] not in self.known_areas:
                return None, Reject(
                    line,
                    "AAB301",
                    "UNKNOWN_AREA",
                    f"第 {line} 行 行政区划代码（AAB301）：{out['AAB301']} 不在区划树中",
                )
        if "AAC002" in out and self.kind.column("AAC002").type == "id":
            self._add_id(out)
        if "AAC003" in out:
            out["name_key"] = name_key(out["AAC003"])
        if "AAB998" in out:
            out["AAB998_valid"] = check_credit_code(out["AAB998"]).valid if out["AAB998"] else None
        if self.kind.key_columns:
            key = tuple(out[c] for c in self.kind.key_columns)
            if key in self.seen_keys:
                key_col = self.kind.key_columns[0]
                return None, Reject(
                    line,
                    key_col,
                    "DUPLICATE_KEY",
                    f"第 {line} 行 {self.kind.column(key_col).name_zh}（{key_col}）：与前面的记录重复，以先出现的一条为准",
                )
            self.seen_keys.add(key)
        return out, None

    @staticmethod
    def _add_id(out: dict[str, Any]) -> None:
        raw = out["AAC002"]
        check = check_id(raw)
        out["AAC002_raw"] = raw
        out["id_valid"] = check.valid
        out["id_reason"] = check.reason or ""
        out["id_converted"] = check.converted_from_15
        if check.normalised:
            out["AAC002"] = check.normalised


def staged_schema(kind: Kind) -> pa.Schema:
    fields = [pa.field("_line", pa.int64())] + [pa.field(c, pa.string()) for c in kind.codes]
    if "AAC002" in kind.codes and kind.column("AAC002").type == "id":
        fields += [
            pa.field("AAC002_raw", pa.string()),
            pa.field("id_valid", pa.bool_()),
            pa.field("id_reason", pa.string()),
            pa.field("id_converted", pa.bool_()),
        ]
    if "AAC003" in kind.codes:
        fields.append(pa.field("name_key", pa.string()))  # comparison-rules.md §1, computed once here
    if "AAB998" in kind.codes:
        fields.append(pa.field("AAB998_valid", pa.bool_()))
    return pa.schema(fields)


def read_extract(
    path: Path,
    kind_key: str,
    *,
    out_path: Path,
    mapping: Mapping | None = None,
    known_areas: set[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExtractResult:
    """Validate `path` as an extract of `kind_key` and write its accepted rows to `out_path` (Parquet)."""
    kind = KINDS[kind_key]
    if mapping is not None and mapping.kind != kind_key:
        raise ExtractRefused(f"映射文件的类别是 {mapping.kind}，与 --kind {kind_key} 不符")
    source = open_source(
        path,
        encoding=mapping.encoding if mapping else None,
        header_row=mapping.header_row if mapping else 1,
        sheet=mapping.sheet if mapping else 1,
    )
    positions, ignored = resolve_header(kind, source.header, mapping, path.name)
    result = ExtractResult(kind_key, source.format, source.encoding, ignored_columns=ignored)
    result.header_map = {source.header[p]: c for p, c in positions.items()}
    checker = _RowChecker(kind, mapping, known_areas)
    schema = staged_schema(kind)
    buffer: dict[str, list[Any]] = {name: [] for name in schema.names}
    writer = pq.ParquetWriter(out_path, schema, compression="zstd")
    try:
        for line, record in source.rows:
            if not any(cell.strip() for cell in record):
                continue  # a blank line holds no data: not a row
            result.rows_read += 1
            values = {col: record[pos] if pos < len(record) else "" for pos, col in positions.items()}
            row, reject = checker.check(line, values)
            if reject is not None:
                result.rejected += 1
                result.rejects.append(reject)
                continue
            assert row is not None
            result.accepted += 1
            if row.get("id_converted"):
                result.id_converted += 1
            if "id_valid" in row and not row["id_valid"]:
                result.id_invalid += 1
            buffer["_line"].append(line)
            for name in schema.names[1:]:
                buffer[name].append(row.get(name))
            if len(buffer["_line"]) >= BATCH_ROWS:
                writer.write_table(pa.table(buffer, schema=schema))
                buffer = {name: [] for name in schema.names}
                if progress:
                    progress(result.rows_read)
        writer.write_table(pa.table(buffer, schema=schema))
    finally:
        writer.close()
    if result.rows_read == 0:
        out_path.unlink(missing_ok=True)
        raise ExtractRefused(f"{path.name}：文件只有表头，没有数据行，未导入")
    return result
