"""Reading imports and comparison runs for the data officer's pages.

Import batches and runs are city-level objects (one deployment, one tree): every account that may
import or compare sees them. What they contain about persons and units is scoped in `results.py`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from canbao.accounts.scoping import NotFoundInScope
from canbao.comparison.models import ComparisonRun, ImportBatch
from canbao.core.masking import mask_id
from canbao.engine.codes import code_name

_ID_LIKE = re.compile(r"\d{17}[\dXx]|\d{15}")


def import_batch_list() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.order_by("-created_at", "-id")


def import_batch_get(*, pk: int) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise NotFoundInScope()
    return batch


def run_list() -> QuerySet[ComparisonRun]:
    return ComparisonRun.objects.order_by("-id")


def run_get(*, pk: int) -> ComparisonRun:
    run = ComparisonRun.objects.filter(pk=pk).first()
    if run is None:
        raise NotFoundInScope()
    return run


def mask_text(text: str) -> str:
    """A reject message names a line and a column; should it quote an ID number, that is masked."""
    return _ID_LIKE.sub(lambda m: mask_id(m.group(0)), text)


class RejectRows:
    """The rejected rows of a batch, for a Paginator: from its rejects CSV (every row), else the report."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.path = Path(batch.rejects_path) if batch.rejects_path else None
        if self.path is not None and not self.path.is_file():
            self.path = None

    def count(self) -> int:
        if self.path is None:
            return len(self.batch.report.get("rejects", []))
        return int(self.batch.rejected)

    def __len__(self) -> int:
        return self.count()

    def _all(self) -> Iterator[dict[str, Any]]:
        if self.path is None:
            yield from self.batch.report.get("rejects", [])
            return
        with self.path.open(encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        rows = islice(self._all(), key.start or 0, key.stop)
        return [
            {
                "line": r.get("line", ""),
                "column": r.get("column", ""),
                "reason": r.get("reason", ""),
                "reason_name": code_name("reject_reason", r.get("reason")) or "",
                "message": mask_text(str(r.get("message", ""))),
            }
            for r in rows
        ]
