"""The first publish into an empty table (column-wise) writes exactly what the row-wise upsert writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from tests.factories import make_id

from canbao.comparison.publish import _rows, publish_persons
from canbao.core import crypto
from canbao.engine.compare.config import load_rules
from canbao.engine.compare.pipeline import output_schemas
from canbao.registry.models import Person
from canbao.registry.services import persons_upsert


def _persons_file(path: Path) -> Path:
    rules = load_rules()
    schema = output_schemas(rules)["persons"][0]
    rows: list[dict[str, Any]] = []
    for i in range(7):
        number = make_id("320102", f"19{70 + i}0101", 40 + i)
        row: dict[str, Any] = {name: None for name in schema.names}
        row.update(
            pkey=number, AAC002=number, AAC003=f"张{i}" if i != 3 else None, AAC004="1", AAC006=f"19{70 + i}0101",
            AAC009="10" if i % 2 else None, AAC010="测试路1号", AAB301="320102001001" if i % 2 else "320104002001",
            AAE006='含"引号",逗号\n换行' if i == 2 else "", AAE005=f"1390000{i:04d}" if i % 3 else None,
            AAC005="01", outcome=4, flags="NAME_MISMATCH" if i == 1 else "", survey_reasons="UNINSURED;PARTIAL",
            population_group=1 + i % 2, complete=i % 2 == 0, employment_status="1" if i == 5 else None,
            AAE014="复核人" * 10 if i == 6 else None, AAE015="2026-09-01T08:30:00" if i == 6 else None,
        )  # fmt: skip
        if i == 4:
            row["AAC006"] = ""
        for n, line in enumerate(rules.lines):
            row[line.column], row[f"{line.column}_rule"] = ("11", 1) if n == 0 else ("91", 7)
        rows.append(row)
    rows.append({**rows[0], "pkey": "#survey-1", "AAC002": None})  # no ID number: never published
    table = pa.Table.from_pylist(sorted(rows, key=lambda r: r["pkey"]), schema=schema)
    pq.write_table(table, path)
    return path


def _snapshot() -> list[dict[str, Any]]:
    out = []
    for p in Person.objects.order_by("aac001"):
        row = {f.attname: getattr(p, f.attname) for f in Person._meta.concrete_fields}
        for key in ("id", "created_at", "updated_at", "aae036"):
            row.pop(key)
        for field in ("aac002", "aae005"):
            cipher = row.pop(f"{field}_cipher")
            row[field] = crypto.decrypt_checked(cipher, row[f"{field}_hash"]) if cipher else ""
        out.append(row)
    return out


def test_first_publish_writes_what_the_upsert_writes(city, tmp_path: Path) -> None:
    Person.objects.all().delete()
    rules = load_rules()
    persons = _persons_file(tmp_path / "persons.parquet")
    counts = publish_persons(run_id=7, persons_file=persons, previous_file=None, rules=rules, actor="测试")
    assert counts["created"] == 7
    fast = _snapshot()
    Person.objects.all().delete()
    con = duckdb.connect()
    sql = f"SELECT * FROM read_parquet('{persons}') WHERE AAC002 IS NOT NULL ORDER BY pkey"
    persons_upsert(_rows(con, sql, rules), actor="测试", source="run:7", run_id=7)
    slow = _snapshot()
    assert len(slow) == 7
    assert fast == slow
    assert any(r["aae005"] == "" for r in fast) and any(r["aae015"] is not None for r in fast)


def test_first_publish_leaves_statistics_for_the_next_run(city, tmp_path: Path) -> None:
    # The first publish fills the table by COPY; without ANALYZE, PostgreSQL (autovacuum off, or not
    # yet come by) plans the next run's look-ups and UPDATE … FROM on a table it knows nothing about.
    from django.db import connection

    Person.objects.all().delete()
    persons = _persons_file(tmp_path / "persons.parquet")
    publish_persons(run_id=7, persons_file=persons, previous_file=None, rules=load_rules(), actor="测试")
    assert Person.objects.count() == 7
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'registry_person'")
            assert cursor.fetchone()[0] > 10  # a row per analysed column
