"""Run the comparison: register the inputs, run the steps, write the result files.

Same inputs and as-of date ⇒ the same result files, byte for byte, on either backend: every output is
sorted by its key, cast to a fixed schema and written by pyarrow with fixed settings.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from canbao.engine import duck
from canbao.engine.compare.backends import Backend, get_backend
from canbao.engine.compare.config import LINES, RulesConfig, load_rules
from canbao.engine.compare.steps import FLAG_ORDER, LINE_RANK, PERSON_KINDS, REASON_ORDER, build_steps
from canbao.engine.io.extract import staged_schema
from canbao.engine.kinds import KINDS

INPUT_KINDS = (*PERSON_KINDS, "unit")
S, I64, I32, B = pa.string(), pa.int64(), pa.int32(), pa.bool_()

SURVEY_SCHEMA = pa.schema(
    [("pkey", S), ("survey_id", I64), ("AAC002", S), ("AAC003", S), ("name_key", S), ("AAC004", S), ("AAC006", S),
     ("AAC009", S), ("AAC010", S), ("AAE006", S), ("AAE005", S), ("employment_status", S), ("employer_aab998", S),
     ("employer_name", S), ("uninsured_reason", S), ("AAB301", S), ("AAE014", S), ("AAE015", S), ("survey_date", S),
     ("new_person", B)]
)  # fmt: skip
DIVISIONS_SCHEMA = pa.schema([("AAB301", S), ("level", I32), ("parent", S)])


def _status_fields(rules: RulesConfig) -> list[tuple[str, pa.DataType]]:
    out: list[tuple[str, pa.DataType]] = []
    for r in rules.lines:
        out += [(r.column, S), (f"{r.column}_rule", I32)]
    return out


def output_schemas(rules: RulesConfig) -> dict[str, tuple[pa.Schema, list[str]]]:
    """Each output's schema and the columns it is sorted on. persons and status_basis are sorted on
    numbers of the steps' own (not in the output) that order their rows as (pkey, …) would."""
    persons = pa.schema(
        [("pkey", S), ("AAC002", S), ("AAC003", S), ("AAC004", S), ("AAC006", S), ("AAC009", S), ("AAC010", S),
         ("AAB301", S), ("AAE006", S), ("AAE005", S), ("AAC005", S), *_status_fields(rules), ("outcome", I32),
         ("flags", S), ("survey_reasons", S), ("population_group", I32), ("complete", B), ("employment_status", S),
         ("employer_aab998", S), ("employer_name", S), ("uninsured_reason", S), ("AAE014", S), ("AAE015", S)]
    )  # fmt: skip
    return {
        "persons": (persons, ["pid"]),
        "status_basis": (pa.schema([("pkey", S), ("line", S), ("rule", I32), ("kind", S), ("_file", I32), ("_line", I64)]), ["pid", "bk", "rk"]),
        "deceased_active": (pa.schema([("AAC002", S), ("AAC003", S), ("death_date", S), ("scheme", S), ("AAC031", S), ("AAC084", S), ("AAC030", S), ("AAB001", S), ("AAB301", S), ("clause", S), ("placement", S), ("_file", I32), ("_line", I64)]), ["AAC002", "_file", "_line"]),
        "unlinked": (pa.schema([("kind", S), ("_file", I32), ("_line", I64), ("AAC002", S), ("AAC003", S), ("reason", S)]), ["kind", "_file", "_line"]),
        "units": (pa.schema([("ukey", S), ("AAB998", S), ("AAB001", S), ("AAB004", S), ("AAB019", S), ("AAE006", S), ("AAB301", S), ("survey_reasons", S), ("needs_survey", B), ("credit_code_valid", B)]), ["ukey"]),
    }  # fmt: skip


@dataclass(frozen=True)
class ExtractFile:
    kind: str
    path: str
    as_of: dt.date
    order: int  # the file's order among its kind's files (import order)


@dataclass
class CompareResult:
    outputs: dict[str, Path]
    counts: dict[str, object]
    timings: dict[str, float] = field(default_factory=dict)


def _empty_input(kind: str) -> pa.Table:
    schema = staged_schema(KINDS[kind]).append(pa.field("_file", I32)).append(pa.field("_as_of", S))
    return schema.empty_table()


def _config_tables(rules: RulesConfig) -> dict[str, pa.Table]:
    schemes, lines, priorities, lranks = [], [], [], []
    for r in rules.lines:
        for rank, scheme in enumerate(r.schemes):
            schemes.append(scheme)
            lines.append(r.key)
            priorities.append(rank)
            lranks.append(LINE_RANK[r.key])
    return {
        "scheme_lines": pa.table(
            {
                "scheme": schemes,
                "line": lines,
                "priority": pa.array(priorities, I32),
                "lrank": pa.array(lranks, I32),
            }
        ),
        "lines": pa.table({"line": list(LINES), "position": pa.array(range(len(LINES)), I32)}),
    }


def _large(extracts: dict[str, list[ExtractFile]]) -> bool:
    return duck.large(sum(os.path.getsize(f.path) for files in extracts.values() for f in files))


