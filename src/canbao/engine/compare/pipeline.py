"""Run the comparison: register the inputs, run the steps, write the result files.

Same inputs and as-of date ⇒ the same result files, byte for byte, on either backend: every output is
sorted by its key, cast to a fixed schema and written by pyarrow with fixed settings.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from canbao.engine.compare.backends import Backend, get_backend
from canbao.engine.compare.config import LINES, RulesConfig, load_rules
from canbao.engine.compare.steps import FLAG_ORDER, PERSON_KINDS, REASON_ORDER, build_steps
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
    persons = pa.schema(
        [("pkey", S), ("AAC002", S), ("AAC003", S), ("AAC004", S), ("AAC006", S), ("AAC009", S), ("AAC010", S),
         ("AAB301", S), ("AAE006", S), ("AAE005", S), ("AAC005", S), *_status_fields(rules), ("outcome", I32),
         ("flags", S), ("survey_reasons", S), ("population_group", I32), ("complete", B), ("employment_status", S),
         ("employer_aab998", S), ("employer_name", S), ("uninsured_reason", S), ("AAE014", S), ("AAE015", S)]
    )  # fmt: skip
    return {
        "persons": (persons, ["pkey"]),
        "status_basis": (pa.schema([("pkey", S), ("line", S), ("rule", I32), ("kind", S), ("_file", I32), ("_line", I64)]), ["pkey", "line", "kind", "_file", "_line"]),
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
    schemes, lines, priorities = [], [], []
    for r in rules.lines:
        for rank, scheme in enumerate(r.schemes):
            schemes.append(scheme)
            lines.append(r.key)
            priorities.append(rank)
    return {
        "scheme_lines": pa.table({"scheme": schemes, "line": lines, "priority": pa.array(priorities, I32)}),
        "lines": pa.table({"line": list(LINES), "position": pa.array(range(len(LINES)), I32)}),
    }


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
    engine = get_backend(backend) if isinstance(backend, str) else backend
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
        tables: dict[str, pa.Table] = {}
        t0 = time.perf_counter()
        for name, (schema, order) in output_schemas(rules).items():
            table = engine.fetch_arrow(name, order).select(schema.names).cast(schema)
            path = out_dir / f"{name}.parquet"
            pq.write_table(table, path, compression="zstd", row_group_size=1_000_000)
            outputs[name], tables[name] = path, table
        timings["write"] = time.perf_counter() - t0
    finally:
        engine.close()
    return CompareResult(outputs=outputs, counts=summarise(tables), timings=timings)


def summarise(tables: dict[str, pa.Table]) -> dict[str, object]:
    persons = tables["persons"]
    outcome = Counter(persons.column("outcome").to_pylist())
    flags: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for value in persons.column("flags").to_pylist():
        flags.update(v for v in (value or "").split(";") if v)
    for value in persons.column("survey_reasons").to_pylist():
        reasons.update(v for v in (value or "").split(";") if v)
    groups = Counter(persons.column("population_group").to_pylist())
    units = tables["units"]
    return {
        "persons": persons.num_rows,
        "outcome": {str(k): outcome.get(k, 0) for k in range(1, 6)},
        "population_group": {str(k): groups.get(k, 0) for k in range(1, 5)},
        "flags": {f: flags.get(f, 0) for f in FLAG_ORDER},
        "survey_reasons": {r: reasons.get(r, 0) for r in REASON_ORDER},
        "complete": sum(1 for v in persons.column("complete").to_pylist() if v),
        "deceased_active": len(set(tables["deceased_active"].column("AAC002").to_pylist())),
        "unlinked": tables["unlinked"].num_rows,
        "units": units.num_rows,
        "units_needing_survey": sum(1 for v in units.column("needs_survey").to_pylist() if v),
    }
