"""The audit admin's pages: search the log, export what was found, verify the chain.

Only accounts with `audit.read` (the audit admin) reach them; every other account gets the same 404
as for anything outside its scope. Searching, exporting and verifying are themselves audited.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from canbao.audit.exports import AuditExportRefused, audit_export, audit_verify, max_rows
from canbao.audit.selectors import audit_actions, audit_list, chain_state, local_time, retention_days
from canbao.audit.services import audit_record
from canbao.web.actor import request_actor
from canbao.web.common import pager_query, paginate, require, xlsx_response
from canbao.web.forms_audit import AuditSearchForm

CSV_TYPE = "text/csv; charset=utf-8"


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request, "audit.read")
    form = AuditSearchForm(request.GET or None)
    filters = form.filters()
    page = paginate(audit_list(filters=filters), request)
    searched = bool(filters.as_detail())
    audit_record(
        actor=request_actor(request), action="search" if searched else "view", object_type="audit_log",
        detail={"filters": filters.as_detail(), "page": page.number, "results": page.paginator.count},
    )  # fmt: skip
    rows = [(rec, local_time(rec.at)) for rec in page.object_list]
    chain = chain_state()
    return render(
        request,
        "web/audit_log.html",
        {"form": form, "page": page, "rows": rows, "pager_query": pager_query(request),
         "export_query": pager_query(request), "can_export": request.user.can("audit.export"),
         "chain": chain, "oldest_at": local_time(chain.oldest_at or ""),
         "last_verify_at": local_time(chain.last_verify.at) if chain.last_verify else "",
         "retention_days": retention_days(), "actions": audit_actions(),
         "max_rows": max_rows()},
    )  # fmt: skip


@require_GET
def audit_log_export(request: HttpRequest) -> HttpResponse:
    require(request, "audit.export")
    form = AuditSearchForm(request.GET)
    fmt = request.GET.get("format", "xlsx")
    if not form.is_valid():
        return render(
            request,
            "web/audit_error.html",
            {"error": "；".join(form.errors.get("__all__", [])) or "查询条件有误"},
            status=400,
        )
    try:
        name, data = audit_export(filters=form.filters(), fmt=fmt, actor=request_actor(request))
    except AuditExportRefused as exc:
        return render(request, "web/audit_error.html", {"error": str(exc)}, status=403)
    if fmt == "xlsx":
        return xlsx_response(name, data)
    response = HttpResponse(data, content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def audit_chain_verify(request: HttpRequest) -> HttpResponse:
    require(request, "audit.read")
    audit_verify(actor=request_actor(request))
    return redirect("/audit/#chain")
