"""A node's dashboard: rates, coverage, outcomes, reasons and flags, by child area, over runs and quarters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from canbao.accounts.scoping import NotFoundInScope
from canbao.engine.codes import code_name
from canbao.engine.report import dashboard
from canbao.reports.services import areas_of, dashboard_runs, dashboard_trends, node_for, persons_of
from canbao.web.common import audit_view


def _pct(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def dashboard_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can("report.view"):  # type: ignore[union-attr]
        raise NotFoundInScope()
    node = node_for(user, request.GET.get("node", "") or user.node.code)  # type: ignore[union-attr]
    runs = dashboard_runs()
    audit_view(request, object_type="dashboard", object_ref=node.code)
    path = [d for d in node.path() if d.prefix.startswith(user.node.prefix)]  # type: ignore[union-attr]
    if not runs:
        return render(request, "web/dashboard.html", {"node": node, "path": path, "empty": True})
    latest = runs[0]
    board = dashboard.compute(persons_of(latest), node_prefix=node.prefix,
                              areas=areas_of(node))  # fmt: skip
    trends = dashboard_trends(node=node, runs=runs)
    lines = [(col, name, _pct(board.total.coverage(col))) for col, name in dashboard.LINES]
    data: dict[str, Any] = {
        "areas": [{"code": a.code, "name": a.name, "own": a.own, "persons": f.persons, "rate": _pct(f.rate),
                   "complete": _pct(f.completeness)} for a, f in board.areas],
        "coverage": [{"name": name, "value": pct} for _c, name, pct in lines],
        "outcomes": [{"code": k, "name": f"{k} {code_name('outcome', str(k)) or ''}", "value": v} for k, v in board.outcomes.items()],
        "flags": [{"code": k, "name": code_name("flag", k) or k, "value": v} for k, v in board.flags.items()],
        "reasons": [{"code": k, "name": code_name("survey_reason", k) or k, "value": v} for k, v in board.reasons.items()],
        "uninsured": [{"code": k, "name": code_name("uninsured_reason", k) or k, "value": v} for k, v in board.uninsured.items()],
        "trend": [{"run": f"#{r.pk} {r.as_of}", "rate": _pct(f.rate), "complete": _pct(f.completeness)} for r, f in trends.runs],
        # A quarter without a report is a gap (None), not closed up; each point opens that quarter's report.
        "quarters": [{"period": p, "run": f"#{r.pk} {r.as_of}" if r else None, "persons": f.persons if f else None,
                      "rate": _pct(f.rate) if f else None, "complete": _pct(f.completeness) if f else None}
                     for p, r, f in trends.quarters],
        "node": node.code, "can_search": user.can("person.search"),  # type: ignore[union-attr]
    }  # fmt: skip
    return render(request, "web/dashboard.html", {
        "node": node, "path": path, "run": latest, "board": board, "total": board.total, "lines": lines,
        "rate": _pct(board.total.rate), "completeness": _pct(board.total.completeness), "data": data,
    })  # fmt: skip
