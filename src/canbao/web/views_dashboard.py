"""A node's dashboard: rates, coverage, outcomes, reasons and flags, by child area and over runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from canbao.accounts.scoping import NotFoundInScope
from canbao.comparison.models import ComparisonRun
from canbao.engine.codes import code_name
from canbao.engine.report import dashboard
from canbao.reports.services import areas_of, node_for
from canbao.web.common import audit_view

TREND_RUNS = 8


def _pct(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def dashboard_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can("report.view"):  # type: ignore[union-attr]
        raise NotFoundInScope()
    node = node_for(user, request.GET.get("node", "") or user.node.code)  # type: ignore[union-attr]
    runs = [r for r in ComparisonRun.objects.filter(published=True, status="done").order_by("-id")[:TREND_RUNS]
            if (Path(r.result_dir) / "persons.parquet").is_file()]  # fmt: skip
    audit_view(request, object_type="dashboard", object_ref=node.code)
    path = [d for d in node.path() if d.prefix.startswith(user.node.prefix)]  # type: ignore[union-attr]
    if not runs:
        return render(request, "web/dashboard.html", {"node": node, "path": path, "empty": True})
    latest = runs[0]
    board = dashboard.compute(str(Path(latest.result_dir) / "persons.parquet"), node_prefix=node.prefix,
                              areas=areas_of(node))  # fmt: skip
    trend = dashboard.run_trend([(f"#{r.pk} {r.as_of}", str(Path(r.result_dir) / "persons.parquet")) for r in reversed(runs)],
                                node_prefix=node.prefix)  # fmt: skip
    lines = [(col, name, _pct(board.total.coverage(col))) for col, name in dashboard.LINES]
    data: dict[str, Any] = {
        "areas": [{"code": a.code, "name": a.name, "own": a.own, "persons": f.persons, "rate": _pct(f.rate),
                   "complete": _pct(f.completeness)} for a, f in board.areas],
        "coverage": [{"name": name, "value": pct} for _c, name, pct in lines],
        "outcomes": [{"code": k, "name": f"{k} {code_name('outcome', str(k)) or ''}", "value": v} for k, v in board.outcomes.items()],
        "flags": [{"code": k, "name": code_name("flag", k) or k, "value": v} for k, v in board.flags.items()],
        "reasons": [{"code": k, "name": code_name("survey_reason", k) or k, "value": v} for k, v in board.reasons.items()],
        "uninsured": [{"code": k, "name": code_name("uninsured_reason", k) or k, "value": v} for k, v in board.uninsured.items()],
        "trend": [{"run": label, "rate": _pct(f.rate), "complete": _pct(f.completeness)} for label, f in trend],
        "node": node.code, "can_search": user.can("person.search"),  # type: ignore[union-attr]
    }  # fmt: skip
    return render(request, "web/dashboard.html", {
        "node": node, "path": path, "run": latest, "board": board, "total": board.total, "lines": lines,
        "rate": _pct(board.total.rate), "completeness": _pct(board.total.completeness), "data": data,
    })  # fmt: skip
