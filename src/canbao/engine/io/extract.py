"""Read one source extract into canonical, validated rows (exchange-format.md).

Accepted rows go to a Parquet file in canonical columns (all text, dates as YYYYMMDD) with their
source line; rejected rows are listed with line, column, reason code and a Chinese message. Every
data record read is either accepted or rejected: rows_read == accepted + rejected.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from canbao.engine import duck
from canbao.engine.io import sqlcheck
from canbao.engine.io.errors import ExtractRefused
from canbao.engine.io.mapping import Mapping
from canbao.engine.io.sources import RawSource, open_source
from canbao.engine.kinds import KINDS, Kind
from canbao.engine.validate.text import normalise_text

REJECT_MESSAGES = {
    "REQUIRED_MISSING": "必填项为空",
    "BAD_DATE": "日期无法识别",
    "BAD_CODE": "代码不在代码表中",
    "DUPLICATE_KEY": "重复记录",
    "UNKNOWN_AREA": "行政区划代码不在区划树中",
    "TOO_LONG": "内容过长",
}
BATCH_ROWS = 200_000
COMPRESSED = 5  # how much larger than its file a Parquet or XLSX extract is as text, roughly


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
    present = list(positions.values())
    with tempfile.TemporaryDirectory(prefix="canbao-import-") as tmp:
        # A 10 M-row register held its five working tables in memory: 11.8 GB. Large files work
        # in a database file instead, within the engine's memory limit.
        size = path.stat().st_size * (COMPRESSED if path.suffix.lower() in (".parquet", ".xlsx") else 1)
        con = duck.connect(tmp, on_disk=duck.large(size))
        try:
            result.rows_read = _load_raw(con, source, positions, progress)
            if result.rows_read == 0:
                raise ExtractRefused(f"{path.name}：文件只有表头，没有数据行，未导入")
            _validate(con, kind, mapping, present, known_areas, out_path, result)
        finally:
            con.close()
    return result


def _load_raw(
    con: duckdb.DuckDBPyConnection,
    source: RawSource,
    positions: dict[int, str],
    progress: Callable[[int], None] | None,
) -> int:
    """Stream the records into DuckDB table `raw` (all text), in batches; returns the rows read."""
    cols = list(positions.values())
    schema = pa.schema([pa.field("_line", pa.int64())] + [pa.field(c, pa.string()) for c in cols])
    con.execute(f"CREATE TABLE raw ({', '.join(f'{f.name} {_duck_type(f.type)}' for f in schema)})")
    take = list(positions.items())
    lines: list[int] = []
    buffers: list[list[str]] = [[] for _ in cols]
    read = 0

    def flush() -> None:
        table = pa.table(
            [pa.array(lines, pa.int64()), *[pa.array(b, pa.string()) for b in buffers]], schema=schema
        )
        con.register("_batch", table)
        con.execute("INSERT INTO raw SELECT * FROM _batch")
        con.unregister("_batch")
        lines.clear()
        for b in buffers:
            b.clear()

    for line, record in source.rows:
        n = len(record)
        # A blank line holds no data: not a row. (Cheap test first: most records have text in cell 0.)
        if not (n and record[0].strip()) and not any(cell.strip() for cell in record):
            continue
        read += 1
        lines.append(line)
        for i, (pos, _) in enumerate(take):
            buffers[i].append(record[pos] if pos < n else "")
        if len(lines) >= BATCH_ROWS:
            flush()
            if progress:
                progress(read)
    if lines:
        flush()
    return read


def _duck_type(t: pa.DataType) -> str:
    return "BIGINT" if t == pa.int64() else "VARCHAR"


def _validate(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    mapping: Mapping | None,
    present: list[str],
    known_areas: set[str] | None,
    out_path: Path,
    result: ExtractResult,
) -> None:
    check_areas = kind.key == "household_register" and known_areas is not None
    if check_areas:
        con.register("_areas", pa.table({"code": sorted(known_areas or ())}))
        con.execute("CREATE TABLE known_areas AS SELECT * FROM _areas")
    con.execute(f"CREATE TABLE norm AS {sqlcheck.build_normalise(kind, present, mapping)}")
    con.execute(f"CREATE TABLE errs AS {sqlcheck.build_errors(kind, mapping, check_areas=check_areas)}")
    con.execute(f"CREATE TABLE typed AS {sqlcheck.build_typed(kind, mapping)}")
    schema = staged_schema(kind)
    if kind.key_columns:
        key = ", ".join(kind.key_columns)
        first = kind.key_columns[0]
        label = f"{kind.column(first).name_zh}（{first}）"
        con.execute(
            f"CREATE TABLE ranked AS SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY _line) AS _rn FROM typed"
        )
        con.execute(
            f"INSERT INTO errs SELECT _line, '{first}|DUPLICATE_KEY|第 ' || _line || ' 行 {label}：与前面的记录重复，以先出现的一条为准' "
            "FROM ranked WHERE _rn > 1"
        )
        accepted = "SELECT * EXCLUDE (_rn) FROM ranked WHERE _rn = 1"
    else:
        accepted = "SELECT * FROM typed"
    casts = ", ".join(
        f"CAST({f.name} AS {_duck_type(f.type) if f.type != pa.bool_() else 'BOOLEAN'}) AS {f.name}"
        for f in schema
    )
    # Persons' rows in ID-number order (then line order): the comparison reads a range of persons
    # at a time from large extracts, and a person's rows are then in a few row groups that the
    # Parquet statistics of AAC002 find (the person page reads them the same way).
    order = "AAC002, _line" if "AAC002" in kind.codes and kind.column("AAC002").type == "id" else "_line"
    con.execute(
        f"COPY (SELECT {casts} FROM ({accepted}) ORDER BY {order}) TO '{duck.sql_text(out_path)}' (FORMAT PARQUET, COMPRESSION ZSTD)"
    )
    rejects = con.execute("SELECT _line, error FROM errs WHERE error IS NOT NULL ORDER BY _line").fetchall()
    for line, error in rejects:
        column, reason, message = error.split("|", 2)
        result.rejects.append(Reject(int(line), column, reason, message))
    result.rejected = len(rejects)
    result.accepted = result.rows_read - result.rejected
    if "AAC002" in kind.codes and kind.column("AAC002").type == "id":
        converted, invalid = con.execute(
            f"SELECT count(*) FILTER (WHERE id_converted), count(*) FILTER (WHERE NOT id_valid) FROM read_parquet('{duck.sql_text(out_path)}')"
        ).fetchone() or (0, 0)
        result.id_converted, result.id_invalid = int(converted), int(invalid)
