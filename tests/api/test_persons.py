"""Persons through the API: scoped (outside == missing), masked, audited, filtered."""

from __future__ import annotations

import json

import pytest
from tests.factories import make_id

from canbao.audit.models import AuditRecord
from canbao.registry.models import Person

PERSONS = "/api/v1/persons/"


def _no_full_number(city, body: bytes) -> None:  # type: ignore[no-untyped-def]
    text = body.decode()
    for number in city.numbers.values():
        assert number not in text


def test_detail_by_number_is_masked_and_audited(api_as, api_city) -> None:
    api = api_as("east_clerk")
    person = api_city.east[0]
    response = api.get(f"{PERSONS}{api_city.numbers[person.pk]}/")
    assert response.status_code == 200
    body = response.json()
    assert body["aac003"] == person.aac003
    assert body["aac002_masked"] == person.aac002_masked and "*" in body["aac002_masked"]
    assert body["aae005_masked"].count("*") == 4
    assert body["flags"] == ["DUP_PENSION", "NONLOCAL"]
    assert not {"aac002", "aac002_cipher", "aac002_hash", "aae005", "aae005_cipher"} & body.keys()
    _no_full_number(api_city, response.content)
    record = AuditRecord.objects.get(action="person_open")
    assert record.object_ref == person.audit_ref and record.actor == "east_clerk"


def test_fifteen_digit_number_is_normalised(api_as, api_city) -> None:
    person = api_city.east[0]
    number = api_city.numbers[person.pk]
    old = number[:6] + number[8:17]  # the 15-digit form: no century, no check character
    response = api_as("east_clerk").get(f"{PERSONS}{old}/")
    assert response.status_code == 200
    assert response.json()["aac001"] == person.aac001


def test_other_county_is_404_identical_to_missing(api_as, api_city) -> None:
    api = api_as("east_clerk")
    other = api.get(f"{PERSONS}{api_city.numbers[api_city.west[0].pk]}/")
    missing = api.get(f"{PERSONS}{make_id('320102', '19990101', 999)}/")
    garbage = api.get(f"{PERSONS}not-a-number/")
    assert other.status_code == missing.status_code == garbage.status_code == 404
    assert other.content == missing.content == garbage.content
    assert dict(other.headers).keys() == dict(missing.headers).keys()
    assert not AuditRecord.objects.filter(action="person_open").exists()


def test_list_is_scoped_masked_and_audited(api_as, api_city) -> None:
    east = api_as("east_clerk").get(PERSONS, {"name": "西"})
    assert east.status_code == 200 and east.json()["count"] == 0
    west = api_as("west_clerk").get(PERSONS, {"name": "西"})
    assert west.json()["count"] == 4
    city_wide = api_as("city_officer").get(PERSONS, {"area": "320100000000"})
    assert city_wide.json()["count"] == 10
    for response in (east, west, city_wide):
        _no_full_number(api_city, response.content)
    search = AuditRecord.objects.filter(action="search", object_type="person", actor="west_clerk").get()
    assert (
        json.loads(search.detail)["results"] == 4
        and json.loads(search.detail)["name"] is True
        and json.loads(search.detail)["via"] == "api"
    )


def test_search_by_number_does_not_log_the_number(api_as, api_city) -> None:
    number = api_city.numbers[api_city.east[2].pk]
    response = api_as("east_clerk").get(PERSONS, {"id_number": number})
    assert [r["aac003"] for r in response.json()["results"]] == [api_city.east[2].aac003]
    record = AuditRecord.objects.get(action="search")
    assert number not in str(record.detail) and json.loads(record.detail)["id_number"] is True
    # Another county's person by number: nothing.
    assert api_as("west_clerk").get(PERSONS, {"id_number": number}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"name": "东1"}, {"东1号"}),
        ({"area": "320102001002"}, {"东1号", "东3号", "东5号"}),
        ({"aic003": "11"}, {"东0号", "西0号"}),
        ({"aic003": "12"}, {"东1号"}),
        ({"flag": "DUP_PENSION"}, {"东0号"}),  # not DUP_BENEFIT_PENSION
        ({"flag": "NONLOCAL"}, {"东0号"}),
        ({"flag": "DUP_BENEFIT_PENSION"}, {"东1号"}),
        ({"outcome": "4"}, {"西0号"}),
        ({"outcome": "4", "name": "东"}, set()),
    ],
)
def test_filters(api_as, api_city, params, expected) -> None:  # type: ignore[no-untyped-def]
    response = api_as("city_officer").get(PERSONS, params)
    assert response.status_code == 200, response.content.decode()
    assert {r["aac003"] for r in response.json()["results"]} == expected


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"aic003": "11", "akc003": "11"},
        {"outcome": "9"},
        {"area": "32x"},
        {"flag": "NOPE"},
        {"name": "a\x00b"},
    ],
)
def test_bad_queries_are_400_in_chinese(api_as, api_city, params) -> None:  # type: ignore[no-untyped-def]
    response = api_as("city_officer").get(PERSONS, params)
    assert response.status_code == 400


def test_paging(api_as, api_city) -> None:
    api = api_as("city_officer")
    first = api.get(PERSONS, {"area": "320100000000", "page_size": "4"}).json()
    assert first["count"] == 10 and len(first["results"]) == 4 and first["next"]
    third = api.get(PERSONS, {"area": "320100000000", "page_size": "4", "page": "3"}).json()
    assert len(third["results"]) == 2 and third["next"] is None
    past = api.get(PERSONS, {"area": "320100000000", "page": "99"})
    assert past.status_code == 404


def test_admin_and_capability_less_roles_see_nothing(api_as, api_city) -> None:
    from canbao.accounts.models import User, UserRole

    # An account whose roles carry no person capability (a surveyor) gets the same 404 as for a missing record.
    user = User.objects.get(username="east_village")
    UserRole.objects.filter(user=user).update(role="surveyor")
    api = api_as("east_village")
    number = api_city.numbers[api_city.east[0].pk]
    assert api.get(f"{PERSONS}{number}/").status_code == 404
    assert api.get(PERSONS, {"name": "东"}).status_code == 404
    assert Person.objects.count() == 10
