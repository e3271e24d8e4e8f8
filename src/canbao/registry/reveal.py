"""Showing an ID number or phone in full: only with a reason, and every time audited."""

from __future__ import annotations

from django.db import transaction

from canbao.audit.services import AuditActor, audit_record
from canbao.core import crypto
from canbao.registry.models import Person

REVEALABLE = {"aac002": "公民身份号码", "aae005": "联系电话"}
REASON_MIN, REASON_MAX = 4, 200


class RevealRefused(Exception):
    """With a Chinese reason."""


def person_reveal(*, person: Person, field: str, reason: str, actor: AuditActor) -> str:
    """The full value of `field`; the caller has authorised the person (person_get)."""
    if field not in REVEALABLE:
        raise RevealRefused("只能查看公民身份号码或联系电话的完整值")
    reason = " ".join(reason.split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise RevealRefused(f"请填写查看完整{REVEALABLE[field]}的事由（{REASON_MIN}–{REASON_MAX} 个字）")
    token, digest = getattr(person, f"{field}_cipher"), getattr(person, f"{field}_hash")
    if not token:
        raise RevealRefused(f"该人员没有登记{REVEALABLE[field]}")
    value = crypto.decrypt_checked(token, digest) if digest else crypto.decrypt(token)
    with transaction.atomic():
        audit_record(actor=actor, action="reveal", object_type="person", object_ref=person.audit_ref,
                     detail={"field": field, "reason": reason})  # fmt: skip
    return value
