"""The registration database stores ID numbers and phones encrypted, and keeps history of changes."""

from __future__ import annotations

import pytest
from django.db import connection
from tests.factories import make_id

from canbao.core import crypto
from canbao.registry.models import Person, PersonHistory
from canbao.registry.services import persons_upsert

pytestmark = pytest.mark.django_db


def test_id_and_phone_are_encrypted_at_rest(city) -> None:
    person = city.east[0]
    number, phone = crypto.decrypt(person.aac002_cipher), crypto.decrypt(person.aae005_cipher)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person WHERE id = %s", [person.pk])
        raw_row = " ".join(str(v) for v in cursor.fetchone())
    assert number not in raw_row and phone not in raw_row
    assert person.aac002_masked == number[:4] + "*" * 10 + number[-4:]
    assert crypto.decrypt_checked(person.aac002_cipher, person.aac002_hash) == number
    # Look-up and join go through the keyed hash, never the plain value.
    assert Person.objects.get(aac002_hash=crypto.lookup_hash(number)) == person


def test_keyed_hash_depends_on_the_key(tmp_path, monkeypatch) -> None:
    number = make_id("320102", "19700101", 11)
    first = crypto.lookup_hash(number)
    monkeypatch.setenv("CANBAO_KEY_FILE", str(tmp_path / "other-keys.json"))
    assert crypto.lookup_hash(number) != first  # without the key file, hashes cannot be recomputed


def test_change_keeps_history_and_unchanged_rewrite_does_not(city) -> None:
    person = city.east[0]
    number = crypto.decrypt(person.aac002_cipher)
    counts = persons_upsert([{"aac002": number, "aac003": person.aac003}], actor="tester", source="test")
    assert (counts.created, counts.changed, counts.unchanged) == (0, 0, 1)
    assert not PersonHistory.objects.exists()

    counts = persons_upsert(
        [{"aac002": number, "aac003": "新名字", "aae005": "13912345678"}],
        actor="tester",
        source="change:1",
        reason="更正姓名",
    )
    assert counts.changed == 1
    history = PersonHistory.objects.get(person=person)
    assert history.before["aac003"] == person.aac003 and history.after["aac003"] == "新名字"
    assert history.after["aae005"] == "139****5678"  # history never holds a plain phone
    assert (history.actor, history.source, history.reason) == ("tester", "change:1", "更正姓名")
    person.refresh_from_db()
    assert crypto.decrypt(person.aae005_cipher) == "13912345678"


def test_failed_publish_leaves_database_unchanged(city) -> None:
    before = Person.objects.count()
    existing = crypto.decrypt(city.east[0].aac002_cipher)

    def rows():  # the source fails after some persons were written in this run
        for i in range(5400):
            yield {
                "aac002": make_id("320102", f"1999{1 + i // 900:02d}01", i % 900),
                "aac003": f"新人{i}",
                "placement_id": "320102001001",
            }
        yield {"aac002": existing, "aac003": "改名"}
        raise OSError("extract unreadable")

    with pytest.raises(OSError):
        persons_upsert(rows(), actor="tester", source="test")
    assert Person.objects.count() == before
    assert not PersonHistory.objects.exists()
    city.east[0].refresh_from_db()
    assert city.east[0].aac003 != "改名"


def test_unit_changes_keep_history(city) -> None:
    from canbao.engine.validate.creditcode import calc_credit_check_char
    from canbao.registry.models import Unit, UnitHistory
    from canbao.registry.services import units_upsert

    code = "91320102MA1" + "ABCDE1"
    code = code + calc_credit_check_char(code)
    row = {
        "ukey": code,
        "aab998": code,
        "aab004": "测试有限公司",
        "aab019": "10",
        "placement_id": "320102001000",
    }
    assert units_upsert([row], actor="t", source="test").created == 1
    assert Unit.objects.get(ukey=code).aab998 == code  # the unit pages and the API look it up by this
    assert units_upsert([row], actor="t", source="test").unchanged == 1
    assert not UnitHistory.objects.exists()
    units_upsert([{**row, "aab004": "测试股份有限公司"}], actor="t", source="run:2", reason="更名")
    history = UnitHistory.objects.get(unit=Unit.objects.get(ukey=code))
    assert (history.before, history.after, history.source) == (
        {"aab004": "测试有限公司"},
        {"aab004": "测试股份有限公司"},
        "run:2",
    )


def test_republish_changes_only_what_changed_and_clears_a_removed_phone(city) -> None:
    person = city.east[0]
    number = crypto.decrypt(person.aac002_cipher)
    untouched = {
        f: getattr(person, f) for f in ("aac003", "aac006", "placement_id", "aac001", "aac002_cipher")
    }
    counts = persons_upsert(
        [{"aac002": number, "aae006": "新地址 1 号", "aae005": ""}],
        actor="publisher",
        source="run:2",
        run_id=2,
    )
    assert (counts.created, counts.changed, counts.unchanged) == (0, 1, 0)
    person.refresh_from_db()
    assert person.aae006 == "新地址 1 号"
    assert (person.aae005_cipher, person.aae005_hash, person.aae005_masked) == ("", "", "")
    assert (person.source_run, person.aae011) == (2, "publisher")
    assert {f: getattr(person, f) for f in untouched} == untouched  # the rest of the row is kept
    history = PersonHistory.objects.get(person=person)
    assert history.after == {"aae006": "新地址 1 号", "aae005": ""}
    assert history.before["aae005"].startswith("1") and "*" in history.before["aae005"]


def test_person_table_carries_no_redundant_indexes() -> None:
    # Every index is paid for on each write of 10 M persons: one per purpose, none for LIKE on a hash.
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "registry_person")
    indexed = sorted(tuple(c["columns"]) for c in found.values() if c["index"] or c["unique"])
    for columns in (("aac002_hash",), ("aac001",), ("aae005_hash",)):
        assert indexed.count(columns) == 1, (columns, indexed)
    assert indexed.count(("aab301",)) == 1  # person_place_prefix; the foreign key has no index of its own
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'registry_person'")
            names = [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'registry_person'")
            options = cursor.fetchone()[0]
        assert not [n for n in names if n.endswith("_like")], names
        assert "fillfactor=90" in options  # room for HOT updates of re-published persons
