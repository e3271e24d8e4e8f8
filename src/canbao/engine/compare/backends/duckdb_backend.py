from __future__ import annotations

import tempfile
from collections.abc import Iterator

import pyarrow as pa

from canbao.engine import duck


class DuckDBBackend:
    name = "duckdb"

    def __init__(
        self, *, memory_limit: str | None = None, threads: int | None = None, on_disk: bool = False
    ) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="canbao-duckdb-")
        # Large inputs: a database file, not an in-memory database. The steps' tables (tens of
        # millions of insurance rows at 10 M persons) then live in DuckDB's buffer pool and go to
        # disk past the memory limit, where in-memory tables cannot (out of memory at 10 M persons
        # with 4 GB). It costs ~50 % more CPU (tables are compressed as they are written).
        self.con = duck.connect(self._tmp.name, on_disk=on_disk, memory_limit=memory_limit)
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")

    def register_parquet(
        self, name: str, files: list[tuple[str, int, str]], where: str | None = None
    ) -> None:
        cond = f" WHERE {where}" if where else ""
        parts = [
            f"SELECT *, CAST({order} AS INTEGER) AS _file, '{as_of}' AS _as_of FROM read_parquet('{duck.sql_text(path)}'){cond}"
            for path, order, as_of in files
        ]
        # A view: the Parquet files are read where the steps need them, never copied into DuckDB.
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {' UNION ALL BY NAME '.join(parts)}")

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self.con.register(f"_arrow_{name}", table)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _arrow_{name}")
        self.con.unregister(f"_arrow_{name}")

    def run_step(self, name: str, sql: str, *, materialize: bool = True) -> None:
        kind = "TABLE" if materialize else "VIEW"
        self.con.execute(f"CREATE OR REPLACE {kind} {name} AS {sql}")

    def fetch_batches(self, name: str, columns: list[str], order_by: list[str]) -> Iterator[pa.RecordBatch]:
        sql = f"SELECT {', '.join(columns)} FROM {name} ORDER BY {', '.join(order_by)}"
        reader = self.con.execute(sql).to_arrow_reader(100_000)
        yield from reader

    def close(self) -> None:
        self.con.close()
        self._tmp.cleanup()
