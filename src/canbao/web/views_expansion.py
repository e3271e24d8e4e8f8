"""Expansion lists (扩面名单) per area: counts by child area, the persons, export through approval."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from canbao.accounts.scoping import NotFoundInScope
from canbao.comparison.runs import latest_published_run
from canbao.divisions.models import Division
from canbao.exports.lists import KINDS
from canbao.registry.selectors import PersonFilters, person_list
from canbao.reports.expansion import LISTS
from canbao.web.common import audit_view, pager_query, paginate
from canbao.web.views_exports import list_export_response


def _require(request: HttpRequest) -> None:
    if not (request.user.can("report.view") and request.user.can("person.search")):  # type: ignore[union-attr]
        raise NotFoundInScope()


def expansion_index(request: HttpRequest) -> HttpResponse:
    """Every list with its count in the account's area and per child area."""
    _require(request)
    user = request.user
    node = user.node  # type: ignore[union-attr]
    children = list(Division.objects.filter(parent=node).order_by("code"))
    table = []
    for entry in LISTS.values():
        qs = person_list(actor=user, filters=PersonFilters()).filter(entry.condition, in_population=True)
        per_place = dict(qs.order_by().values_list("placement_id").annotate(n=Count("id")))
        by_child = [sum(n for code, n in per_place.items() if code.startswith(c.prefix)) for c in children]
        table.append((entry, sum(per_place.values()), by_child))
    audit_view(request, object_type="expansion_index")
    run = latest_published_run()
    return render(
        request, "web/reports/expansion_index.html", {"table": table, "children": children, "run": run}
    )


def expansion_list(request: HttpRequest, key: str) -> HttpResponse:
    _require(request)
    entry = LISTS.get(key)
    if entry is None:
        raise NotFoundInScope()
    if request.GET.get("format") == "xlsx":
        return list_export_response(
            request,
            kind="expansion",
            spec=KINDS["expansion"].spec_from_params({**request.GET.dict(), "list": key}),
        )
    area = request.GET.get("area", "").strip()[:12]
    qs = (person_list(actor=request.user, filters=PersonFilters(area=area))
          .filter(entry.condition, in_population=True))  # fmt: skip
    page = paginate(qs, request, size=50)
    audit_view(request, object_type="expansion", object_ref=key, detail={"area": area, "page": page.number})
    return render(request, "web/reports/expansion_list.html", {"entry": entry, "page": page, "area": area,
                                                               "query": pager_query(request)})  # fmt: skip
