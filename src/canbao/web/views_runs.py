"""Comparison runs for the data officer: start one (a job), its summary, its lists, their exports.

Runs are city-level objects: every account that may compare sees every run, but reads only the rows
under its own node (`comparison.results`). A county officer's summary counts its county only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from canbao.accounts.scoping import NotFoundInScope
from canbao.comparison.background import EnqueueRefused, compare_enqueue
from canbao.comparison.results import RUN_LISTS, RunRows, jurisdiction_of, run_summary
from canbao.comparison.selectors import run_get, run_list
from canbao.comparison.sheets import run_summary_export
from canbao.engine.codes import get_table
from canbao.exports.lists import export_threshold
from canbao.jobs.selectors import job_list
from canbao.web.actor import request_actor
from canbao.web.common import audit_view, pager_query, paginate, require, wants_xlsx, xlsx_response
from canbao.web.forms import CompareForm
from canbao.web.views_exports import list_export_response


@require_http_methods(["GET", "POST"])
def runs(request: HttpRequest) -> HttpResponse:
    require(request, "compare.run")
    error = ""
    if request.method == "POST":
        form = CompareForm(request.POST)
        if form.is_valid():
            try:
                job = compare_enqueue(as_of=form.cleaned_data["as_of"], actor=request_actor(request))
            except EnqueueRefused as exc:
                error = str(exc)
            else:
                return redirect(f"/jobs/{job.pk}/")
    else:
        form = CompareForm()
    page = paginate(run_list(), request)
    audit_view(request, object_type="run", detail={"page": page.number})
    return render(
        request,
        "web/runs.html",
        {"form": form, "error": error, "page": page, "pager_query": pager_query(request),
         "jobs": job_list(actor=request.user, kinds=("compare",))[:10]},
        status=409 if error else 200,
    )  # fmt: skip


def _area(request: HttpRequest) -> str:
    return request.GET.get("area", "").strip()[:12]


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "compare.run")
    run = run_get(pk=pk)
    area = _area(request)
    scope = jurisdiction_of(request.user, area=area)
    summary = run_summary(run=run, scope=scope)
    if wants_xlsx(request):
        require(request, "export.list")
        if summary is None:
            raise NotFoundInScope()
        name, data = run_summary_export(
            run=run, summary=summary, scope_label=scope.label, scope_prefix=scope.prefix,
            actor=request_actor(request),
        )  # fmt: skip
        return xlsx_response(name, data)
    areas = paginate(summary.areas if summary else [], request)
    audit_view(
        request, object_type="run", object_ref=f"run:{run.pk}",
        detail={"scope": scope.prefix, "page": areas.number},
    )  # fmt: skip
    return render(
        request,
        "web/run_detail.html",
        {"run": run, "summary": summary, "scope": scope, "areas": areas, "area": area,
         "pager_query": pager_query(request), "outcome_names": list(get_table("outcome").codes.values()),
         "lists": [s for s in RUN_LISTS.values() if s.area is not None or scope.whole],
         "can_export": request.user.can("export.list")},
    )  # fmt: skip


@require_GET
def run_list_page(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    require(request, "compare.run")
    spec = RUN_LISTS.get(key)
    if spec is None:
        raise NotFoundInScope()
    run = run_get(pk=pk)
    area = _area(request) if spec.area else ""
    scope = jurisdiction_of(request.user, area=area)
    rows = RunRows(run, spec, scope)
    if wants_xlsx(request):
        return list_export_response(
            request, kind="run_list", spec={"run": run.pk, "list": spec.key, "area": area}
        )
    page = paginate(rows, request)
    audit_view(
        request, object_type="run_list", object_ref=f"run:{run.pk}:{spec.key}",
        detail={"scope": scope.prefix, "page": page.number, "rows": page.paginator.count},
    )  # fmt: skip
    return render(
        request,
        "web/run_list.html",
        {"run": run, "spec": spec, "scope": scope, "page": page, "area": area,
         "cells": [[row[k] for k, _ in spec.columns] for row in page.object_list],
         "pager_query": pager_query(request), "can_export": request.user.can("export.list"),
         "threshold": export_threshold() if spec.person_list else None},
    )  # fmt: skip
