"""The quarterly report page, its files, column 1 entry, and the drill-down from any cell."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.services import audit_record
from canbao.core import crypto
from canbao.core.masking import mask_id
from canbao.engine.report import quarterly
from canbao.exports.lists import report_cell_spec
from canbao.registry.models import Person
from canbao.reports import export, quarters
from canbao.reports.services import ReportRefused, hukou_count_set, node_for, quarter_report
from canbao.web.actor import request_actor
from canbao.web.common import pager_query, xlsx_response
from canbao.web.views_exports import list_export_response

PAGE = 50


def _period(request: HttpRequest) -> str:
    value = request.GET.get("period", "").strip().upper()[:6]
    if value:
        return value
    last_quarter_day = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    return quarters.of(last_quarter_day)


@require_http_methods(["GET", "POST"])
def quarterly_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can("report.view"):  # type: ignore[union-attr]
        raise NotFoundInScope()
    node = node_for(user, request.GET.get("node", "") or user.node.code)  # type: ignore[union-attr]
    period = _period(request)
    error = ""
    if request.method == "POST":
        try:
            area = node_for(user, request.POST.get("area", ""))
            hukou_count_set(user=user, node=area, period=period, count=int(request.POST.get("count", "-1")),
                            actor=request_actor(request))  # fmt: skip
        except (ValueError, ReportRefused) as exc:
            error = str(exc) if isinstance(exc, ReportRefused) else "户籍人口数须为非负整数"
    try:
        q = quarter_report(node=node, period=period)
    except (ReportRefused, quarters.PeriodError) as exc:
        return render(
            request, "web/reports/quarterly.html", {"error": str(exc), "node": node, "period": period}
        )
    fmt = request.GET.get("format", "")
    with transaction.atomic():
        audit_record(actor=request_actor(request), action="export" if fmt else "view", object_type="report_quarterly",
                     object_ref=node.code, detail={"period": period, "run": q.run.pk, "format": fmt})  # fmt: skip
    if fmt == "xlsx":
        return xlsx_response(f"全民参保登记基础数据情况表_{node.code}_{period}.xlsx", export.to_xlsx(q))
    if fmt == "pdf":
        from canbao.reports.pdf import to_pdf

        response = HttpResponse(to_pdf(q), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, f"全民参保登记基础数据情况表_{node.code}_{period}.pdf"
        )
        return response
    if fmt == "csv":
        response = HttpResponse(export.to_csv(q), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"quarterly_{node.code}_{period}.csv"
        )
        return response
    columns = [(c, quarterly.COLUMNS[c][0] if c > 1 else "户籍人口数") for c in range(1, 18)]
    rows = [(r, [(c, r.cells[c]) for c in range(1, 18)]) for r in [*q.report.rows, q.report.total]]
    return render(request, "web/reports/quarterly.html", {
        "q": q, "node": node, "period": period, "columns": columns, "rows": rows, "error": error,
        "path": [d for d in node.path() if d.prefix.startswith(user.node.prefix)],  # type: ignore[union-attr]
        "due": quarters.due(period), "breaches": list(enumerate(q.report.breaches)),
    })  # fmt: skip


def quarterly_cell(request: HttpRequest) -> HttpResponse:
    """The persons behind one cell, or behind one breach of an identity."""
    user = request.user
    if not (user.can("report.view") and user.can("person.search")):  # type: ignore[union-attr]
        raise NotFoundInScope()
    node = node_for(user, request.GET.get("node", ""))
    period = _period(request)
    try:
        q = quarter_report(node=node, period=period)
    except (ReportRefused, quarters.PeriodError) as exc:
        return render(request, "web/reports/cell.html", {"error": str(exc), "node": node, "period": period})
    row = request.GET.get("row", quarterly.TOTAL)[:12]
    if row != quarterly.TOTAL and row not in {a.code for a in q.areas}:
        raise NotFoundInScope()
    breach_no = request.GET.get("breach", "")
    if breach_no.isdigit() and int(breach_no) < len(q.report.breaches):
        breach = q.report.breaches[int(breach_no)]
        condition, title = breach.condition, f"逻辑关系不符：{breach.rule}"
        row = breach.row
    else:
        col = int(request.GET.get("col", "0")) if request.GET.get("col", "").isdigit() else 0
        if col not in range(1, 18):
            raise NotFoundInScope()
        condition = quarterly.cell_condition(col)
        title = f"第 {col} 栏 {quarterly.COLUMNS[max(col, 2)][0] if col > 1 else '户籍人口数（按已获得数据人数）'}"
    page = max(int(request.GET.get("page", "1")) if request.GET.get("page", "").isdigit() else 1, 1)
    if request.GET.get("format") == "xlsx":  # through the export approval above the threshold
        return list_export_response(request, kind="report_cell", spec=report_cell_spec(request.GET))
    total, people = quarterly.drill(q.persons_path, node_prefix=node.prefix, areas=q.areas, condition=condition,
                                    row=None if row == quarterly.TOTAL else row, limit=PAGE, offset=(page - 1) * PAGE)  # fmt: skip
    row_name = next((a.name for a in q.areas if a.code == row), f"{node.name}合计")
    with transaction.atomic():
        audit_record(actor=request_actor(request), action="search", object_type="report_cell", object_ref=node.code,
                     detail={"period": period, "row": row, "title": title, "results": total, "page": page})  # fmt: skip
    links = _person_links([p["AAC002"] for p in people if p["AAC002"]])
    shown = [
        {**p, "masked": mask_id(p["AAC002"]) if p["AAC002"] else "", "pk": links.get(p["AAC002"] or "")}
        for p in people
    ]
    pages = max((total + PAGE - 1) // PAGE, 1)
    return render(request, "web/reports/cell.html", {
        "node": node, "period": period, "title": title, "row_name": row_name, "total": total, "people": shown,
        "page": page, "pages": pages, "query": pager_query(request),
        "back": f"/reports/quarterly/?node={node.code}&period={period}",
    })  # fmt: skip


def _person_links(numbers: list[str]) -> dict[str, int]:
    hashes = dict(zip(crypto.lookup_hashes(numbers), numbers, strict=True))
    found = Person.objects.filter(aac002_hash__in=list(hashes)).values_list("aac002_hash", "pk")
    return {hashes[h]: pk for h, pk in found}
