"""The status of a background job: a page that follows it, and the small JSON it polls."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from canbao.jobs.kinds import JOB_KINDS
from canbao.jobs.models import Job
from canbao.jobs.selectors import job_get
from canbao.web.common import audit_view


def job_result_link(job: Job) -> tuple[str, str] | None:
    """Where the job's result is read: (label, URL), or None."""
    result = job.result or {}
    if job.kind == "import" and result.get("batch"):
        return "查看导入报告", f"/imports/{int(result['batch'])}/"
    if job.kind == "compare" and result.get("run"):
        return ("查看比对结果" if job.status == Job.DONE else "查看比对批次"), f"/runs/{int(result['run'])}/"
    return None


def _public_params(job: Job) -> list[tuple[str, str]]:
    kind = JOB_KINDS.get(job.kind)
    labels = {"kind": "数据类别", "as_of": "日期", "file_name": "文件"}
    return [(labels.get(k, k), str(job.params.get(k, ""))) for k in (kind.public_params if kind else ())]


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get(actor=request.user, pk=pk)
    audit_view(
        request,
        object_type="job",
        object_ref=f"job:{job.pk}",
        detail={"kind": job.kind, "status": job.status},
    )
    kind = JOB_KINDS.get(job.kind)
    return render(
        request,
        "web/job_detail.html",
        {"job": job, "kind_name": kind.name_zh if kind else job.kind, "params": _public_params(job),
         "link": job_result_link(job)},
    )  # fmt: skip


@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled every 2 s by the status page. Not audited: it carries only the job's state (the page
    view that started the polling is), and auditing each poll would flood the chain."""
    job = job_get(actor=request.user, pk=pk)
    link = job_result_link(job)
    return JsonResponse(
        {"status": job.status, "status_name": job.get_status_display(), "progress": job.progress,
         "error": job.error, "finished": job.finished, "link": list(link) if link else None},
        headers={"Cache-Control": "no-store"},
    )  # fmt: skip
