"""Unit search and unit detail pages: scoped by placement (selectors_units), audited."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from canbao.audit.services import audit_record
from canbao.registry.selectors_units import UnitFilters, unit_employees, unit_get_pk, unit_list
from canbao.web.actor import request_actor
from canbao.web.common import pager_query, paginate, require

PAGE_SIZE = 20


def _param(request: HttpRequest, name: str, size: int) -> str:
    # NUL cannot be stored or compared by PostgreSQL: it is no part of any code or name.
    return request.GET.get(name, "").replace("\x00", "").strip()[:size]


def unit_search(request: HttpRequest) -> HttpResponse:
    require(request, "unit.view")
    filters = UnitFilters(
        aab998=_param(request, "aab998", 30),
        name=_param(request, "name", 100),
        area=_param(request, "area", 12),
    )
    page = None
    if not filters.empty:
        page = paginate(unit_list(actor=request.user, filters=filters), request, PAGE_SIZE)
        with transaction.atomic():
            audit_record(
                actor=request_actor(request), action="search", object_type="unit",
                detail={"aab998": filters.aab998, "name": bool(filters.name), "area": filters.area,
                        "page": page.number, "results": page.paginator.count},
            )  # fmt: skip
    return render(
        request,
        "web/unit_search.html",
        {"filters": filters, "page": page, "pager_query": pager_query(request)},
    )


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "unit.view")
    unit = unit_get_pk(actor=request.user, pk=pk)
    with transaction.atomic():
        audit_record(
            actor=request_actor(request), action="unit_open", object_type="unit",
            object_ref=f"unit:{unit.pk}:{unit.aab998 or unit.ukey}",
        )  # fmt: skip
    employees = None
    if request.user.can("person.view"):
        employees = paginate(unit_employees(actor=request.user, unit=unit), request, PAGE_SIZE)
    return render(
        request,
        "web/unit_detail.html",
        {
            "unit": unit,
            "employees": employees,
            "history": unit.history.all()[:50],
            "pager_query": pager_query(request),
        },
    )
