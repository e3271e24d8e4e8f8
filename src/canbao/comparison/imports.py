"""Importing one source extract: raw store, validation, staging, the import report, the audit record."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from django.db import transaction

from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.models import ImportBatch
from canbao.comparison.rawstore import file_sha256, store_raw
from canbao.core.home import sub
from canbao.divisions.services import divisions_load, known_area_codes
from canbao.engine.io.errors import ExtractRefused
from canbao.engine.io.extract import read_extract
from canbao.engine.io.mapping import Mapping, load_mapping
from canbao.engine.kinds import KINDS


@dataclass
class ImportOutcome:
    kind: str
    as_of: str
    file: str
    sha256: str
    encoding: str | None
    rows_read: int
    accepted: int
    rejected: int
    duplicate_file: bool
    rejects: list[dict[str, Any]] = field(default_factory=list)
    format: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    batch_id: int | None = None
    id_converted: int = 0
    id_invalid: int = 0

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def import_extract(
    *,
    path: Path,
    kind: str,
    as_of: dt.date,
    actor: AuditActor,
    mapping_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import `path` as an extract of `kind` taken on `as_of`. Raises ExtractRefused: nothing imported."""
    if kind not in KINDS:
        raise ExtractRefused(f"未知的数据类别 {kind}（可用：{'、'.join(KINDS)}）")
    if not path.is_file():
        raise ExtractRefused(f"{path}：文件不存在")
    mapping: Mapping | None = load_mapping(mapping_path) if mapping_path else None
    sha = file_sha256(path)
    previous = ImportBatch.objects.filter(sha256=sha, kind=kind).first()
    if previous is not None:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="import",
                object_type="extract",
                object_ref=f"{kind}:{sha[:16]}",
                result="duplicate",
                detail={"file": path.name, "batch": previous.pk},
            )
        report = previous.report
        return ImportOutcome(
            kind=kind, as_of=previous.as_of.isoformat(), file=path.name, sha256=sha, encoding=previous.encoding or None,
            rows_read=previous.rows_read, accepted=previous.accepted, rejected=previous.rejected, duplicate_file=True,
            rejects=report.get("rejects", []), format=previous.format, ignored_columns=report.get("ignored_columns", []),
            batch_id=previous.pk,
        )  # fmt: skip
    raw = store_raw(path, sha)  # kept even when refused, for inspection
    staged_dir = sub("staged", kind)
    tmp = staged_dir / f".{sha}.parquet.part"
    try:
        result = read_extract(
            path, kind, out_path=tmp, mapping=mapping,
            known_areas=known_area_codes() if kind == "household_register" else None, progress=progress,
        )  # fmt: skip
        with transaction.atomic():
            if kind == "divisions":
                _load_divisions(tmp, result)
            staged = staged_dir / f"{as_of.isoformat()}-{sha[:16]}.parquet"
            rejects = [r.as_dict() for r in result.rejects]
            rejects_path = _write_rejects(staged.with_suffix(".rejects.csv"), rejects)
            batch = ImportBatch.objects.create(
                kind=kind, as_of=as_of, file_name=path.name, sha256=sha, format=result.format,
                encoding=result.encoding or "", raw_path=str(raw), staged_path=str(staged),
                rejects_path=str(rejects_path or ""), rows_read=result.rows_read, accepted=result.accepted,
                rejected=result.rejected, created_by=actor.name,
                report={"rejects": rejects[:1000], "ignored_columns": result.ignored_columns,
                        "header_map": result.header_map, "id_converted": result.id_converted,
                        "id_invalid": result.id_invalid},
            )  # fmt: skip
            audit_record(
                actor=actor, action="import", object_type="extract", object_ref=f"{kind}:{sha[:16]}",
                detail={"file": path.name, "batch": batch.pk, "rows_read": result.rows_read,
                        "accepted": result.accepted, "rejected": result.rejected, "as_of": as_of.isoformat()},
            )  # fmt: skip
            os.replace(tmp, staged)
    except ExtractRefused as exc:
        tmp.unlink(missing_ok=True)
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="import",
                object_type="extract",
                object_ref=f"{kind}:{sha[:16]}",
                result="refused",
                detail={"file": path.name, "reason": str(exc)},
            )
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ImportOutcome(
        kind=kind, as_of=as_of.isoformat(), file=path.name, sha256=sha, encoding=result.encoding,
        rows_read=result.rows_read, accepted=result.accepted, rejected=result.rejected, duplicate_file=False,
        rejects=rejects, format=result.format, ignored_columns=result.ignored_columns, batch_id=batch.pk,
        id_converted=result.id_converted, id_invalid=result.id_invalid,
    )  # fmt: skip


def _load_divisions(staged: Path, result: Any) -> None:
    rows = pq.read_table(staged).to_pylist()
    _, refused = divisions_load(rows)
    if refused:
        # Tree checks happen after row checks: move those rows from accepted to rejected, and drop
        # them from the staged file so that it holds exactly the accepted rows.
        lines = {int(r["_line"]) for r, _ in refused}
        table = pq.read_table(staged)
        keep = [i for i, line in enumerate(table.column("_line").to_pylist()) if line not in lines]
        pq.write_table(table.take(keep), staged, compression="zstd")
        result.accepted -= len(refused)
        result.rejected += len(refused)
        result.rejects.extend(rej for _, rej in refused)
        result.rejects.sort(key=lambda r: r.line)


def _write_rejects(path: Path, rejects: list[dict[str, Any]]) -> Path | None:
    if not rejects:
        return None
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["line", "column", "reason", "message"])
        writer.writeheader()
        writer.writerows(rejects)
    return path


def latest_batches(kind: str, as_of: dt.date) -> list[ImportBatch]:
    """The files of `kind` with the latest as-of date on or before `as_of` (together: that kind's extract)."""
    latest = (
        ImportBatch.objects.filter(kind=kind, as_of__lte=as_of)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if latest is None:
        return []
    return list(ImportBatch.objects.filter(kind=kind, as_of=latest).order_by("id"))
