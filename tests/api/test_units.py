"""Units through the API: scoped by placement; units without one only for the city's top node."""

from __future__ import annotations

import json

from canbao.audit.models import AuditRecord

from .conftest import EAST_UNIT, LOOSE_UNIT, WEST_UNIT

UNITS = "/api/v1/units/"


def test_unit_detail_with_history_and_audit(api_as, api_city) -> None:
    response = api_as("east_clerk").get(f"{UNITS}{EAST_UNIT.lower()}/")
    assert response.status_code == 200
    body = response.json()
    assert body["aab998"] == EAST_UNIT and body["survey_reasons"] == ["NO_INSURANCE"]
    assert body["placement_name"] == "东一社区"
    assert body["history"][0]["changed"] == ["aab004"]
    record = AuditRecord.objects.get(action="unit_open")
    assert record.object_ref.endswith(EAST_UNIT) and record.actor == "east_clerk"


def test_other_county_unit_is_404_like_missing(api_as, api_city) -> None:
    api = api_as("east_clerk")
    other, missing, odd = (
        api.get(f"{UNITS}{WEST_UNIT}/"),
        api.get(f"{UNITS}X{EAST_UNIT[1:]}/"),
        api.get(f"{UNITS}%25/"),
    )
    assert other.status_code == missing.status_code == odd.status_code == 404
    assert other.content == missing.content == odd.content


def test_unplaced_units_only_at_the_top_node(api_as, api_city) -> None:
    officer = api_as("city_officer")
    assert officer.get(f"{UNITS}{LOOSE_UNIT}/").status_code == 200
    assert {u["aab998"] for u in officer.get(UNITS).json()["results"]} == {EAST_UNIT, WEST_UNIT, LOOSE_UNIT}
    reviewer = api_as("east_reviewer")
    assert reviewer.get(f"{UNITS}{LOOSE_UNIT}/").status_code == 404
    assert {u["aab998"] for u in reviewer.get(UNITS).json()["results"]} == {EAST_UNIT}


def test_unit_filters(api_as, api_city) -> None:
    api = api_as("city_officer")
    assert [u["aab998"] for u in api.get(UNITS, {"name": "纺织"}).json()["results"]] == [WEST_UNIT]
    assert [u["aab998"] for u in api.get(UNITS, {"aab998": EAST_UNIT}).json()["results"]] == [EAST_UNIT]
    assert [u["aab998"] for u in api.get(UNITS, {"area": "320104000000"}).json()["results"]] == [WEST_UNIT]
    assert api.get(UNITS, {"area": "320199000000"}).json()["count"] == 0
    assert api.get(UNITS, {"aab998": "bad code!"}).status_code == 400
    search = AuditRecord.objects.filter(action="search", object_type="unit").first()
    assert search is not None and json.loads(search.detail)["via"] == "api"


def test_admin_roles_cannot_reach_units_either(client, api_city) -> None:  # type: ignore[no-untyped-def]
    # They get no token at all (ADR 0006), so they cannot reach anything.
    from tests.factories import PASSWORD

    response = client.post(
        "/api/v1/auth/token", {"username": "sys", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403
