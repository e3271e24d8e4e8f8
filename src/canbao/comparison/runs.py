"""Running a comparison: gather the latest extracts, run the engine, publish, record the run."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import transaction
from django.utils import timezone

from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.imports import latest_batches
from canbao.comparison.models import ComparisonRun
from canbao.comparison.publish import changed_rows_sql, publish_persons
from canbao.core.home import sub
from canbao.divisions.models import Division
from canbao.engine.compare.config import load_rules
from canbao.engine.compare.pipeline import INPUT_KINDS, ExtractFile, run_comparison
from canbao.registry.services import units_upsert


class CompareRefused(Exception):
    """Cannot run (no divisions, no household register): the reason in Chinese."""


def top_node() -> Division:
    """The node this deployment serves: from the root down while a node has a single child.

    A city's divisions file usually carries its province as the root; persons whose placement is not
    in the tree fall back to this node (comparison-rules.md §2 leaves no one unplaced), and it must be
    one the city's own accounts can see.
    """
    node = Division.objects.filter(parent__isnull=True).order_by("level", "code").first()
    if node is None:
        raise CompareRefused("尚未导入行政区划（divisions），无法比对")
    while True:
        children = list(Division.objects.filter(parent=node).order_by("code")[:2])
        if len(children) != 1:
            return node
        node = children[0]


def divisions_table() -> pa.Table:
    rows = list(Division.objects.values_list("code", "level", "parent_id"))
    return pa.table(
        {
            "AAB301": [r[0] for r in rows],
            "level": pa.array([r[1] for r in rows], pa.int32()),
            "parent": [r[2] for r in rows],
        }
    )


def gather_inputs(as_of: dt.date) -> tuple[dict[str, list[ExtractFile]], list[dict[str, Any]]]:
    extracts: dict[str, list[ExtractFile]] = {}
    record: list[dict[str, Any]] = []
    for kind in INPUT_KINDS:
        for order, batch in enumerate(latest_batches(kind, as_of)):
            extracts.setdefault(kind, []).append(ExtractFile(kind, batch.staged_path, batch.as_of, order))
            record.append(
                {
                    "kind": kind,
                    "order": order,
                    "file": batch.file_name,
                    "sha256": batch.sha256,
                    "as_of": batch.as_of.isoformat(),
                    "batch": batch.pk,
                }
            )
    if "household_register" not in extracts:
        raise CompareRefused(f"{as_of} 及以前没有公安户籍人口（household_register）数据，无法比对")
    return extracts, record


def latest_published_run() -> ComparisonRun | None:
    return ComparisonRun.objects.filter(published=True).order_by("-id").first()


def comparison_run(
    *,
    as_of: dt.date,
    actor: AuditActor,
    backend: str = "duckdb",
    rules_path: Path | None = None,
    progress: Callable[[str], None] | None = None,
    run: ComparisonRun | None = None,
) -> ComparisonRun:
    """Run and publish. A run that fails leaves the database as it was (the run record says why)."""
    rules = load_rules(rules_path)
    try:
        top = top_node()
        extracts, record = gather_inputs(as_of)
    except CompareRefused as exc:
        if run is not None:
            ComparisonRun.objects.filter(pk=run.pk).update(
                status="failed", error=str(exc), finished_at=timezone.now(), progress="未运行"
            )
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="compare",
                object_type="run",
                object_ref=as_of.isoformat(),
                result="refused",
                detail={"reason": str(exc)},
            )
        raise
    if run is None:
        run = ComparisonRun.objects.create(
            as_of=as_of,
            backend=backend,
            rules_version=rules.version,
            rules_digest=rules.digest,
            inputs=record,
            started_by=actor.name,
        )
    else:
        run.inputs, run.rules_version, run.rules_digest = record, rules.version, rules.digest
        run.save(update_fields=["inputs", "rules_version", "rules_digest"])
    result_dir = sub("runs", str(run.pk))
    previous = latest_published_run()

    def step(name: str, i: int, n: int) -> None:
        text = f"比对步骤 {i}/{n}：{name}"
        ComparisonRun.objects.filter(pk=run.pk).update(progress=text)
        if progress:
            progress(text)

    try:
        survey = survey_input(as_of)
        if survey is not None:  # the run record names this input too, with a digest of its rows
            digest = hashlib.sha256(str(survey.to_pydict()).encode()).hexdigest()
            run.inputs = [*record, {"kind": "survey_result", "order": 0, "file": "(入户调查审定结果)",
                                    "sha256": digest, "as_of": as_of.isoformat(), "rows": survey.num_rows}]  # fmt: skip
            run.save(update_fields=["inputs"])
        result = run_comparison(
            extracts=extracts, divisions=divisions_table(), as_of=as_of, out_dir=result_dir, top_node=top.code,
            survey=survey, rules=rules, backend=backend, progress=step,
        )  # fmt: skip
        if progress:
            progress("入库中")
        t0 = time.perf_counter()
        with transaction.atomic():
            prev_file = (
                Path(previous.result_dir) / "persons.parquet" if previous and previous.result_dir else None
            )
            counts = publish_persons(
                run_id=run.pk,
                persons_file=result.outputs["persons"],
                previous_file=prev_file if prev_file and prev_file.exists() else None,
                rules=rules,
                actor=actor.name,
            )
            counts["unchanged"] = int(result.counts["persons"]) - counts["created"] - counts["changed"]  # type: ignore[call-overload]
            prev_units = (
                Path(previous.result_dir) / "units.parquet" if previous and previous.result_dir else None
            )
            units = units_upsert(
                _unit_rows(
                    result.outputs["units"], prev_units if prev_units and prev_units.exists() else None
                ),
                actor=actor.name,
                source=f"run:{run.pk}",
                reason="信息比对入库",
                run_id=run.pk,
            )
            counts.update({"units_created": units.created, "units_changed": units.changed})
            run.status, run.published, run.result_dir = "done", True, str(result_dir)
            run.counts, run.publish_counts = result.counts, counts
            run.timings = {
                **{k: round(v, 3) for k, v in result.timings.items()},
                "publish": round(time.perf_counter() - t0, 3),
            }
            run.finished_at, run.progress = timezone.now(), "已完成"
            run.save()
            audit_record(
                actor=actor,
                action="compare",
                object_type="run",
                object_ref=f"run:{run.pk}",
                detail={"as_of": as_of.isoformat(), "persons": result.counts["persons"], **counts},
            )
    except BaseException as exc:
        shutil.rmtree(result_dir, ignore_errors=True)
        ComparisonRun.objects.filter(pk=run.pk).update(
            status="failed",
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            progress="失败",
        )
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="compare",
                object_type="run",
                object_ref=f"run:{run.pk}",
                result="failed",
                detail={"error": str(exc)[:500]},
            )
        raise
    run.refresh_from_db()
    return run


def _unit_rows(path: Path, previous: Path | None = None):  # type: ignore[no-untyped-def]
    """The units to upsert: all of them the first time, else only those new or changed since the
    previous published run (diffed in DuckDB, like the persons)."""
    if previous is None:
        table = pq.read_table(path)
    else:
        import duckdb

        table = duckdb.connect().execute(changed_rows_sql(path, previous, "ukey")).to_arrow_table()
    for r in table.to_pylist():
        yield {
            "ukey": r["ukey"], "aab998": r["AAB998"] or "", "aab001": r["AAB001"] or "", "aab004": r["AAB004"] or "",
            "aab019": r["AAB019"] or "", "placement_id": r["AAB301"], "aae006": r["AAE006"] or "",
            "credit_code_valid": r["credit_code_valid"], "needs_survey": r["needs_survey"], "survey_reasons": r["survey_reasons"] or "",
        }  # fmt: skip


def survey_input(as_of: dt.date) -> pa.Table | None:
    """Accepted survey results (comparison-rules.md §6) up to the as-of date."""
    from canbao.survey.results import survey_table

    return survey_table(as_of)
