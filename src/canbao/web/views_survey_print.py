"""Printouts of a village's survey targets: the 全民参保登记表 (PDF), the 汇总表 (PDF, XLSX), the 名册 (XLSX).

Scoped (a village outside the account's node or the campaign's area is the same 404 as a missing one)
and audited as exports in `survey.printing.service`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from canbao.survey.printing.service import OUTPUTS, PrintRefused, village_print
from canbao.survey.printing.source import village_for_user
from canbao.web.actor import request_actor
from canbao.web.common import xlsx_response

PDF_TYPE = "application/pdf"


def _print(request: HttpRequest, campaign: int, code: str, output: str) -> HttpResponse:
    doc = village_for_user(user=request.user, campaign_id=campaign, village_code=code)  # type: ignore[arg-type]
    try:
        name, data = village_print(doc=doc, output=output, actor=request_actor(request))
    except PrintRefused as exc:
        return render(request, "web/survey_print_refused.html", {"message": str(exc)}, status=403)
    if OUTPUTS[output].suffix == "xlsx":
        return xlsx_response(name, data)
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"  # person data: not kept by browsers or proxies
    return response


@require_GET
def forms_pdf(request: HttpRequest, campaign: int, code: str) -> HttpResponse:
    return _print(request, campaign, code, "forms")


@require_GET
def summary_pdf(request: HttpRequest, campaign: int, code: str) -> HttpResponse:
    return _print(request, campaign, code, "summary_pdf")


@require_GET
def summary_xlsx(request: HttpRequest, campaign: int, code: str) -> HttpResponse:
    return _print(request, campaign, code, "summary_xlsx")


@require_GET
def roster_xlsx(request: HttpRequest, campaign: int, code: str) -> HttpResponse:
    return _print(request, campaign, code, "roster")
