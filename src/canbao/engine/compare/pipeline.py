"""Run the comparison: register the inputs, run the steps, write the result files.

Same inputs and as-of date ⇒ the same result files, byte for byte, on either backend: every output is
sorted by its key, cast to a fixed schema and written by pyarrow with fixed settings.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from canbao.engine import duck
from canbao.engine.compare.backends import Backend, get_backend
from canbao.engine.compare.config import LINES, RulesConfig, load_rules
from canbao.engine.compare.output import RowGroupWriter, Summary
from canbao.engine.compare.steps import LINE_RANK, PERSON_KINDS, Step, build_steps, person_key
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


def _input_bytes(extracts: dict[str, list[ExtractFile]]) -> int:
    return sum(os.path.getsize(f.path) for files in extracts.values() for f in files)


# Staged input per shard. A city of 1 M persons (~150 MB staged) runs in memory in ~11 s; ten times
# as many persons in one run took ~17 times as long (hash tables and sorts ten times the size, and
# tables past the memory limit written compressed or spilled). Large inputs whose staged files are
# in ID-number order are therefore compared one range of persons at a time, each range in memory.
SHARD_BYTES = 160 * 1024 * 1024
# Steps over every row, not per person: run once, on the whole input, never per range.
GLOBAL_STEPS = frozenset({"unlinked", "unit_seen", "unit_keyed", "unit_carried", "units"})
GLOBAL_OUTPUTS = ("unlinked", "units")


def shard_count(extracts: dict[str, list[ExtractFile]]) -> int:
    """Into how many ranges of persons the DuckDB backend splits these inputs (CANBAO_ENGINE_SHARDS
    decides instead): one below 256 MB, or where a person kind's staged file is not in ID-number
    order (imported before the import wrote them so: each range would read most of it again)."""
    forced = os.environ.get("CANBAO_ENGINE_SHARDS")
    if forced:
        return max(1, int(forced))
    nbytes = _input_bytes(extracts)
    if not duck.large(nbytes) or not all(
        _in_id_order(f.path) for k in PERSON_KINDS for f in extracts.get(k) or []
    ):
        return 1
    return -(-nbytes // SHARD_BYTES)


def _in_id_order(path: str) -> bool:
    """Whether the file's row groups hold ascending, non-overlapping ranges of AAC002 (statistics only)."""
    meta = pq.ParquetFile(path).metadata
    column = meta.schema.names.index("AAC002") if "AAC002" in meta.schema.names else None
    if column is None:
        return False
    last = None
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(column).statistics
        if stats is None or not stats.has_min_max:
            continue  # all NULL: invalid numbers, sorted last
        if last is not None and stats.min < last:
            return False
        last = stats.max
    return True


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
    schemas = output_schemas(rules)
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {
        name: RowGroupWriter(out_dir / f"{name}.parquet", schema) for name, (schema, _) in schemas.items()
    }
    run = _Run(rules, as_of, top_node, divisions, survey, schemas, writers, progress)
    try:
        shards = shard_count(extracts) if backend == "duckdb" else 1
        if shards == 1:
            engine = (
                get_backend(backend, on_disk=duck.large(_input_bytes(extracts)))
                if isinstance(backend, str)
                else backend
            )
            steps = build_steps(rules, as_of, top_node)
            run.steps_total = len(steps)
            run.one_pass(engine, extracts, steps, list(schemas))
        else:
            run.sharded(extracts, shards)
        for name, writer in writers.items():
            t0 = time.perf_counter()
            for table in writer.close():
                run.summary.add(name, table)
            run.add_time(f"write_{name}", time.perf_counter() - t0)
    finally:
        for writer in writers.values():
            writer.abort()
    return CompareResult(
        outputs={name: w.path for name, w in writers.items()},
        counts=run.summary.counts(),
        timings=run.timings,
    )


