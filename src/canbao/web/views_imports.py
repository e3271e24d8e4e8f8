"""Imports for the data officer: the list with an upload form (queues an import job) and the report."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from canbao.comparison.background import import_enqueue
from canbao.comparison.selectors import RejectRows, import_batch_get, import_batch_list
from canbao.engine.kinds import KINDS
from canbao.jobs.selectors import job_list
from canbao.web.actor import request_actor
from canbao.web.common import audit_view, pager_query, paginate, require
from canbao.web.forms import UploadForm


@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    require(request, "import.run")
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            job = import_enqueue(
                upload=data["file"], kind=data["kind"], as_of=data["as_of"], mapping=data["mapping"],
                actor=request_actor(request),
            )  # fmt: skip
            return redirect(f"/jobs/{job.pk}/")
    else:
        form = UploadForm()
    page = paginate(import_batch_list(), request)
    audit_view(request, object_type="import_batch", detail={"page": page.number})
    return render(
        request,
        "web/imports.html",
        {"form": form, "page": page, "pager_query": pager_query(request),
         "rows": [(b, KINDS[b.kind].name_zh if b.kind in KINDS else b.kind) for b in page],
         "jobs": job_list(actor=request.user, kinds=("import",))[:10]},
    )  # fmt: skip


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "import.run")
    batch = import_batch_get(pk=pk)
    page = paginate(RejectRows(batch), request)
    audit_view(
        request, object_type="import_batch", object_ref=f"import:{batch.pk}", detail={"page": page.number}
    )
    report = batch.report or {}
    return render(
        request,
        "web/import_detail.html",
        {"batch": batch, "kind": KINDS.get(batch.kind), "page": page, "pager_query": pager_query(request),
         "ignored_columns": report.get("ignored_columns", []), "id_converted": report.get("id_converted", 0),
         "id_invalid": report.get("id_invalid", 0)},
    )  # fmt: skip
