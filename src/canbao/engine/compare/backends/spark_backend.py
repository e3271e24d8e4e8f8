"""Spark: the same steps, transpiled from DuckDB's dialect by sqlglot, run as temporary views.

Local mode in tests; on a cluster set SPARK_MASTER (and the usual spark-submit configuration): see
docs/spark.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pyarrow as pa
import sqlglot


def transpile(sql: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


class SparkBackend:
    name = "spark"

    def __init__(self) -> None:
        from pyspark.sql import SparkSession

        master = os.environ.get("SPARK_MASTER", "local[2]")
        builder = SparkSession.builder.master(master)
        if master.startswith("local"):
            # Local mode talks to itself only: bind the driver to loopback, never to a LAN address.
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
                "spark.driver.host", "127.0.0.1"
            )
        self.spark = (
            builder.appName("canbao-compare")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", os.environ.get("CANBAO_SPARK_PARTITIONS", "4"))
            .config("spark.ui.enabled", "false")
            .config("spark.sql.ansi.enabled", "false")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self._views: list[str] = []

    def register_parquet(
        self, name: str, files: list[tuple[str, int, str]], where: str | None = None
    ) -> None:
        from pyspark.sql import functions as F

        frame = None
        for path, order, as_of in files:
            part = (
                self.spark.read.parquet(path)
                .withColumn("_file", F.lit(order).cast("int"))
                .withColumn("_as_of", F.lit(as_of))
            )
            if where:
                part = part.filter(where)
            frame = part if frame is None else frame.unionByName(part, allowMissingColumns=True)
        assert frame is not None
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        rows = [
            tuple(row.values()) for row in table.to_pylist()
        ]  # small tables only: config, divisions, surveys
        frame = self.spark.createDataFrame(rows, schema=_spark_schema(table.schema))
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def run_step(self, name: str, sql: str, *, materialize: bool = True) -> None:
        frame = self.spark.sql(transpile(sql))
        if materialize:
            frame = frame.localCheckpoint(eager=True)  # cut the lineage: later steps reuse it many times
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def fetch_batches(self, name: str, columns: list[str], order_by: list[str]) -> Iterator[pa.RecordBatch]:
        frame = self.spark.table(name).orderBy(*order_by).select(*columns)
        yield from frame.toArrow().to_batches()

    def close(self) -> None:
        for view in self._views:
            self.spark.catalog.dropTempView(view)
        self._views.clear()


def _spark_schema(schema: pa.Schema):  # type: ignore[no-untyped-def]
    from pyspark.sql import types as T

    mapping = {
        pa.string(): T.StringType(),
        pa.int64(): T.LongType(),
        pa.int32(): T.IntegerType(),
        pa.bool_(): T.BooleanType(),
    }
    return T.StructType([T.StructField(f.name, mapping[f.type], True) for f in schema])
