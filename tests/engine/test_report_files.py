"""The files derived from persons.parquet for the reports give the same report, dashboard and drill-down."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.engine.test_quarterly import AREAS, ROWS, person

from canbao.engine.compare.config import load_rules
from canbao.engine.compare.pipeline import output_schemas
from canbao.engine.report import dashboard, files
from canbao.engine.report.quarterly import TOTAL, Area, cell_condition, compute, drill

PREFIX = "320102"


def pipeline_persons(tmp_path: Path) -> str:
    """Persons as the pipeline writes them (full schema, sorted by pkey); several share every combination."""
    rows = [
        {**r, "pkey": f"{r['pkey']}-{copy}", "AAC002": f"{r['pkey']}-{copy}", "complete": copy % 2 == 0,
         "uninsured_reason": "20" if r["AIC003"] == "91" else ""}
        for copy in range(3) for r in [*ROWS, person("q1", "320102001001", 3, 1), person("q2", "320102009009", 1, 1)]
    ]  # fmt: skip
    schema = output_schemas(load_rules())["persons"][0]
    table = pa.Table.from_pylist([{name: r.get(name) for name in schema.names} for r in rows], schema=schema)
    path = tmp_path / "persons.parquet"
    pq.write_table(table.sort_by("pkey"), path, row_group_size=4)
    return str(path)


def everything(path: str) -> tuple[object, ...]:
    report = compute(path, node_prefix=PREFIX, areas=AREAS, col1={})
    board = dashboard.compute(path, node_prefix=PREFIX, areas=AREAS)
    drills = [
        drill(path, node_prefix=PREFIX, areas=AREAS, condition=cond, row=row, limit=limit, offset=offset)
        for cond in [cell_condition(c) for c in (2, 7, 9, 10, 14)] + [b.condition for b in report.breaches]
        for row in [None, *(a.code for a in AREAS)]
        for limit, offset in ((4, 0), (4, 4), (2, 5), (0, 0))
    ]
    trend = dashboard.run_trend([("r", path)], node_prefix=PREFIX)
    return report, board, drills, trend


def test_same_results_with_and_without_the_derived_files(tmp_path: Path) -> None:
    path = pipeline_persons(tmp_path)
    before = everything(path)
    report = before[0]
    assert {(b.row, b.column) for b in report.breaches} >= {(TOTAL, "2"), ("320102001000", "1")}  # type: ignore[attr-defined]
    timings = files.prepare(path, row_group=3)  # several row groups: pages are read across them
    assert set(timings) == {"report_counts", "persons_by_area"}
    counts = pq.read_table(tmp_path / files.COUNTS)
    assert counts.num_rows == 2 * (len(ROWS) + 2)  # copies 0 and 2 share a row; copy 1 differs in `complete`
    assert sum(counts.column("n").to_pylist()) == 3 * (len(ROWS) + 2)
    by_area = pq.read_table(tmp_path / files.BY_AREA)
    assert by_area.column("AAB301").to_pylist() == sorted(by_area.column("AAB301").to_pylist())
    assert not list(tmp_path.glob(".*partial"))
    assert everything(path) == before


def test_area_filters_are_ranges_pushed_into_the_scan(tmp_path: Path) -> None:
    """A range on AAB301 reaches the Parquet scan, where row-group statistics skip other areas."""
    path = pipeline_persons(tmp_path)
    files.prepare(path)
    plan = duckdb.sql(
        f"EXPLAIN SELECT pkey FROM read_parquet('{tmp_path / files.BY_AREA}') WHERE {files.area_range('3201020')}"  # noqa: S608
    ).fetchall()[0][1]
    assert "AAB301>='3201020'" in plan.replace(" ", "")


@pytest.mark.parametrize(
    ("prefix", "inside", "outside"),
    [("320102", "320102999999", "320103000000"), ("3201029", "320102999999", "320102899999"),
     ("32010", "320109000000", "320110000000")],
)  # fmt: skip
def test_area_range_is_exactly_the_prefix(prefix: str, inside: str, outside: str) -> None:
    sql = f"SELECT {files.area_range(prefix)} FROM (VALUES ('{inside}'), ('{outside}')) t(AAB301)"  # noqa: S608
    assert [r[0] for r in duckdb.sql(sql).fetchall()] == [True, False]
    with pytest.raises(ValueError):
        files.area_range("32' OR 1=1")
    with pytest.raises(ValueError):
        Area("", "x", "")
