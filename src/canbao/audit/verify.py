"""`canbao audit verify`: walk the chain and name the first record edited, inserted, deleted or cut."""

from __future__ import annotations

from dataclasses import dataclass

from canbao.audit.chain import GENESIS, HASHED_FIELDS, read_head, record_hash
from canbao.audit.models import AuditRecord


@dataclass(frozen=True)
class Finding:
    ok: bool
    kind: str  # ok | edited | inserted | deleted | truncated | head_mismatch
    seq: int | None
    message: str
    checked: int


def _fields(rec: AuditRecord) -> dict[str, object]:
    return {name: getattr(rec, name) for name in HASHED_FIELDS}


def verify_chain(batch: int = 5000) -> Finding:
    prev_hash = GENESIS
    expected = 1
    checked = 0
    last_seq = 0
    records = AuditRecord.objects.order_by("seq").iterator(chunk_size=batch)
    pending: AuditRecord | None = None
    for rec in records:
        if pending is not None:
            finding = _check(pending, prev_hash, expected, following=rec)
            if finding is not None:
                return Finding(False, finding[0], finding[1], finding[2], checked)
            prev_hash, expected, last_seq = pending.hash, pending.seq + 1, pending.seq
            checked += 1
        pending = rec
    if pending is not None:
        finding = _check(pending, prev_hash, expected, following=None)
        if finding is not None:
            return Finding(False, finding[0], finding[1], finding[2], checked)
        prev_hash, last_seq = pending.hash, pending.seq
        checked += 1
    head = read_head()
    if head is not None:
        head_seq, head_hash = head
        if head_seq > last_seq:
            return Finding(
                False,
                "truncated",
                last_seq + 1,
                f"审计日志在末尾被截断：库外记录的最新序号为 {head_seq}，库内只到 {last_seq}（第 {last_seq + 1} 条起缺失）",
                checked,
            )
        rec = AuditRecord.objects.filter(seq=head_seq).first()
        if head_seq > 0 and (rec is None or rec.hash != head_hash):
            return Finding(
                False, "head_mismatch", head_seq, f"第 {head_seq} 条记录与库外保存的链头不符", checked
            )
    return Finding(True, "ok", None, f"审计日志完整：共 {checked} 条记录，链校验通过", checked)


def _check(
    rec: AuditRecord, prev_hash: str, expected: int, *, following: AuditRecord | None
) -> tuple[str, int, str] | None:
    if rec.seq > expected:
        return "deleted", expected, f"第 {expected} 条至第 {rec.seq - 1} 条记录被删除（序号不连续）"
    content_ok = record_hash(_fields(rec)) == rec.hash
    link_ok = rec.prev_hash == prev_hash
    if content_ok and link_ok:
        return None
    if following is not None and following.prev_hash == prev_hash:
        # The chain goes around this record: it was slipped in between two genuine ones.
        return "inserted", rec.seq, f"第 {rec.seq} 条记录是插入的（链跳过了它）"
    if content_ok and not link_ok:
        return "deleted", rec.seq, f"第 {rec.seq} 条记录之前有记录被删除（链接不符）"
    if link_ok:
        return "edited", rec.seq, f"第 {rec.seq} 条记录被篡改（哈希不符）"
    return "edited", rec.seq, f"第 {rec.seq} 条记录被篡改，或其前的记录被删除后重新编号（哈希与链接均不符）"
