"""`keys rotate` re-encrypts and re-hashes everything under a new key set, resumably, while look-ups
keep working; the audit chain still verifies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.factories import OPERATOR, build_city, make_id

from canbao.audit.models import AuditRecord
from canbao.audit.verify import verify_chain
from canbao.core import crypto, keyfile
from canbao.registry import rotation
from canbao.registry.models import Person, PersonHistory, Unit, UnitHistory
from canbao.registry.selectors import PersonFilters, person_list
from canbao.registry.services import persons_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key file of the test's own: rotating must not change the worker's shared one."""
    path = tmp_path / "keys" / "keys.json"
    monkeypatch.setenv("CANBAO_KEY_FILE", str(path))
    return path


@pytest.fixture
def town(key_path: Path, db: None) -> dict[str, Any]:
    """The `city` fixture's persons (built under this test's key file) and history with tokens."""
    city = build_city()
    person = city.east[0]
    PersonHistory.objects.create(
        person=person,
        actor="test",
        source="change:1",
        before={"aae005": crypto.encrypt("13800000000"), "aac003": "旧名", "n": 3},
        after={"aae005": crypto.encrypt("13911112222"), "list": [crypto.encrypt("x-值")]},
    )
    unit = Unit.objects.create(ukey="91320100MA00000000", aab004="测试单位")
    UnitHistory.objects.create(
        unit=unit, actor="test", source="change:2", before={}, after={"contact": crypto.encrypt("025-1234")}
    )
    plain = {
        p.pk: (crypto.decrypt(p.aac002_cipher), crypto.decrypt(p.aae005_cipher) if p.aae005_cipher else "")
        for p in Person.objects.all()
    }
    return {"city": city, "plain": plain}


def _finds(actor: Any, number: str) -> list[int]:
    return list(
        person_list(actor=actor, filters=PersonFilters(id_number=number)).values_list("pk", flat=True)
    )


def _assert_all_under(kid: str, town: dict[str, Any]) -> None:
    for p in Person.objects.all():
        number, phone = town["plain"][p.pk]
        assert p.aac002_cipher.startswith(f"{kid}:")
        assert crypto.decrypt_checked(p.aac002_cipher, p.aac002_hash) == number
        assert p.aac002_hash == crypto.lookup_hashes([number], kid=kid)[0]
        if phone:
            assert p.aae005_cipher.startswith(f"{kid}:")
            assert crypto.decrypt_checked(p.aae005_cipher, p.aae005_hash) == phone
    history = PersonHistory.objects.get(source="change:1")
    assert history.before["aae005"].startswith(f"{kid}:") and history.after["list"][0].startswith(f"{kid}:")
    assert crypto.decrypt(history.before["aae005"]) == "13800000000"
    assert crypto.decrypt(history.after["aae005"]) == "13911112222"
    assert crypto.decrypt(history.after["list"][0]) == "x-值"
    assert history.before["aac003"] == "旧名" and history.before["n"] == 3
    unit_history = UnitHistory.objects.get()
    assert unit_history.after["contact"].startswith(f"{kid}:")
    assert crypto.decrypt(unit_history.after["contact"]) == "025-1234"


def test_rotate_reencrypts_rehashes_and_keeps_lookups(town: dict[str, Any], key_path: Path) -> None:
    audit_key = crypto.load_keyring().active.audit
    updated = dict(Person.objects.values_list("pk", "updated_at"))

    result = rotation.rotate(actor=OPERATOR)

    assert result.target == "k2" and not result.resumed
    assert result.counts["persons"] == len(town["plain"])
    _assert_all_under("k2", town)
    data = json.loads(key_path.read_text())
    assert data["current"] == "k2" and set(data["keys"]) == {"k1", "k2"} and "rotation" not in data
    assert key_path.stat().st_mode & 0o777 == 0o600
    assert crypto.load_keyring().active.audit == audit_key  # the audit chain keeps its key
    assert crypto.load_keyring().lookup_ids == ("k2",)  # rotation over: one hash per look-up again
    assert dict(Person.objects.values_list("pk", "updated_at")) == updated  # no data changed
    officer = town["city"].users["city_officer"]
    for pk, (number, _) in town["plain"].items():
        assert _finds(officer, number) == [pk]
    assert rotation.person_key_counts() == {
        "k2": {"aac002": len(town["plain"]), "aae005": sum(1 for _, ph in town["plain"].values() if ph)}
    }
    assert verify_chain().ok
    results = list(AuditRecord.objects.filter(action="key_rotate").values_list("result", flat=True))
    assert results == ["started", "ok"]
    assert AuditRecord.objects.filter(action="key_rotate", actor=OPERATOR.name).count() == 2

    # A second rotation goes on to k3; old keys stay until retired.
    assert rotation.rotate(actor=OPERATOR).target == "k3"
    _assert_all_under("k3", town)
    assert set(crypto.load_keyring().keys) == {"k1", "k2", "k3"}
    assert verify_chain().ok


class Interrupted(Exception):
    pass


