"""The audit admin's acts on the log: exporting a filtered part (XLSX/CSV) and verifying the chain.

Both are themselves audited. Exports are for people: every text cell is neutralised against formula
injection (a record's object or detail may quote what a user typed, e.g. a file name).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db import transaction

from canbao.audit.models import AuditRecord
from canbao.audit.selectors import VERIFY_ACTION, AuditFilters, audit_list, local_time
from canbao.audit.services import AuditActor, audit_record
from canbao.audit.verify import Finding, verify_chain
from canbao.core.masking import neutralise_cell
from canbao.core.xlsx import Sheet, xlsx_bytes

HEADER = ("序号", "时间", "账号", "账号区划", "地址", "操作", "对象类型", "对象", "结果", "详情", "哈希")
FORMATS = ("xlsx", "csv")
DEFAULT_MAX_ROWS = 200_000  # one file stays well under Excel's 1,048,576 rows and in memory


class AuditExportRefused(Exception):
    """The export is too large; the message (Chinese) says how to narrow it."""


def max_rows() -> int:
    return int(settings.CANBAO.get("AUDIT_EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def _row(rec: AuditRecord) -> tuple[object, ...]:
    return (
        rec.seq, local_time(rec.at), rec.actor, rec.actor_node, rec.address, rec.action,
        rec.object_type, rec.object_ref, rec.result, rec.detail, rec.hash,
    )  # fmt: skip


def _rows(filters: AuditFilters) -> Iterator[tuple[object, ...]]:
    for rec in audit_list(filters=filters).iterator(chunk_size=5000):
        yield _row(rec)


def _csv(rows: Iterator[Sequence[object]]) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    n = 0
    for row in rows:
        writer.writerow([neutralise_cell(v) if isinstance(v, str) else v for v in row])
        n += 1
    # UTF-8 with BOM: Excel on Chinese Windows opens it as UTF-8 rather than GBK.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), n


def audit_export(*, filters: AuditFilters, fmt: str, actor: AuditActor) -> tuple[str, bytes]:
    """The matching records (newest first) as a file: (file name, bytes). Refused above the cap."""
    if fmt not in FORMATS:
        raise AuditExportRefused("不支持的导出格式")
    total = audit_list(filters=filters).count()
    limit = max_rows()
    detail = {"filters": filters.as_detail(), "format": fmt, "rows": total}
    if total > limit:
        with transaction.atomic():
            audit_record(
                actor=actor, action="export", object_type="audit_log", result="refused",
                detail={**detail, "limit": limit},
            )  # fmt: skip
        raise AuditExportRefused(
            f"符合条件的审计记录共 {total} 条，单次最多导出 {limit} 条；请缩小日期范围后分批导出。"
        )
    if fmt == "xlsx":
        data, written = xlsx_bytes([Sheet("审计日志", HEADER, _rows(filters))])
    else:
        data, written = _csv(_rows(filters))
    with transaction.atomic():
        audit_record(
            actor=actor, action="export", object_type="audit_log", detail={**detail, "rows": written}
        )
    stamp = "-".join(d.strftime("%Y%m%d") for d in (filters.date_from, filters.date_to) if d) or "全部"
    return f"审计日志-{stamp}.{fmt}", data


def audit_verify(*, actor: AuditActor) -> Finding:
    """Walk the whole chain and record the outcome (the audit page shows the latest one)."""
    finding = verify_chain()
    with transaction.atomic():
        audit_record(
            actor=actor, action=VERIFY_ACTION, object_type="audit_log", result="ok" if finding.ok else "failed",
            detail={"kind": finding.kind, "seq": finding.seq, "checked": finding.checked, "message": finding.message},
        )  # fmt: skip
    return finding
