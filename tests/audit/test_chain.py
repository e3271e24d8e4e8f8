"""The audit chain: `audit verify` finds an edited, inserted, deleted or cut-off record."""

from __future__ import annotations

import pytest
from django.db import connection

from canbao.audit.models import AuditHead, AuditRecord
from canbao.audit.services import AuditActor, audit_record
from canbao.audit.verify import verify_chain
from canbao.cli.main import main

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit must run: it writes the outside head

ACTOR = AuditActor(name="tester", node="320100000000", address="127.0.0.1")


def _fill(n: int = 6) -> None:
    for i in range(n):
        audit_record(actor=ACTOR, action="search", object_type="person", detail={"i": i})


def test_intact_chain_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    assert verify_chain().ok
    assert main(["audit", "verify"]) == 0
    assert "完整" in capsys.readouterr().out


def test_edited_record_is_found(capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    AuditRecord.objects.filter(seq=3).update(actor="someone-else")
    finding = verify_chain()
    assert (finding.ok, finding.kind, finding.seq) == (False, "edited", 3)
    assert main(["audit", "verify"]) == 1
    assert "第 3 条" in capsys.readouterr().err


def test_deleted_record_is_found() -> None:
    _fill()
    AuditRecord.objects.filter(seq=4).delete()
    finding = verify_chain()
    assert (finding.ok, finding.kind, finding.seq) == (False, "deleted", 4)


def test_inserted_record_is_found() -> None:
    _fill()
    # Make room at seq 3 by shifting the later records up, then slip in a forged record.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET seq = seq + 100 WHERE seq >= 3")
        cursor.execute("UPDATE audit_auditrecord SET seq = seq - 99 WHERE seq >= 103")
    genuine = AuditRecord.objects.get(seq=2)
    AuditRecord.objects.create(
        seq=3, at=genuine.at, actor="intruder", action="search", prev_hash=genuine.hash, hash="f" * 64
    )
    finding = verify_chain()
    assert (finding.ok, finding.kind, finding.seq) == (False, "inserted", 3)


def test_cut_at_the_end_is_found() -> None:
    _fill()
    AuditRecord.objects.filter(seq__gte=5).delete()
    AuditHead.objects.filter(id=1).update(seq=4, hash=AuditRecord.objects.get(seq=4).hash)
    finding = verify_chain()
    assert (finding.ok, finding.kind, finding.seq) == (False, "truncated", 5)


def test_rolled_back_act_leaves_no_record() -> None:
    from django.db import transaction

    _fill(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=ACTOR, action="export")
        raise RuntimeError("the act failed")
    assert AuditRecord.objects.count() == 2
    assert verify_chain().ok
