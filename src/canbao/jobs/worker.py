"""The worker: claims one queued job at a time and runs it as the account that enqueued it.

`canbao serve` runs one in a thread beside the web server (the embedded default needs nothing else);
`canbao worker` runs one as its own process. State is only in the database, so a restart loses no
job: a job left `running` by a dead process is queued again when a worker starts.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from canbao.jobs.kinds import JobContext, JobRefused, get_kind
from canbao.jobs.models import Job
from canbao.jobs.services import (
    WAKE,
    WorkerIdentity,
    job_actor,
    job_claim,
    job_finish,
    job_setting,
    jobs_requeue_stale,
)

logger = logging.getLogger(__name__)


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat while a long step runs without reporting progress."""

    def __init__(self, job_id: int, worker: WorkerIdentity, every: float) -> None:
        super().__init__(name=f"canbao-heartbeat-{job_id}", daemon=True)
        self.job_id, self.worker, self.every = job_id, str(worker), every
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, worker=self.worker).update(heartbeat_at=timezone.now())
                except DatabaseError as exc:  # SQLite busy during a long publish: try again later
                    logger.info("heartbeat of job %s not written: %s", self.job_id, exc)
        finally:
            connection.close()

    def stop(self) -> None:
        self.done.set()
        self.join()


def _account_refusal(job: Job, capability: str) -> str:
    """Why the account may no longer run this job, or "" (checked when the job starts, not only when queued)."""
    if job.created_by.startswith("cli:"):
        return ""  # the server's operator (cli.md): unscoped
    from canbao.accounts.models import User

    user = User.objects.filter(username=job.created_by, is_active=True).first()
    if user is None or not user.can(capability) or (user.node_id or "") != job.node:
        return "发起任务的账号已停用、已调整管辖区划或已不具有该权限，任务未运行"
    return ""


class Worker:
    def __init__(self, *, poll: float = 1.0, heartbeat: float | None = None) -> None:
        self.identity = WorkerIdentity.current()
        self.poll = poll
        self.heartbeat = job_setting("JOB_HEARTBEAT_SECONDS", 15) if heartbeat is None else heartbeat
        self.stop = threading.Event()
        self.started = False

    def start(self) -> int:
        """Re-queue what dead processes left running; returns how many."""
        self.started = True
        requeued = jobs_requeue_stale(me=self.identity)
        if requeued:
            logger.warning("re-queued %d interrupted job(s)", requeued)
        return requeued

    def run_once(self) -> bool:
        """Claim and run one job; False when the queue is empty."""
        job = job_claim(worker=self.identity)
        if job is None:
            return False
        self._execute(job)
        return True

    def run_pending(self) -> int:
        """Run jobs until the queue is empty (`canbao worker --once`, tests)."""
        n = 0
        while not self.stop.is_set() and self.run_once():
            n += 1
        return n

    def run_forever(self) -> None:
        try:
            while not self.stop.is_set():
                close_old_connections()
                try:
                    # Inside the retry: a locked database at start-up must not end the thread.
                    if not self.started:
                        self.start()
                    ran = self.run_once()
                except DatabaseError:
                    logger.exception("job queue unavailable; retrying")
                    ran = False
                if not ran:
                    WAKE.wait(self.poll)
                    WAKE.clear()
        finally:
            connection.close()

    def _execute(self, job: Job) -> None:
        try:
            kind = get_kind(job.kind)
        except KeyError as exc:
            job_finish(job=job, worker=self.identity, error=str(exc.args[0]))
            return
        refusal = _account_refusal(job, kind.capability)
        if refusal:
            job_finish(job=job, worker=self.identity, error=refusal)
            return
        ctx = JobContext(job=job, actor=job_actor(job), previous_result=dict(job.result or {}))
        beat = _Heartbeat(job.pk, self.identity, self.heartbeat) if self.heartbeat > 0 else None
        if beat:
            beat.start()
        result: dict[str, Any] = {}
        error = ""
        try:
            result = kind.handler(ctx)
        except JobRefused as exc:
            error = str(exc)
        except Exception as exc:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            error = f"处理失败：{type(exc).__name__}: {exc}"
        finally:
            if beat:
                beat.stop()
        if not job_finish(job=job, worker=self.identity, result={**ctx.result, **result}, error=error):
            logger.warning("job %s finished after its claim was taken over", job.pk)


def start_worker_thread(*, poll: float = 1.0) -> Worker:
    """One worker in a daemon thread of this process (`canbao serve`)."""
    worker = Worker(poll=poll)
    threading.Thread(target=worker.run_forever, name="canbao-worker", daemon=True).start()
    return worker
