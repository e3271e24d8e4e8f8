"""Helpers shared by the pages: capability gate, audit of a page view, paging, XLSX responses."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.services import audit_record
from canbao.web.actor import request_actor

LIST_PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require(request: HttpRequest, capability: str) -> None:
    """An account without the capability gets the same 404 as for anything outside its scope."""
    if not request.user.can(capability):  # type: ignore[union-attr]
        raise NotFoundInScope()


def audit_view(
    request: HttpRequest, *, object_type: str, object_ref: str = "", detail: dict[str, Any] | None = None
) -> None:
    with transaction.atomic():
        audit_record(
            actor=request_actor(request), action="view", object_type=object_type, object_ref=object_ref,
            detail=detail,
        )  # fmt: skip


def paginate(rows: Any, request: HttpRequest, size: int = LIST_PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def pager_query(request: HttpRequest) -> str:
    """The page's query string without `page` (the pager adds its own)."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def xlsx_response(file_name: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["Cache-Control"] = "no-store"  # person data: not kept by browsers or proxies
    return response
