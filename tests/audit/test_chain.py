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


APPENDER = """
import os, sys, threading
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canbao.settings")
django.setup()
from django.db import connection, connections

connections.settings["default"]["NAME"] = sys.argv[1]  # the test database, for every thread's connection
from canbao.audit.services import AuditActor, audit_record

def append(t):
    try:
        for i in range(int(sys.argv[3])):
            audit_record(actor=AuditActor(name=f"p{sys.argv[2]}t{t}"), action="search", detail={"i": i})
    finally:
        connection.close()

threads = [threading.Thread(target=append, args=(t,)) for t in range(int(sys.argv[4]))]
for th in threads:
    th.start()
for th in threads:
    th.join()
"""


def test_concurrent_processes_and_threads_keep_the_chain() -> None:
    """What several web processes of `canbao serve` do: append at the same time. The head row's lock
    (PostgreSQL) or the IMMEDIATE transaction (SQLite) makes the appends one chain, and the outside
    copy of the head ends at its last record."""
    import subprocess
    import sys

    from canbao.audit.chain import read_head

    _fill(1)
    processes, threads, each = 3, 3, 10
    name = str(connection.settings_dict["NAME"])
    connection.close()  # SQLite: no open transaction of this process in the way
    children = [
        subprocess.Popen([sys.executable, "-c", APPENDER, name, str(p), str(each), str(threads)])
        for p in range(processes)
    ]
    assert [c.wait(timeout=300) for c in children] == [0] * processes
    total = 1 + processes * threads * each
    assert AuditRecord.objects.count() == total
    assert sorted(AuditRecord.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert verify_chain().ok
    last = AuditRecord.objects.get(seq=total)
    assert read_head() == (total, last.hash)
