"""Execution backends for the comparison steps: DuckDB (default, in-process) and Spark."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pyarrow as pa


class Backend(Protocol):
    name: str

    def register_parquet(
        self, name: str, files: list[tuple[str, int, str]], where: str | None = None
    ) -> None:
        """Expose the union of `files` (path, file order, as-of YYYYMMDD) as table `name`; with
        `where` (a condition on the files' columns), only the rows that meet it."""

    def register_arrow(self, name: str, table: pa.Table) -> None: ...

    def run_step(self, name: str, sql: str, *, materialize: bool = True) -> None:
        """Make `sql` (DuckDB dialect) available as `name`: a table, or a view when not `materialize`."""

    def fetch_batches(self, name: str, columns: list[str], order_by: list[str]) -> Iterator[pa.RecordBatch]:
        """`columns` of the rows of `name` ordered by `order_by` (columns of `name`, maybe not among
        `columns`), in batches (never all in memory at once)."""

    def close(self) -> None: ...


def get_backend(
    name: str, *, memory_limit: str | None = None, threads: int | None = None, on_disk: bool = False
) -> Backend:
    if name == "duckdb":
        from canbao.engine.compare.backends.duckdb_backend import DuckDBBackend

        return DuckDBBackend(memory_limit=memory_limit, threads=threads, on_disk=on_disk)
    if name == "spark":
        from canbao.engine.compare.backends.spark_backend import SparkBackend

        return SparkBackend()
    raise ValueError(f"未知的比对后端 {name}（可用：duckdb、spark）")
