"""Publishing a comparison's result into the registration database.

Only what changed is written: the new persons file is diffed against the previous published run's
file in DuckDB, and only new and changed persons reach the database (with history); persons who left
P are marked. Without a previous run every person is upserted and compared with the database.
Everything runs inside the caller's transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.db import connection, models

from canbao.engine.compare.config import RulesConfig
from canbao.registry.models import Person
from canbao.registry.services import (
    indexes_deferred,
    persons_leave_population,
    persons_load_fresh,
    persons_upsert,
)

BATCH = 20_000


def _date(value: str | None) -> dt.date | None:
    return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8])) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def registry_row(r: dict[str, Any], rules: RulesConfig) -> dict[str, Any]:
    """An engine output row as the fields of a Person."""
    row: dict[str, Any] = {
        "aac002": r["AAC002"],
        "aae005": r["AAE005"] or "",
        "aac003": r["AAC003"] or "",
        "aac004": r["AAC004"] or "",
        "aac005": r["AAC005"] or "",
        "aac006": _date(r["AAC006"]),
        "aac009": r["AAC009"] or "",
        "aac010": r["AAC010"] or "",
        "aae006": r["AAE006"] or "",
        "placement_id": r["AAB301"],
        "population_group": r["population_group"],
        "outcome": r["outcome"],
        "flags": r["flags"] or "",
        "survey_reasons": r["survey_reasons"] or "",
        "complete": r["complete"],
        "status_rules": "".join(str(r[f"{line.column}_rule"]) for line in rules.lines),
        "employment_status": r["employment_status"] or "",
        "employer_aab998": r["employer_aab998"] or "",
        "employer_name": r["employer_name"] or "",
        "uninsured_reason": r["uninsured_reason"] or "",
        "aae014": (r["AAE014"] or "")[:20],
        "aae015": _datetime(r["AAE015"]),
        "in_population": True,
    }
    for line in rules.lines:
        row[line.column.lower()] = r[line.column]
    return row


def changed_rows_sql(new: Path, prev: Path, key: str, where: str = "TRUE") -> str:
    """SELECT of the rows of result file `new` that are not in `prev`, or differ from their row there
    (by `key`, every other column compared NULL-safely), in key order. Persons and units both use it."""
    columns = [name for name in pq.read_schema(new).names if name != key]
    differs = " OR ".join(f"n.{c} IS DISTINCT FROM p.{c}" for c in columns)
    return (
        f"SELECT n.* FROM read_parquet('{new}') n LEFT JOIN read_parquet('{prev}') p ON p.{key} = n.{key} "
        f"WHERE ({where}) AND (p.{key} IS NULL OR {differs}) ORDER BY n.{key}"
    )


def _delta(new: Path, prev: Path | None) -> tuple[duckdb.DuckDBPyConnection, str, list[str]]:
    """A DuckDB query of new-or-changed persons, and the ID numbers that left P."""
    con = duckdb.connect()
    if prev is None:
        return con, f"SELECT * FROM read_parquet('{new}') WHERE AAC002 IS NOT NULL ORDER BY pkey", []
    sql = changed_rows_sql(new, prev, "pkey", "n.AAC002 IS NOT NULL")
    left = con.execute(
        f"SELECT p.AAC002 FROM read_parquet('{prev}') p ANTI JOIN read_parquet('{new}') n ON n.pkey = p.pkey WHERE p.AAC002 IS NOT NULL"
    ).fetchall()
    return con, sql, [r[0] for r in left]


def registry_batch(batch: pa.RecordBatch, rules: RulesConfig) -> pa.RecordBatch:
    """`registry_row` for a whole batch, in Arrow compute (the first publish of millions)."""

    def text(name: str) -> pa.Array:
        return pc.fill_null(batch.column(name), "")

    birth = pc.if_else(pc.equal(text("AAC006"), ""), None, text("AAC006"))
    aae015 = batch.column("AAE015")
    cols: dict[str, pa.Array] = {
        "aac002": batch.column("AAC002"),
        "aae005": text("AAE005"),
        **{name.lower(): text(name) for name in ("AAC003", "AAC004", "AAC005", "AAC009", "AAC010", "AAE006")},
        "aac006": pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(birth, 0, 4),
            pc.utf8_slice_codeunits(birth, 4, 6),
            pc.utf8_slice_codeunits(birth, 6, 8),
            "-",
        ),
        "placement_id": batch.column("AAB301"),
        "population_group": batch.column("population_group"),
        "outcome": batch.column("outcome"),
        "flags": text("flags"),
        "survey_reasons": text("survey_reasons"),
        "complete": batch.column("complete"),
        "status_rules": pc.binary_join_element_wise(
            *(pc.cast(batch.column(f"{line.column}_rule"), pa.string()) for line in rules.lines), ""
        ),
        **{
            name: text(name)
            for name in ("employment_status", "employer_aab998", "employer_name", "uninsured_reason")
        },
        "aae014": pc.utf8_slice_codeunits(text("AAE014"), 0, 20),
        # Survey review times: rare, and parsed exactly as registry_row does.
        "aae015": pa.array(
            [_datetime(v).isoformat() if v else None for v in aae015.to_pylist()],  # type: ignore[union-attr]
            pa.string(),
        )
        if aae015.null_count < len(aae015)
        else pa.nulls(len(aae015), pa.string()),
        "in_population": pa.array([True] * batch.num_rows, pa.bool_()),
        **{line.column.lower(): batch.column(line.column) for line in rules.lines},
    }
    return pa.RecordBatch.from_pydict(cols)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, rules: RulesConfig) -> Iterator[dict[str, Any]]:
    reader = con.execute(sql).to_arrow_reader(BATCH)
    for batch in reader:
        for r in batch.to_pylist():
            yield registry_row(r, rules)


def _analyze(model: type[models.Model]) -> None:
    """Statistics for a table just filled by COPY. Until autovacuum analyses it (never, where it is
    off) the next run's look-ups and UPDATE … FROM are planned on a table PostgreSQL knows nothing
    about: the re-run of 1 % of 10 M persons published in 46.9 s so, in 39.7 s after this (which
    takes ~17 s once, after the first publish)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def publish_persons(
    *, run_id: int, persons_file: Path, previous_file: Path | None, rules: RulesConfig, actor: str
) -> dict[str, int]:
    if previous_file is None and not Person.objects.exists():
        # A first publish into an empty table: no look-ups, no history, everything column-wise.
        reader = pq.ParquetFile(persons_file)
        batches = (
            registry_batch(b.filter(pc.is_valid(b.column("AAC002"))), rules)
            for b in reader.iter_batches(batch_size=BATCH * 5)
        )
        with indexes_deferred(Person):
            created = persons_load_fresh(batches, actor=actor, run_id=run_id)
        _analyze(Person)
        return {"created": created, "changed": 0, "unchanged": 0, "left": 0}
    con, sql, left = _delta(persons_file, previous_file)
    try:
        counts = persons_upsert(
            _rows(con, sql, rules),
            actor=actor,
            source=f"run:{run_id}",
            reason="信息比对入库",
            run_id=run_id,
            touch=previous_file is None,
        )
    finally:
        con.close()
    if previous_file is None:
        leaving = list(
            Person.objects.filter(in_population=True).exclude(source_run=run_id).values_list("pk", flat=True)
        )
    else:
        from canbao.core.crypto import hash_aliases

        hashes = list(hash_aliases(left))  # during a key rotation: the old keys' hashes too
        leaving = (
            list(
                Person.objects.filter(in_population=True, aac002_hash__in=hashes).values_list("pk", flat=True)
            )
            if hashes
            else []
        )
    removed = persons_leave_population(
        leaving, actor=actor, source=f"run:{run_id}", reason="不再属于登记对象", run_id=run_id
    )
    return {
        "created": counts.created,
        "changed": counts.changed,
        "unchanged": counts.unchanged,
        "left": removed,
    }
