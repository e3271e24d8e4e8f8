"""Unit search and detail pages: scoped by placement, audited, employees masked and scoped."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from canbao.accounts.models import User
from canbao.audit.models import AuditRecord
from canbao.core.crypto import decrypt
from canbao.engine.validate import calc_credit_check_char
from canbao.registry.models import Person, Unit, UnitHistory


def _code(body: str) -> str:
    return f"91{body}" + calc_credit_check_char(f"91{body}")


EAST = _code("320102MA1EA0001")
WEST = _code("320104MA1WE0002")


@pytest.fixture
def units(city):  # type: ignore[no-untyped-def]
    User.objects.update(pledge_accepted_at=timezone.now())
    east = Unit.objects.create(ukey=EAST, aab998=EAST, aab004="东城机械有限公司", aab019="10",
                               placement_id="320102001001", needs_survey=True, survey_reasons="NO_INSURANCE;ID_INVALID")  # fmt: skip
    west = Unit.objects.create(ukey=WEST, aab998=WEST, aab004="西城纺织有限公司", placement_id="320104002001")
    UnitHistory.objects.create(
        unit=east, actor="test", source="run:7", before={"aab004": "旧名"}, after={"aab004": east.aab004}
    )
    # Two employees in the east county, one in the west: the east reviewer must see only the two.
    Person.objects.filter(pk__in=[city.east[0].pk, city.east[3].pk, city.west[1].pk]).update(
        employer_aab998=EAST
    )
    return {"east": east, "west": west}


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _without_csrf(body: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body.decode())


def test_search_by_name_code_and_area_is_scoped_and_audited(city, units) -> None:
    client = _as("east_reviewer")
    body = client.get("/units/", {"name": "有限公司"}).content.decode()
    assert "东城机械有限公司" in body and "西城纺织有限公司" not in body and "共 1 个单位" in body
    assert "共 0 个单位" in client.get("/units/", {"aab998": WEST}).content.decode()
    assert "共 1 个单位" in client.get("/units/", {"aab998": EAST.lower()}).content.decode()
    assert "共 1 个单位" in _as("city_officer").get("/units/", {"area": "320104000000"}).content.decode()
    assert AuditRecord.objects.filter(action="search", object_type="unit", actor="east_reviewer").count() == 3
    # The empty form searches nothing and records nothing.
    assert "共" not in client.get("/units/").content.decode()
    assert AuditRecord.objects.filter(action="search", actor="east_reviewer").count() == 3


def test_detail_shows_reasons_history_and_only_scoped_masked_employees(city, units) -> None:
    response = _as("east_reviewer").get(f"/units/{units['east'].pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "无参保记录" in body and "统一社会信用代码无效" in body  # survey reasons by name
    assert "10 企业" in body and "run:7" in body
    assert city.east[0].aac003 in body and city.east[3].aac003 in body
    assert city.west[1].aac003 not in body  # employed there, but outside the reviewer's county
    assert city.east[0].aac002_masked in body
    for person in Person.objects.all():
        assert decrypt(person.aac002_cipher) not in body
    record = AuditRecord.objects.get(action="unit_open")
    assert record.actor == "east_reviewer" and record.object_ref.endswith(EAST)


def test_other_county_unit_is_the_same_404_as_a_missing_one(city, units) -> None:
    client = _as("east_reviewer")
    other, missing = client.get(f"/units/{units['west'].pk}/"), client.get("/units/999999/")
    assert other.status_code == missing.status_code == 404
    assert _without_csrf(other.content) == _without_csrf(missing.content)
    assert not AuditRecord.objects.filter(action="unit_open").exists()


def test_admin_roles_and_anonymous_get_nothing(city, units) -> None:
    assert _as("sys").get("/units/", {"name": "有限"}).status_code == 404
    assert _as("auditor").get(f"/units/{units['east'].pk}/").status_code == 404
    assert Client().get("/units/").status_code == 302  # to the login page


def test_nav_links_unit_search(city, units) -> None:
    assert 'href="/units/"' in _as("viewer").get("/").content.decode()
    assert 'href="/units/"' not in _as("sys").get("/").content.decode()
