"""Reading the audit log for the audit admin: filters, the chain's state, retention.

Records hold no person data beyond masked numbers and internal keys (ADR 0004), so nothing here is
scoped by jurisdiction: the audit admin reads the whole log, and only the audit admin reaches it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from canbao.audit.chain import read_head
from canbao.audit.models import AuditHead, AuditRecord

MIN_RETENTION_DAYS = 180  # roles-and-workflow.md: kept at least 180 days (等保 2.0)
VERIFY_ACTION = "audit_verify"


def retention_days() -> int:
    """CANBAO["AUDIT_RETENTION_DAYS"], refused below the legal minimum (checked at start-up too)."""
    raw = settings.CANBAO.get("AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"AUDIT_RETENTION_DAYS 应为整数天数，当前为 {raw!r}") from None
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"审计日志保存期限不得少于 {MIN_RETENTION_DAYS} 天（AUDIT_RETENTION_DAYS = {days}）"
        )
    return days


@dataclass(frozen=True)
class AuditFilters:
    date_from: dt.date | None = None  # local dates (TIME_ZONE), both ends included
    date_to: dt.date | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_ref: str = ""  # prefix: `person:42` finds every record about that person
    result: str = ""

    def as_detail(self) -> dict[str, Any]:
        """For the audit record of a search or export of the log (no person data in any of these)."""
        return {k: (str(v) if v is not None else "") for k, v in self.__dict__.items() if v not in (None, "")}


def _utc_bound(day: dt.date) -> str:
    """The ISO text the log stores (`at`, UTC) for local midnight of `day`: text order is time order."""
    local = dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(dt.UTC).isoformat(timespec="microseconds")


def audit_list(*, filters: AuditFilters) -> QuerySet[AuditRecord]:
    """Matching records, newest first."""
    qs = AuditRecord.objects.all()
    if filters.date_from:
        qs = qs.filter(at__gte=_utc_bound(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_utc_bound(filters.date_to + dt.timedelta(days=1)))
    for name in ("actor", "action", "object_type", "result"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.object_ref:
        qs = qs.filter(object_ref__startswith=filters.object_ref)
    return qs.order_by("-seq")


def audit_actions() -> list[str]:
    return sorted(AuditRecord.objects.values_list("action", flat=True).distinct())


def local_time(at: str) -> str:
    """`at` (UTC ISO) as local time to the second, for screens and exports."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class ChainState:
    db_seq: int
    db_hash: str
    outside_seq: int | None
    outside_hash: str | None
    oldest_at: str | None
    last_verify: AuditRecord | None  # the latest verification from the web page (it is itself audited)

    @property
    def heads_agree(self) -> bool:
        return self.outside_seq == self.db_seq and self.outside_hash == self.db_hash

    @property
    def last_verify_detail(self) -> dict[str, Any]:
        return json.loads(self.last_verify.detail) if self.last_verify else {}


def chain_state() -> ChainState:
    """Cheap facts about the chain; the full walk (`verify_chain`) runs only on request."""
    head = AuditHead.objects.filter(id=1).first()
    outside = read_head()
    oldest = AuditRecord.objects.order_by("seq").values_list("at", flat=True).first()
    return ChainState(
        db_seq=head.seq if head else 0,
        db_hash=head.hash if head else "",
        outside_seq=outside[0] if outside else None,
        outside_hash=outside[1] if outside else None,
        oldest_at=oldest,
        last_verify=AuditRecord.objects.filter(action=VERIFY_ACTION).order_by("-seq").first(),
    )