def run_comparison(
    *,
    extracts: dict[str, list[ExtractFile]],
    divisions: pa.Table,
    as_of: dt.date,
    out_dir: Path,
    top_node: str,
    survey: pa.Table | None = None,
    rules: RulesConfig | None = None,
    backend: str | Backend = "duckdb",
    progress: Callable[[str, int, int], None] | None = None,
) -> CompareResult:
    rules = rules or load_rules()
    engine = get_backend(backend, on_disk=_large(extracts)) if isinstance(backend, str) else backend
    timings: dict[str, float] = {}
    try:
        start = time.perf_counter()
        for kind in INPUT_KINDS:
            files = extracts.get(kind) or []
            if files:
                engine.register_parquet(kind, [(f.path, f.order, f.as_of.strftime("%Y%m%d")) for f in files])
            else:
                engine.register_arrow(kind, _empty_input(kind))
        engine.register_arrow("divisions", divisions.select(DIVISIONS_SCHEMA.names).cast(DIVISIONS_SCHEMA))
        engine.register_arrow(
            "survey_result",
            (survey if survey is not None else SURVEY_SCHEMA.empty_table()).cast(SURVEY_SCHEMA),
        )
        for name, table in _config_tables(rules).items():
            engine.register_arrow(name, table)
        timings["register"] = time.perf_counter() - start
        steps = build_steps(rules, as_of, top_node)
        for i, step in enumerate(steps, start=1):
            t0 = time.perf_counter()
            engine.run_step(step.name, step.sql, materialize=step.materialize)
            timings[step.name] = time.perf_counter() - t0
            if progress:
                progress(step.name, i, len(steps))
        out_dir.mkdir(parents=True, exist_ok=True)
        outputs: dict[str, Path] = {}
        summary = Summary()
        for name, (schema, order) in output_schemas(rules).items():
            # Per output: the outputs are views, so this is their last steps' work as well as the sort
            # and the writing.
            t0 = time.perf_counter()
            path = out_dir / f"{name}.parquet"
            for table in _write_parquet(engine.fetch_batches(name, schema.names, order), schema, path):
                summary.add(name, table)
            outputs[name] = path
            timings[f"write_{name}"] = time.perf_counter() - t0
    finally:
        engine.close()
    return CompareResult(outputs=outputs, counts=summary.counts(), timings=timings)


ROW_GROUP = 1_000_000


def _write_parquet(batches: Iterator[pa.RecordBatch], schema: pa.Schema, path: Path) -> Iterator[pa.Table]:
    """Write ordered batches as `pq.write_table(whole, row_group_size=ROW_GROUP)` would (the same
    bytes: one contiguous row group of ROW_GROUP rows at a time), holding one row group in memory
    instead of the whole output (ten million persons). Yields each row group written."""
    pending: list[pa.RecordBatch] = []
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        wrote = False
        for batch in batches:
            pending.append(batch)
            rows += batch.num_rows
            while rows >= ROW_GROUP:
                table = pa.Table.from_batches(pending)
                group = _conform(table.slice(0, ROW_GROUP), schema)
                writer.write_table(group, row_group_size=ROW_GROUP)
                wrote = True
                yield group
                rest = table.slice(ROW_GROUP)
                pending, rows = rest.to_batches(), rest.num_rows
        if rows or not wrote:  # an empty output is one empty row group, as write_table makes it
            group = _conform(
                pa.Table.from_batches(pending, schema=pending[0].schema) if pending else schema.empty_table(),
                schema,
            )
            writer.write_table(group, row_group_size=ROW_GROUP)
            yield group


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    return table.select(schema.names).cast(schema).combine_chunks()


class Summary:
    """The run's counts, gathered row group by row group as the outputs are written."""

    def __init__(self) -> None:
        self.c: dict[str, Counter[Any]] = {k: Counter() for k in ("outcome", "group", "flags", "reasons")}
        self.n: Counter[str] = Counter()
        self.dead: set[str | None] = set()

    def add(self, name: str, table: pa.Table) -> None:
        self.n[name] += table.num_rows
        if name == "persons":
            for key, column in (("outcome", "outcome"), ("group", "population_group")):
                self.c[key].update(_value_counts(table.column(column)))
            for key, column in (("flags", "flags"), ("reasons", "survey_reasons")):
                parts = pc.list_flatten(pc.split_pattern(table.column(column), ";"))
                self.c[key].update({k: v for k, v in _value_counts(parts).items() if k})
            self.n["complete"] += (
                pc.sum(pc.fill_null(table.column("complete"), False).cast(pa.int64())).as_py() or 0
            )
        elif name == "deceased_active":
            self.dead.update(table.column("AAC002").to_pylist())
        elif name == "units":
            self.n["units_needing_survey"] += (
                pc.sum(pc.fill_null(table.column("needs_survey"), False).cast(pa.int64())).as_py() or 0
            )

    def counts(self) -> dict[str, object]:
        outcome, groups, flags, reasons = (self.c[k] for k in ("outcome", "group", "flags", "reasons"))
        return {
            "persons": self.n["persons"],
            "outcome": {str(k): outcome.get(k, 0) for k in range(1, 6)},
            "population_group": {str(k): groups.get(k, 0) for k in range(1, 5)},
            "flags": {f: flags.get(f, 0) for f in FLAG_ORDER},
            "survey_reasons": {r: reasons.get(r, 0) for r in REASON_ORDER},
            "complete": self.n["complete"],
            "deceased_active": len(self.dead),
            "unlinked": self.n["unlinked"],
            "units": self.n["units"],
            "units_needing_survey": self.n["units_needing_survey"],
        }


def _value_counts(column: pa.ChunkedArray | pa.Array) -> dict[Any, int]:
    counts = pc.value_counts(column)
    return dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True))
