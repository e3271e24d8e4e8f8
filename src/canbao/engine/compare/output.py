"""Writing the comparison's result files, and the run's counts gathered as they are written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from canbao.engine.compare.steps import FLAG_ORDER, REASON_ORDER

ROW_GROUP = 1_000_000


class RowGroupWriter:
    """Write ordered batches as `pq.write_table(whole, row_group_size=ROW_GROUP)` would (the same
    bytes: one contiguous row group of ROW_GROUP rows at a time), holding one row group in memory
    instead of the whole output (ten million persons). `add` and `close` return the row groups
    written."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema = path, schema
        self.pending: list[pa.RecordBatch] = []
        self.rows = 0
        self.wrote = False
        self.writer: pq.ParquetWriter | None = pq.ParquetWriter(path, schema, compression="zstd")

    def add(self, batch: pa.RecordBatch) -> list[pa.Table]:
        assert self.writer is not None
        groups = []
        self.pending.append(batch)
        self.rows += batch.num_rows
        while self.rows >= ROW_GROUP:
            table = pa.Table.from_batches(self.pending)
            groups.append(self._write(table.slice(0, ROW_GROUP)))
            rest = table.slice(ROW_GROUP)
            self.pending, self.rows = rest.to_batches(), rest.num_rows
        return groups

    def close(self) -> list[pa.Table]:
        groups = []
        if self.rows or not self.wrote:  # an empty output is one empty row group, as write_table makes it
            pending = self.pending
            groups.append(
                self._write(
                    pa.Table.from_batches(pending, schema=pending[0].schema)
                    if pending
                    else self.schema.empty_table()
                )
            )
        assert self.writer is not None
        self.writer.close()
        self.writer = None
        return groups

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def _write(self, table: pa.Table) -> pa.Table:
        assert self.writer is not None
        group = _conform(table, self.schema)
        self.writer.write_table(group, row_group_size=ROW_GROUP)
        self.wrote = True
        return group


def write_parquet(batches: Iterator[pa.RecordBatch], schema: pa.Schema, path: Path) -> Iterator[pa.Table]:
    """All of `batches` written by a RowGroupWriter; yields each row group written."""
    writer = RowGroupWriter(path, schema)
    try:
        for batch in batches:
            yield from writer.add(batch)
        yield from writer.close()
    finally:
        writer.abort()


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
