"""Two files derived from a run's persons.parquet, written next to it once, so reports need not scan it.

persons.parquet is sorted by pkey (the ID number), so every question about an area reads all its rows:
at 10 M persons that is seconds for each report, dashboard and drill-down page. Written once when the
run is made (and again by `prepare` if missing, e.g. for a run made before these files existed):

- report_counts.parquet: how many persons (`n`) share each combination of the columns that every
  report condition and dashboard figure reads (COUNT_COLUMNS). The report and the dashboard sum `n`
  where they counted rows, so their conditions stay the same SQL, and they read thousands of rows, not
  millions.
- persons_by_area.parquet: the persons again, only the columns a drill-down shows or filters on,
  sorted by (AAB301, pkey) in small row groups: a filter on an area's code range skips every row group
  outside the area (min/max statistics), so a county's or a village's drill-down reads only its own.

Both hold nothing that persons.parquet does not hold, in the same folder (same protection). Readers
fall back to persons.parquet when a file is absent, with the same results.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import duckdb

from canbao.engine import duck

COUNTS = "report_counts.parquet"
BY_AREA = "persons_by_area.parquet"
COUNT_COLUMNS = ("AAB301", "population_group", "outcome", "AIC003", "AKC003", "ALC003", "AJC003", "AMC003",
                 "flags", "survey_reasons", "complete", "uninsured_reason")  # fmt: skip
LIST_COLUMNS = ("pkey", "AAC002", "AAC003", "AAC004")
ROW_GROUP = 100_000  # persons_by_area: ~10 groups for a county of a 10 M city, one or two for a village


def derived(persons: str | Path, name: str) -> Path | None:
    """The derived file `name` of this persons.parquet, if it has been written."""
    path = Path(persons).with_name(name)
    return path if path.is_file() else None


def prepare(persons: str | Path, *, row_group: int = ROW_GROUP) -> dict[str, float]:
    """Write both files next to `persons` (each atomically: a reader sees the whole file or none)."""
    persons = Path(persons)
    source = f"read_parquet('{duck.sql_text(persons)}')"
    counted = ", ".join(COUNT_COLUMNS)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="canbao-report-") as spill, duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = true")  # the file order is the drill-down's order
        # Bounded like the comparison engine (the sort of 10 M persons would take most of the machine).
        con.execute(f"SET memory_limit = '{os.environ.get('CANBAO_DUCKDB_MEMORY', '4GB')}'")
        con.execute(f"SET temp_directory = '{spill}'")
        for name, sql, group in (
            (COUNTS, f"SELECT {counted}, count(*) AS n FROM {source} GROUP BY ALL ORDER BY ALL", row_group),  # noqa: S608
            (BY_AREA, f"SELECT {', '.join(LIST_COLUMNS)}, {counted} FROM {source} ORDER BY AAB301, pkey",  # noqa: S608
             row_group),
        ):  # fmt: skip
            start = time.perf_counter()
            target = persons.with_name(name)
            partial = target.with_name(f".{name}.partial")
            con.execute(
                f"COPY ({sql}) TO '{duck.sql_text(partial)}' "
                f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {group})"
            )
            os.replace(partial, target)
            timings[name.removesuffix(".parquet")] = time.perf_counter() - start
    return timings


def area_range(prefix: str) -> str:
    """SQL for "AAB301 starts with the digits `prefix`" as a range, which row-group statistics can prune."""
    if not prefix.isdigit():
        raise ValueError(f"区划代码无效：{prefix!r}")
    # Exactly the strings starting with the prefix: [prefix, prefix with its last character raised by one)
    # ('9' + 1 is ':').
    return f"(AAB301 >= '{prefix}' AND AAB301 < '{prefix[:-1]}{chr(ord(prefix[-1]) + 1)}')"


def code_between(first: str, last: str) -> str:
    """SQL for `first <= AAB301 <= last`: literals, not parameters, because DuckDB pushes constant
    comparisons into the Parquet scan, whose row-group statistics then skip everything outside."""
    return f"(AAB301 >= '{duck.sql_text(first)}' AND AAB301 <= '{duck.sql_text(last)}')"
