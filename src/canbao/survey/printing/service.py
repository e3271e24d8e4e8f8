"""Rendering one village's printout, with the size check and the audit record of the export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from canbao.audit.services import AuditActor, audit_record
from canbao.survey.printing.forms_pdf import forms_pdf
from canbao.survey.printing.sheets import VillagePrint
from canbao.survey.printing.summary import roster_xlsx, summary_pdf, summary_xlsx


@dataclass(frozen=True)
class Output:
    title: str
    suffix: str
    render: Callable[[VillagePrint, Callable[[int], None] | None], bytes]


OUTPUTS: dict[str, Output] = {
    "forms": Output("全民参保登记表", "pdf", forms_pdf),
    "summary_pdf": Output("个人基础信息汇总表", "pdf", lambda doc, _progress: summary_pdf(doc)),
    "summary_xlsx": Output("个人基础信息汇总表", "xlsx", lambda doc, _progress: summary_xlsx(doc)),
    "roster": Output("入户调查名册", "xlsx", lambda doc, _progress: roster_xlsx(doc)),
}


class PrintRefused(Exception):
    """Not printed; the message (Chinese) says why."""


def village_print(
    *, doc: VillagePrint, output: str, actor: AuditActor, progress: Callable[[int], None] | None = None
) -> tuple[str, bytes]:
    """(file name, bytes) of one printout; audited as an export, refused above the approval threshold."""
    spec = OUTPUTS[output]
    limit = int(settings.CANBAO["EXPORT_APPROVAL_THRESHOLD"])
    source = f"campaign:{doc.campaign.pk}" if doc.campaign else f"run:{doc.run.pk}" if doc.run else ""
    ref = f"{source}:{doc.area.code}:{output}"
    detail = {"village": doc.area.code, "output": output, "persons": len(doc.persons),
              "units": len(doc.units), "masked": True,
              "campaign": doc.campaign.pk if doc.campaign else None, "run": doc.run.pk if doc.run else None}  # fmt: skip
    if len(doc.persons) > limit:
        with transaction.atomic():
            audit_record(actor=actor, action="export", object_type="survey_print", object_ref=ref,
                         result="refused", detail={**detail, "threshold": limit})  # fmt: skip
        raise PrintRefused(
            f"{doc.area.village}共有 {len(doc.persons)} 名调查对象，超过 {limit} 人。导出超过 {limit} 人的个人信息"
            "需经上一级审核员审批，审批功能尚未开放；请联系县级经办机构分批打印。"
        )
    data = spec.render(doc, progress)
    with transaction.atomic():
        audit_record(actor=actor, action="export", object_type="survey_print", object_ref=ref,
                     detail={**detail, "bytes": len(data)})  # fmt: skip
    return f"{spec.title}-{doc.area.village}-{doc.area.code}.{spec.suffix}", data