class _Run:
    """One comparison: its passes (one, or a pass per shard and one over every row) feeding the
    output writers in order."""

    def __init__(
        self,
        rules: RulesConfig,
        as_of: dt.date,
        top_node: str,
        divisions: pa.Table,
        survey: pa.Table | None,
        schemas: dict[str, tuple[pa.Schema, list[str]]],
        writers: dict[str, RowGroupWriter],
        progress: Callable[[str, int, int], None] | None,
    ) -> None:
        self.rules, self.as_of, self.top_node = rules, as_of, top_node
        self.divisions = divisions.select(DIVISIONS_SCHEMA.names).cast(DIVISIONS_SCHEMA)
        self.survey = (survey if survey is not None else SURVEY_SCHEMA.empty_table()).cast(SURVEY_SCHEMA)
        self.schemas, self.writers, self.progress = schemas, writers, progress
        self.summary = Summary()
        self.timings: dict[str, float] = {}
        self.steps_done = 0
        self.steps_total = 0

    def add_time(self, name: str, seconds: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + seconds

    def one_pass(
        self,
        engine: Backend,
        extracts: dict[str, list[ExtractFile]],
        steps: list[Step],
        outputs: list[str],
        persons_where: str | None = None,
    ) -> None:
        try:
            start = time.perf_counter()
            for kind in INPUT_KINDS:
                files = extracts.get(kind) or []
                if files:
                    engine.register_parquet(
                        kind,
                        [(f.path, f.order, f.as_of.strftime("%Y%m%d")) for f in files],
                        where=persons_where if kind in PERSON_KINDS else None,
                    )
                else:
                    engine.register_arrow(kind, _empty_input(kind))
            engine.register_arrow("divisions", self.divisions)
            engine.register_arrow("survey_result", self.survey)
            for name, table in _config_tables(self.rules).items():
                engine.register_arrow(name, table)
            self.add_time("register", time.perf_counter() - start)
            for step in steps:
                t0 = time.perf_counter()
                engine.run_step(step.name, step.sql, materialize=step.materialize)
                self.add_time(step.name, time.perf_counter() - t0)
                self.steps_done += 1
                if self.progress:
                    self.progress(step.name, self.steps_done, self.steps_total)
            for name in outputs:
                # The outputs are views, so this is their last steps' work as well as the sort and
                # the writing.
                t0 = time.perf_counter()
                schema, order = self.schemas[name]
                writer = self.writers[name]
                for batch in engine.fetch_batches(name, schema.names, order):
                    for table in writer.add(batch):
                        self.summary.add(name, table)
                self.add_time(f"write_{name}", time.perf_counter() - t0)
        finally:
            engine.close()

    def sharded(self, extracts: dict[str, list[ExtractFile]], shards: int) -> None:
        """Run the per-person steps on one range of person keys at a time, each range's rows read from
        the staged files through the Parquet statistics of AAC002 (the import writes persons' rows in
        ID-number order); the outputs, sorted by person key first, are the ranges' outputs one after
        the other. The steps over every row run once, on the whole input."""
        all_steps = build_steps(self.rules, self.as_of, self.top_node)
        every_row = [s for s in all_steps if s.name in GLOBAL_STEPS or s.name.startswith("v_")]
        per_person = [s for s in all_steps if s.name not in GLOBAL_STEPS]
        t0 = time.perf_counter()
        bounds = person_ranges(extracts, shards)
        self.add_time("ranges", time.perf_counter() - t0)
        self.steps_total = len(per_person) * (len(bounds) - 1) + len(every_row)
        person_outputs = [n for n in self.schemas if n not in GLOBAL_OUTPUTS]
        for lo, hi in itertools.pairwise(bounds):
            steps = build_steps(self.rules, self.as_of, self.top_node, pid_range=(lo, hi))
            self.one_pass(
                get_backend("duckdb"),
                extracts,
                [s for s in steps if s.name not in GLOBAL_STEPS],
                person_outputs,
                persons_where=_id_range(lo, hi),
            )
        self.one_pass(get_backend("duckdb"), extracts, every_row, list(GLOBAL_OUTPUTS))


def person_ranges(extracts: dict[str, list[ExtractFile]], shards: int) -> list[int | None]:
    """Bounds of `shards` ranges of person keys with about as many register persons in each
    (None: no bound); a key k is in range i when bounds[i] <= k < bounds[i + 1]."""
    con = duckdb.connect()
    try:
        register = ", ".join(f"'{duck.sql_text(f.path)}'" for f in extracts["household_register"])
        quantiles = [i / shards for i in range(1, shards)]
        row = con.execute(
            f"SELECT quantile_disc({person_key()}, {quantiles}) FROM read_parquet([{register}]) WHERE id_valid"
        ).fetchone()
        cuts = sorted({int(v) for v in ((row[0] if row else None) or [])})
        return [None, *cuts, None]
    finally:
        con.close()


def _id_range(lo: int | None, hi: int | None) -> str | None:
    """The staged rows whose ID number's key is in [lo, hi), as a condition on the AAC002 string that
    the Parquet scan tests on row-group statistics: 17-digit strings sort as their numbers, and a
    number sorts after its own first 17 digits and before the next 17."""
    terms = ([f"AAC002 >= '{lo:017d}'"] if lo is not None else []) + (
        [f"AAC002 < '{hi:017d}'"] if hi is not None else []
    )
    return " AND ".join(terms) or None