def test_interrupted_rotation_resumes_and_lookups_work_meanwhile(
    town: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop_after_first(phase: str, last_pk: int) -> None:
        raise Interrupted(phase)

    monkeypatch.setattr(rotation, "after_batch", stop_after_first)
    with pytest.raises(Interrupted):
        rotation.rotate(actor=OPERATOR, batch_size=2)
    monkeypatch.setattr(rotation, "after_batch", None)

    # Half done: two persons under k2, the rest still under k1; the key file says so.
    assert rotation.pending_rotation()["target"] == "k2"
    assert crypto.load_keyring().current == "k2" and crypto.load_keyring().lookup_ids == ("k2", "k1")
    state = json.loads(keyfile.state_file().read_text())
    assert state["phase"] == "persons" and state["counts"] == {"persons": 2}
    counts = rotation.person_key_counts()
    assert counts["k2"]["aac002"] == 2 and counts["k1"]["aac002"] == len(town["plain"]) - 2

    officer = town["city"].users["city_officer"]
    by_key = {
        kid: [p for p in Person.objects.order_by("pk") if p.aac002_cipher.startswith(kid)]
        for kid in ("k1", "k2")
    }
    for kid in ("k1", "k2"):  # found whether re-hashed yet or not
        person = by_key[kid][0]
        number, phone = town["plain"][person.pk]
        assert _finds(officer, number) == [person.pk]
        assert crypto.decrypt_checked(person.aac002_cipher, person.aac002_hash) == number
        # Publishing the same person again neither duplicates them nor records a change.
        counts_before = PersonHistory.objects.count()
        result = persons_upsert(
            [{"aac002": number, "aae005": phone, "aac003": person.aac003}], actor="t", source="t"
        )
        assert (result.created, result.changed, result.unchanged) == (0, 0, 1)
        assert PersonHistory.objects.count() == counts_before
    # A person created meanwhile is written under the new key straight away.
    newcomer = make_id("320102", "19990101", 77)
    persons_upsert(
        [{"aac002": newcomer, "aac003": "新人", "placement_id": "320102001001"}], actor="t", source="t"
    )
    assert Person.objects.get(aac003="新人").aac002_cipher.startswith("k2:")
    town["plain"][Person.objects.get(aac003="新人").pk] = (newcomer, "")

    # Running `rotate` again finishes the pending rotation instead of starting another.
    result = rotation.rotate(actor=OPERATOR, batch_size=2, resume_only=True)
    assert result.target == "k2" and result.resumed
    _assert_all_under("k2", town)
    assert rotation.pending_rotation() is None and not keyfile.state_file().exists()
    assert set(crypto.load_keyring().keys) == {"k1", "k2"}
    assert _finds(officer, newcomer) == [Person.objects.get(aac003="新人").pk]
    assert verify_chain().ok
    results = list(AuditRecord.objects.filter(action="key_rotate").values_list("result", flat=True))
    assert results == ["started", "failed", "resumed", "ok"]  # the interruption is on record


def test_resume_without_pending_rotation_is_refused(town: dict[str, Any]) -> None:
    with pytest.raises(rotation.RotationError, match="没有未完成"):
        rotation.rotate(actor=OPERATOR, resume_only=True)
    assert crypto.load_keyring().current == "k1"


def test_swapped_ciphertext_stops_the_rotation_without_laundering_it(town: dict[str, Any]) -> None:
    a, b = Person.objects.order_by("pk")[:2]
    Person.objects.filter(pk=a.pk).update(aac002_cipher=b.aac002_cipher)  # a's hash, b's number
    with pytest.raises(rotation.RotationError, match=f"person:{a.pk}:"):
        rotation.rotate(actor=OPERATOR)
    a.refresh_from_db()
    assert a.aac002_cipher == b.aac002_cipher and a.aac002_cipher.startswith("k1:")  # left as it was
    assert rotation.pending_rotation() is not None  # fix the row, then resume
    assert AuditRecord.objects.filter(action="key_rotate", result="failed").exists()
    assert verify_chain().ok


def test_retire_only_an_unused_old_key(town: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(rotation.RotationError, match="当前密钥"):
        rotation.retire(kid="k1", actor=OPERATOR)
    monkeypatch.setattr(rotation, "after_batch", lambda phase, pk: (_ for _ in ()).throw(Interrupted()))
    with pytest.raises(Interrupted):
        rotation.rotate(actor=OPERATOR, batch_size=3)
    monkeypatch.setattr(rotation, "after_batch", None)
    with pytest.raises(rotation.RotationError, match="尚未完成"):
        rotation.retire(kid="k1", actor=OPERATOR)
    rotation.rotate(actor=OPERATOR)
    rotation.retire(kid="k1", actor=OPERATOR)
    assert set(crypto.load_keyring().keys) == {"k2"}
    _assert_all_under("k2", town)
    assert verify_chain().ok
    assert AuditRecord.objects.filter(action="key_retire", object_ref="k1").exists()


def test_retire_refuses_a_key_still_in_use(town: dict[str, Any]) -> None:
    rotation.rotate(actor=OPERATOR)
    # A history token written under k1 after the rotation (e.g. restored from an old row).
    token = crypto.encrypt_many(["13800000000"], kid="k1")[0]
    PersonHistory.objects.create(
        person=Person.objects.first(), actor="t", source="t", after={"aae005": token}
    )
    with pytest.raises(rotation.RotationError, match="仍有数据"):
        rotation.retire(kid="k1", actor=OPERATOR)


def test_cli_keys_status_rotate_retire(town: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    from canbao.cli.main import main

    assert main(["keys", "status"]) == 0
    out = capsys.readouterr().out
    assert "当前密钥：k1" in out and "k1" in out
    assert main(["keys", "rotate", "--batch-size", "4"]) == 0
    assert "当前密钥 k2" in capsys.readouterr().out
    assert main(["keys", "rotate", "--resume"]) == 1
    assert "没有未完成" in capsys.readouterr().err
    assert main(["keys", "status"]) == 0
    assert "可停用的旧密钥" in capsys.readouterr().out
    assert main(["keys", "retire", "k2"]) == 1
    assert main(["keys", "retire", "k1"]) == 0
    assert verify_chain().ok
    actors = set(AuditRecord.objects.filter(action__startswith="key_").values_list("actor", flat=True))
    assert len(actors) == 1 and actors.pop().startswith("cli:")
