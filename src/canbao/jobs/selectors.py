"""Reading jobs: an account sees the jobs of the kinds it may run, enqueued at or under its node."""

from __future__ import annotations

from django.db.models import QuerySet

from canbao.accounts.scoping import NotFoundInScope, scope_queryset
from canbao.jobs.kinds import JOB_KINDS
from canbao.jobs.models import Job


def job_list(*, actor: object, kinds: tuple[str, ...] | None = None) -> QuerySet[Job]:
    allowed = [
        k.key
        for k in JOB_KINDS.values()
        if (kinds is None or k.key in kinds) and actor.can(k.capability)  # type: ignore[attr-defined]
    ]
    return scope_queryset(Job.objects.filter(kind__in=allowed), actor, field="node").order_by("-id")


def job_get(*, actor: object, pk: int) -> Job:
    """Fetch-and-authorise: missing, another kind's or outside the node all answer the same."""
    job = job_list(actor=actor).filter(pk=pk).first()
    if job is None:
        raise NotFoundInScope()
    return job
