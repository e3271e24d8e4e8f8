"""Exports of person lists and their approval (ADR 0008): request, decide, download once.

`list_export_response` is what the list pages call for "导出 Excel": the file at once, or, above the
threshold, the page that asks for approval. Requests and decisions are scoped (selectors): anyone
else gets the same 404 as for what does not exist.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from canbao.accounts.scoping import NotFoundInScope
from canbao.exports.lists import KINDS, export_threshold, resolve
from canbao.exports.selectors import (
    APPROVE_CAP,
    REQUEST_CAP,
    may_decide,
    own_requests,
    pending_requests,
    request_get,
)
from canbao.exports.services import (
    ApprovalNeeded,
    ExportRefused,
    list_export,
    request_create,
    request_decide,
    request_download,
    valid_days,
)
from canbao.web.actor import request_actor
from canbao.web.common import audit_view, paginate, require, xlsx_response


def _require_requester(request: HttpRequest) -> None:
    require(request, REQUEST_CAP)
    if request.user.is_admin_role:  # type: ignore[union-attr]
        raise NotFoundInScope()


def list_export_response(request: HttpRequest, *, kind: str, spec: dict[str, Any]) -> HttpResponse:
    """The XLSX of a list page, or a redirect to the approval request when the list is too long."""
    _require_requester(request)
    lst = resolve(kind=kind, spec=spec, user=request.user)
    try:
        name, data = list_export(user=request.user, actor=request_actor(request), lst=lst)
    except ApprovalNeeded:
        return redirect("/exports/new/?" + urlencode({"kind": kind, "spec": json.dumps(lst.spec)}))
    return xlsx_response(name, data)


def person_search_export(request: HttpRequest) -> HttpResponse:
    """ "导出 Excel" on the person search: the same conditions as the page."""
    return list_export_response(
        request, kind="person_search", spec=KINDS["person_search"].spec_from_params(request.GET)
    )


def _spec_param(raw: str) -> dict[str, Any]:
    try:
        spec = json.loads(raw)
    except ValueError:
        raise NotFoundInScope() from None
    if not isinstance(spec, dict):
        raise NotFoundInScope()
    return spec


@require_http_methods(["GET", "POST"])
def export_request_new(request: HttpRequest) -> HttpResponse:
    _require_requester(request)
    data = request.POST if request.method == "POST" else request.GET
    kind, spec = data.get("kind", ""), _spec_param(data.get("spec", ""))
    lst = resolve(kind=kind, spec=spec, user=request.user)
    error, reason = "", data.get("reason", "")
    if request.method == "POST":
        try:
            req = request_create(
                user=request.user, actor=request_actor(request), kind=kind, spec=spec, reason=reason
            )
        except ExportRefused as exc:
            error = str(exc)
        else:
            return redirect(f"/exports/{req.pk}/")
    return render(
        request, "web/export_new.html",
        {"list": lst, "kind": kind, "spec_json": json.dumps(lst.spec), "reason": reason, "error": error,
         "threshold": export_threshold()},
        status=400 if error else 200,
    )  # fmt: skip


@require_GET
def export_requests(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_admin_role or not (user.can(REQUEST_CAP) or user.can(APPROVE_CAP)):  # type: ignore[union-attr]
        raise NotFoundInScope()
    pending = list(pending_requests(user=user)[:200])
    mine = paginate(own_requests(user=user), request)
    audit_view(request, object_type="export_request", detail={"pending": len(pending), "page": mine.number})
    return render(
        request, "web/export_requests.html",
        {"pending": pending, "mine": mine, "can_approve": user.can(APPROVE_CAP), "threshold": export_threshold()},
    )  # fmt: skip


@require_GET
def export_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = request_get(user=request.user, pk=pk)
    audit_view(request, object_type="export_request", object_ref=req.audit_ref)
    return _detail(request, req)


def _detail(request: HttpRequest, req: Any, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request, "web/export_request.html",
        {"req": req, "error": error, "decide": req.status == "pending" and may_decide(user=request.user, req=req),
         "own": req.requester_id == request.user.pk, "valid_days": valid_days()},
        status=status,
    )  # fmt: skip


@require_POST
def export_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "refuse"):
        raise NotFoundInScope()
    try:
        request_decide(
            user=request.user, actor=request_actor(request), pk=pk, approve=decision == "approve",
            comment=request.POST.get("comment", ""),
        )  # fmt: skip
    except ExportRefused as exc:
        return _detail(request, request_get(user=request.user, pk=pk), str(exc), status=409)
    return redirect(f"/exports/{pk}/")


@require_POST
def export_request_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        name, data = request_download(user=request.user, actor=request_actor(request), pk=pk)
    except ExportRefused as exc:
        return _detail(request, request_get(user=request.user, pk=pk), str(exc), status=409)
    return xlsx_response(name, data)
