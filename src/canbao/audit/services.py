"""Writing audit records: always inside the transaction of the act they record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from canbao.audit.chain import GENESIS, canonical_detail, record_hash, write_head
from canbao.audit.models import AuditHead, AuditRecord


@dataclass(frozen=True)
class AuditActor:
    """Who acted: a staff account, `cli:<OS user>`, or an anonymous attempt (failed login)."""

    name: str
    node: str = ""
    address: str = ""


def audit_record(
    *,
    actor: AuditActor,
    action: str,
    object_type: str = "",
    object_ref: str = "",
    result: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain. Joins the caller's transaction when there is one."""
    # No savepoint inside the caller's transaction: a failed append must fail the act as a whole
    # (an atomic block without a savepoint marks the outer one for rollback), and it saves two
    # round trips on every audited page.
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "actor": actor.name[:150],
            "actor_node": actor.node[:12],
            "address": actor.address[:64],
            "action": action,
            "object_type": object_type,
            "object_ref": object_ref[:200],
            "result": result,
            "detail": canonical_detail(detail),
            "prev_hash": head.hash,
        }
        digest = record_hash(fields)
        record = AuditRecord.objects.create(hash=digest, **fields)
        head.seq, head.hash = record.seq, digest
        head.save(update_fields=["seq", "hash"])
        transaction.on_commit(lambda: write_head(record.seq, digest))
    return record
