"""Enqueueing, claiming and finishing jobs. Every state change that an account caused is audited."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from canbao.audit.services import AuditActor, audit_record
from canbao.jobs.kinds import get_kind
from canbao.jobs.models import Job

# Set after an enqueue commits: a worker thread in the same process starts at once instead of
# waiting for its next poll. Workers in other processes poll.
WAKE = threading.Event()


def job_setting(name: str, default: float) -> float:
    return float(settings.CANBAO.get(name, default))


@dataclass(frozen=True)
class WorkerIdentity:
    """`<host>:<pid>:<token>`; the token tells this process from an earlier one with the same pid."""

    host: str
    pid: int
    token: str

    @classmethod
    def current(cls) -> WorkerIdentity:
        return cls(socket.gethostname()[:100], os.getpid(), secrets.token_hex(6))

    @classmethod
    def parse(cls, text: str) -> WorkerIdentity | None:
        host, _, rest = text.rpartition(":")
        host, _, pid = host.rpartition(":")
        if not (host and pid.isdigit()):
            return None
        return cls(host, int(pid), rest)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"


def job_actor(job: Job) -> AuditActor:
    """A job runs as the account that enqueued it."""
    return AuditActor(name=job.created_by, node=job.node, address=job.address)


def job_enqueue(*, kind: str, params: dict[str, Any], actor: AuditActor) -> Job:
    job_kind = get_kind(kind)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, params=params, created_by=actor.name, node=actor.node, address=actor.address
        )
        audit_record(
            actor=actor, action="job_enqueue", object_type="job", object_ref=f"job:{job.pk}",
            detail={"kind": kind, **{k: params[k] for k in job_kind.public_params if k in params}},
        )  # fmt: skip
        transaction.on_commit(WAKE.set)
    return job


def job_claim(*, worker: WorkerIdentity) -> Job | None:
    """Take the oldest queued job, or None. Two workers never take the same job.

    PostgreSQL: `FOR UPDATE SKIP LOCKED` lets concurrent workers pass each other's claims. SQLite:
    the IMMEDIATE transaction holds the write lock from BEGIN, so claims are serial. The conditional
    update is the last word on either.
    """
    with transaction.atomic():
        queued = Job.objects.filter(status=Job.QUEUED).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        job = queued.first()
        if job is None:
            return None
        now = timezone.now()
        claimed = Job.objects.filter(pk=job.pk, status=Job.QUEUED).update(
            status=Job.RUNNING, worker=str(worker), started_at=now, heartbeat_at=now, finished_at=None,
            attempts=F("attempts") + 1, progress="开始处理", error="",
        )  # fmt: skip
        if not claimed:
            return None
    job.refresh_from_db()
    return job


def job_finish(
    *, job: Job, worker: WorkerIdentity, result: dict[str, Any] | None = None, error: str = ""
) -> bool:
    """Record the end of a claimed job (done, or failed with `error`). False when the claim was lost."""
    status = Job.FAILED if error else Job.DONE
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=Job.RUNNING, worker=str(worker)).update(
            status=status, result=result or {}, error=error[:4000], finished_at=timezone.now(),
            heartbeat_at=timezone.now(), progress="已完成" if status == Job.DONE else "失败",
        )  # fmt: skip
        if updated:
            audit_record(
                actor=job_actor(job), action="job", object_type="job", object_ref=f"job:{job.pk}",
                result="ok" if status == Job.DONE else "failed",
                detail={"kind": job.kind, **({"error": error[:500]} if error else {})},
            )  # fmt: skip
    return bool(updated)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _claim_is_dead(job: Job, me: WorkerIdentity, stale_before: dt.datetime) -> bool:
    owner = WorkerIdentity.parse(job.worker)
    if owner is not None and owner.host == me.host:
        # Same machine: the process table is the truth. A pid equal to ours with another token is an
        # earlier life of this process (a container restarts with the same pid). A live pid is
        # trusted even when its heartbeat is late: on SQLite a long publish holds the write lock and
        # the heartbeat cannot be written meanwhile.
        if owner.pid == me.pid:
            return owner.token != me.token
        return not _pid_alive(owner.pid)
    beat = job.heartbeat_at or job.started_at or job.created_at
    return beat < stale_before


def jobs_requeue_stale(*, me: WorkerIdentity) -> int:
    """Put back in the queue the jobs left `running` by a process that died (at worker start).

    A job interrupted `JOB_MAX_ATTEMPTS` times fails instead: it may be what kills the worker.
    """
    stale_before = timezone.now() - dt.timedelta(seconds=job_setting("JOB_STALE_SECONDS", 300))
    max_attempts = int(job_setting("JOB_MAX_ATTEMPTS", 3))
    count = 0
    for job in Job.objects.filter(status=Job.RUNNING).order_by("id"):
        if not _claim_is_dead(job, me, stale_before):
            continue
        mine = Job.objects.filter(pk=job.pk, status=Job.RUNNING, worker=job.worker)
        if job.attempts >= max_attempts:
            with transaction.atomic():
                if mine.update(
                    status=Job.FAILED, finished_at=timezone.now(), progress="失败",
                    error=f"处理进程中断 {job.attempts} 次，已停止重试",
                ):  # fmt: skip
                    audit_record(
                        actor=job_actor(job), action="job", object_type="job", object_ref=f"job:{job.pk}",
                        result="failed", detail={"kind": job.kind, "error": "interrupted"},
                    )  # fmt: skip
        else:
            count += mine.update(status=Job.QUEUED, worker="", progress="处理进程中断，已重新排队")
    return count
