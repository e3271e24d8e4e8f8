"""The kinds of background job, as data: what each runs, and which capability its account needs.

A handler gets a `JobContext` (the job, the account it runs as, a progress callback) and returns the
job's result (JSON). It raises `JobRefused` with a Chinese reason for work that cannot be done (a
refused extract, no register to compare); anything else is a failure the log explains.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from canbao.audit.services import AuditActor
from canbao.jobs.models import Job


class JobRefused(Exception):
    """The work cannot be done; the message (Chinese) is shown to the account that asked for it."""


@dataclass
class JobContext:
    job: Job
    actor: AuditActor
    # What an interrupted earlier attempt recorded (e.g. the run it had started), else {}.
    previous_result: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    progress_every: float = 1.0
    _last: float = 0.0
    _last_text: str = ""

    def progress(self, text: str, *, throttle: bool = False) -> None:
        """Show `text` as the job's progress (it also beats the heart).

        `throttle` is for a stream of counts (rows read): at most one write a second. Steps are
        written every time, so the last one before a long phase is the one on screen.
        """
        now = time.monotonic()
        if text == self._last_text or (throttle and now - self._last < self.progress_every):
            return
        self._last, self._last_text = now, text
        Job.objects.filter(pk=self.job.pk).update(progress=text[:200], heartbeat_at=timezone.now())

    def set_result(self, **values: Any) -> None:
        """Record part of the result now (e.g. the run a comparison has started), for the status page."""
        self.result.update(values)
        Job.objects.filter(pk=self.job.pk).update(result=self.result)


@dataclass(frozen=True)
class JobKind:
    key: str
    name_zh: str
    capability: str  # the account that enqueued the job must still hold it when the job runs
    handler: Callable[[JobContext], dict[str, Any]]
    public_params: tuple[str, ...] = ()  # the params that may be shown and audited (never paths)


JOB_KINDS: dict[str, JobKind] = {}


def register_kind(kind: JobKind) -> None:
    JOB_KINDS[kind.key] = kind


def get_kind(key: str) -> JobKind:
    try:
        return JOB_KINDS[key]
    except KeyError:
        raise KeyError(f"未知的任务类别 {key}") from None


def _run_import(ctx: JobContext) -> dict[str, Any]:
    from canbao.comparison.background import upload_discard
    from canbao.comparison.imports import import_extract
    from canbao.engine.io.errors import ExtractRefused

    p = ctx.job.params
    try:
        outcome = import_extract(
            path=Path(p["path"]),
            kind=p["kind"],
            as_of=dt.date.fromisoformat(p["as_of"]),
            actor=ctx.actor,
            mapping_path=Path(p["mapping"]) if p.get("mapping") else None,
            progress=lambda rows: ctx.progress(f"已读取 {rows:,} 行", throttle=True),
        )
    except ExtractRefused as exc:
        raise JobRefused(f"导入失败：{exc}") from exc
    finally:
        # The raw store keeps the bytes; the upload is only the way in. A worker that dies before
        # this point leaves it for the re-queued attempt.
        upload_discard(Path(p["path"]).parent)
    return {
        "batch": outcome.batch_id,
        "duplicate": outcome.duplicate_file,
        "rows_read": outcome.rows_read,
        "accepted": outcome.accepted,
        "rejected": outcome.rejected,
    }


def _run_compare(ctx: JobContext) -> dict[str, Any]:
    from canbao.comparison.models import ComparisonRun
    from canbao.comparison.runs import CompareRefused, comparison_run, gather_inputs, top_node
    from canbao.engine.compare.config import load_rules

    as_of = dt.date.fromisoformat(ctx.job.params["as_of"])
    interrupted = ctx.previous_result.get("run")
    if interrupted:
        _fail_run(interrupted, "处理进程中断，比对已重新排队")
    try:
        rules = load_rules()
        top_node()
        _, inputs = gather_inputs(as_of)
    except CompareRefused as exc:
        raise JobRefused(f"比对未运行：{exc}") from exc
    # The run record exists from the start so that the status page can link to it while it runs.
    run = ComparisonRun.objects.create(
        as_of=as_of, backend="duckdb", rules_version=rules.version, rules_digest=rules.digest,
        inputs=inputs, started_by=ctx.actor.name, progress="排队完成，开始比对",
    )  # fmt: skip
    ctx.set_result(run=run.pk)
    try:
        run = comparison_run(as_of=as_of, actor=ctx.actor, progress=ctx.progress, run=run)
    except CompareRefused as exc:
        _fail_run(run.pk, str(exc))
        raise JobRefused(f"比对未运行：{exc}") from exc
    except Exception as exc:
        _fail_run(run.pk, f"{type(exc).__name__}: {exc}")
        raise
    return {"run": run.pk, "persons": run.counts.get("persons")}


def _fail_run(run_id: int, error: str) -> None:
    from canbao.comparison.models import ComparisonRun

    ComparisonRun.objects.filter(pk=run_id, status="running").update(
        status="failed", error=error[:2000], progress="失败", finished_at=timezone.now()
    )


register_kind(
    JobKind("import", "数据导入", "import.run", _run_import, public_params=("kind", "as_of", "file_name"))
)
register_kind(JobKind("compare", "信息比对", "compare.run", _run_compare, public_params=("as_of",)))
