"""Exports of person lists: at once up to the threshold; above it, request → approval → one download.

Every step writes its audit record inside the step's transaction. Files are masked (the lists give
masked numbers only) and every text cell is neutralised against formula injection (core.xlsx).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.services import AuditActor, audit_record
from canbao.core.xlsx import Sheet, xlsx_bytes
from canbao.exports.lists import ExportList, export_threshold, resolve
from canbao.exports.models import ExportRequest
from canbao.exports.selectors import REQUEST_CAP, decidable_requests, own_requests

DEFAULT_VALID_DAYS = 7
REASON_MIN = 4


class ExportRefused(Exception):
    """The step is not allowed as asked; the message (Chinese) says why."""


class ApprovalNeeded(Exception):
    def __init__(self, lst: ExportList) -> None:
        super().__init__(lst.title)
        self.list = lst


def valid_days() -> int:
    """An approval is good for one download within this many days of the decision."""
    return int(settings.CANBAO.get("EXPORT_APPROVAL_VALID_DAYS", DEFAULT_VALID_DAYS))


def needs_approval(lst: ExportList) -> bool:
    return lst.person_list and lst.size() > export_threshold()


def _build(lst: ExportList) -> tuple[bytes, int]:
    return xlsx_bytes([Sheet("名单", lst.header, lst.rows())])


def _check_requester(user: Any) -> None:
    if user.is_admin_role or not user.can(REQUEST_CAP):
        raise NotFoundInScope()


def list_export(*, user: Any, actor: AuditActor, lst: ExportList) -> tuple[str, bytes]:
    """Export now when allowed; a person list above the threshold raises ApprovalNeeded (audited)."""
    _check_requester(user)
    detail = {**lst.audit_detail, "kind": lst.kind, "rows": lst.size(), "masked": True}
    if needs_approval(lst):
        with transaction.atomic():
            audit_record(
                actor=actor, action="export", object_type=lst.object_type, object_ref=lst.object_ref,
                result="approval_required", detail={**detail, "threshold": export_threshold()},
            )  # fmt: skip
        raise ApprovalNeeded(lst)
    data, written = _build(lst)
    with transaction.atomic():
        audit_record(
            actor=actor, action="export", object_type=lst.object_type, object_ref=lst.object_ref,
            detail={**detail, "rows": written},
        )  # fmt: skip
    return lst.file_name, data


def request_create(
    *, user: Any, actor: AuditActor, kind: str, spec: dict[str, Any], reason: str
) -> ExportRequest:
    _check_requester(user)
    lst = resolve(kind=kind, spec=spec, user=user)
    reason = reason.strip()
    if len(reason) < REASON_MIN:
        raise ExportRefused(f"请填写导出用途（至少 {REASON_MIN} 个字）")
    if not needs_approval(lst):
        raise ExportRefused(
            f"该名单共 {lst.size()} 行，未超过 {export_threshold()} 行，无需审批，可直接导出。"
        )
    with transaction.atomic():
        req = ExportRequest.objects.create(
            requester=user, node=user.node, kind=lst.kind, spec=lst.spec, title=lst.title[:200],
            row_count=lst.size(), reason=reason[:2000],
        )  # fmt: skip
        audit_record(
            actor=actor, action="export_request", object_type="export_request", object_ref=req.audit_ref,
            detail={**lst.audit_detail, "kind": lst.kind, "rows": req.row_count, "threshold": export_threshold()},
        )  # fmt: skip
    return req


def request_decide(*, user: Any, actor: AuditActor, pk: int, approve: bool, comment: str) -> ExportRequest:
    comment = comment.strip()[:2000]
    if not approve and not comment:
        raise ExportRefused("不予批准时请填写审批意见")
    with transaction.atomic():
        req = decidable_requests(user=user).select_for_update(of=("self",)).filter(pk=pk).first()
        if req is None:
            raise NotFoundInScope()
        if req.status != ExportRequest.Status.PENDING:
            raise ExportRefused(f"该申请已处理（{req.get_status_display()}）")
        req.status = ExportRequest.Status.APPROVED if approve else ExportRequest.Status.REFUSED
        req.approver, req.decided_at, req.comment = user, timezone.now(), comment
        req.save(update_fields=["status", "approver", "decided_at", "comment"])
        audit_record(
            actor=actor, action="export_approve" if approve else "export_refuse", object_type="export_request",
            object_ref=req.audit_ref, detail={"requester": req.requester.username, "rows": req.row_count},
        )  # fmt: skip
    return req


def _expired(req: ExportRequest) -> bool:
    return req.decided_at is not None and timezone.now() > req.decided_at + dt.timedelta(days=valid_days())


def request_download(*, user: Any, actor: AuditActor, pk: int) -> tuple[str, bytes]:
    """The approved list, evaluated now within the requester's scope; once, within the validity."""
    _check_requester(user)
    with transaction.atomic():
        req = own_requests(user=user).select_for_update(of=("self",)).filter(pk=pk).first()
        if req is None:
            raise NotFoundInScope()
        refusal = ""
        if req.status == ExportRequest.Status.APPROVED and _expired(req):
            req.status = ExportRequest.Status.EXPIRED
            req.save(update_fields=["status"])
            refusal = f"批准已超过 {valid_days()} 天，已过期；如仍需要请重新申请。"
        elif req.status != ExportRequest.Status.APPROVED:
            refusal = f"该申请当前状态为“{req.get_status_display()}”，不能下载。"
        elif req.node_id != user.node_id:
            refusal = "申请后账号所属区划已变更，原批准不再适用；请重新申请。"
        if refusal:
            audit_record(
                actor=actor, action="export", object_type="export_request", object_ref=req.audit_ref,
                result="refused", detail={"status": req.status},
            )  # fmt: skip
        else:
            lst = resolve(kind=req.kind, spec=req.spec, user=user)
            data, written = _build(lst)
            req.status, req.downloaded_at, req.downloaded_rows = (
                ExportRequest.Status.DOWNLOADED, timezone.now(), written,
            )  # fmt: skip
            req.save(update_fields=["status", "downloaded_at", "downloaded_rows"])
            audit_record(
                actor=actor, action="export", object_type=lst.object_type, object_ref=lst.object_ref,
                detail={**lst.audit_detail, "kind": lst.kind, "rows": written, "masked": True,
                        "request": req.pk, "approved_rows": req.row_count},
            )  # fmt: skip
            return lst.file_name, data
    raise ExportRefused(refusal)
