"""A published run over the test city with targets, and the survey staff of one village."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from tests.factories import OPERATOR, PASSWORD, City, staff_create

from canbao.accounts.models import User
from canbao.comparison.models import ComparisonRun
from canbao.registry.models import Person
from canbao.survey.models import Campaign
from canbao.survey.services import campaign_create

VILLAGE, VILLAGE2, WEST_VILLAGE = "320102001001", "320102001002", "320104002001"


@dataclass
class Survey:
    city: City
    campaign: Campaign
    users: dict[str, User]


def actor(user: User):  # type: ignore[no-untyped-def]
    from canbao.audit.services import AuditActor

    return AuditActor(user.username, user.node_id or "")


@pytest.fixture
def published(city) -> ComparisonRun:  # type: ignore[no-untyped-def]
    run = ComparisonRun.objects.create(
        as_of=dt.date(2026, 9, 30),
        rules_version="t",
        rules_digest="t",
        status="done",
        published=True,
        started_by="t",
    )
    # Half the persons need a survey (outcome 4), the others are entered directly.
    for i, person in enumerate(Person.objects.order_by("aac001")):
        if i % 2 == 0:
            Person.objects.filter(pk=person.pk).update(
                outcome=4, survey_reasons="UNINSURED;INFO_MISSING", source_run=run.pk
            )
        else:
            Person.objects.filter(pk=person.pk).update(outcome=1, source_run=run.pk)
    return run


@pytest.fixture
def survey(city, published: ComparisonRun) -> Survey:  # type: ignore[no-untyped-def]
    users = dict(city.users)
    for name, role, node in [
        ("s1", "surveyor", VILLAGE), ("s2", "surveyor", VILLAGE), ("s3", "surveyor", VILLAGE),
        ("s_other", "surveyor", VILLAGE2), ("west_village", "village_assistant", WEST_VILLAGE),
        ("east_town", "township_clerk", "320102001000"), ("west_town", "township_clerk", "320104002000"),
    ]:  # fmt: skip
        users[name] = staff_create(
            username=name, roles=[role], node_code=node, password=PASSWORD, actor=OPERATOR
        )
    officer = users["city_officer"]
    campaign = campaign_create(
        user=officer, run=published, name="2026 年第四季度入户调查", actor=actor(officer)
    )
    return Survey(city, campaign, users)
