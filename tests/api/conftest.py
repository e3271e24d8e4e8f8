"""The `city` of tests/factories.py made ready for the API: pledges signed, township clerks of each
county, three units (one per county, one without a placement), a few statuses and flags."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from tests.factories import OPERATOR, PASSWORD

from canbao.accounts.models import User
from canbao.accounts.services import user_create
from canbao.core.crypto import decrypt
from canbao.engine.validate import calc_credit_check_char
from canbao.registry.models import Person, Unit, UnitHistory


def credit_code(body: str) -> str:
    first17 = f"91{body}"
    return first17 + calc_credit_check_char(first17)


EAST_UNIT = credit_code("320102MA1EA0001")
WEST_UNIT = credit_code("320104MA1WE0002")
LOOSE_UNIT = credit_code("320100MA1NW0003")


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()  # the token endpoint's throttle counts per address in the cache (files)


@pytest.fixture
def api_city(city):  # type: ignore[no-untyped-def]
    for username, node in (("east_clerk", "320102001000"), ("west_clerk", "320104002000")):
        city.users[username] = user_create(
            username=username, roles=["township_clerk"], node_code=node, password=PASSWORD, actor=OPERATOR
        )
    User.objects.update(pledge_accepted_at=timezone.now())
    east, west = city.east, city.west
    Person.objects.filter(pk=east[0].pk).update(
        aic003="11", flags="DUP_PENSION;NONLOCAL", employer_aab998=EAST_UNIT
    )
    Person.objects.filter(pk=east[1].pk).update(
        aic003="12", flags="DUP_BENEFIT_PENSION", employer_aab998=EAST_UNIT
    )
    Person.objects.filter(pk=west[0].pk).update(aic003="11", outcome=4, employer_aab998=EAST_UNIT)
    units = [
        Unit(ukey=EAST_UNIT, aab998=EAST_UNIT, aab004="东城机械有限公司", placement_id="320102001001",
             survey_reasons="NO_INSURANCE", needs_survey=True, credit_code_valid=True),
        Unit(ukey=WEST_UNIT, aab998=WEST_UNIT, aab004="西城纺织有限公司", placement_id="320104002001",
             credit_code_valid=True),
        Unit(ukey=LOOSE_UNIT, aab998=LOOSE_UNIT, aab004="无处安放商贸有限公司", placement_id=None),
    ]  # fmt: skip
    Unit.objects.bulk_create(units)
    east_unit = Unit.objects.get(ukey=EAST_UNIT)
    UnitHistory.objects.create(
        unit=east_unit,
        actor="test",
        source="run:1",
        before={"aab004": "东城机械厂"},
        after={"aab004": east_unit.aab004},
    )
    city.numbers = {p.pk: decrypt(p.aac002_cipher) for p in Person.objects.all()}
    return city


def token_for(client: Client, username: str) -> str:
    response = client.post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 201, response.content.decode()
    return str(response.json()["token"])


class Api:
    """A client that sends a bearer token."""

    def __init__(self, client: Client, token: str) -> None:
        self.client, self.token = client, token

    def get(self, path: str, params: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return self.client.get(path, params or {}, HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def post(self, path: str):  # type: ignore[no-untyped-def]
        return self.client.post(path, HTTP_AUTHORIZATION=f"Bearer {self.token}")


@pytest.fixture
def api_as(client: Client, api_city):  # type: ignore[no-untyped-def]
    def make(username: str) -> Api:
        return Api(Client(), token_for(client, username))

    return make
