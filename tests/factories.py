"""A small hand-made city for the database tests: two counties, persons in each, accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from canbao.accounts.models import User
from canbao.accounts.services import user_create
from canbao.audit.services import AuditActor
from canbao.divisions.services import divisions_load
from canbao.engine.validate.idnumber import calc_check_char
from canbao.registry.models import Person
from canbao.registry.services import persons_upsert

PASSWORD = "Test@2026pass"
OPERATOR = AuditActor(name="cli:test")

TREE = [
    ("320000000000", "测试省", 1, ""),
    ("320100000000", "测试市", 2, "320000000000"),
    ("320102000000", "东城区", 3, "320100000000"),
    ("320102001000", "东城街道", 4, "320102000000"),
    ("320102001001", "东一社区", 5, "320102001000"),
    ("320102001002", "东二社区", 5, "320102001000"),
    ("320104000000", "西城区", 3, "320100000000"),
    ("320104002000", "西城镇", 4, "320104000000"),
    ("320104002001", "西一村", 5, "320104002000"),
]


def make_id(region: str, birth: str, seq: int) -> str:
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + calc_check_char(first17)


@dataclass
class City:
    east: list[Person] = field(default_factory=list)
    west: list[Person] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


def build_city() -> City:
    divisions_load(
        [
            {"AAB301": c, "name": n, "level": str(lv), "parent": p, "_line": i + 2}
            for i, (c, n, lv, p) in enumerate(TREE)
        ]
    )
    rows = []
    for i in range(6):
        village = "320102001001" if i % 2 == 0 else "320102001002"
        rows.append(
            _person(
                make_id("320102", f"19{70 + i}0101", 10 + i), f"东{i}号", village, phone=f"1380000{i:04d}"
            )
        )
    for i in range(4):
        rows.append(
            _person(
                make_id("320104", f"19{80 + i}0505", 20 + i),
                f"西{i}号",
                "320104002001",
                phone=f"1390000{i:04d}",
            )
        )
    persons_upsert(rows, actor="test", source="test")
    city = City()
    for person in Person.objects.order_by("aac001"):
        (city.east if person.placement_id.startswith("320102") else city.west).append(person)
    for username, roles, node in [
        ("east_reviewer", ["county_reviewer"], "320102000000"),
        ("west_reviewer", ["county_reviewer"], "320104000000"),
        ("city_officer", ["data_officer"], "320100000000"),
        ("east_village", ["village_assistant"], "320102001001"),
        ("sys", ["sysadmin"], "320100000000"),
        ("auditor", ["auditadmin"], "320100000000"),
        ("viewer", ["viewer"], "320100000000"),
    ]:
        city.users[username] = user_create(
            username=username, roles=roles, node_code=node, password=PASSWORD, actor=OPERATOR
        )
    # The fixture's staff signed the pledge long ago; tests of the first login make their own account.
    User.objects.filter(pk__in=[u.pk for u in city.users.values()]).update(pledge_accepted_at=timezone.now())
    for user in city.users.values():
        user.refresh_from_db()
    return city


def staff_create(**kwargs: Any) -> User:
    """An account as the tests' staff have it: created, and past the pledge of its first login."""
    user = user_create(actor=kwargs.pop("actor", OPERATOR), **kwargs)
    user.pledge_accepted_at = timezone.now()
    user.save(update_fields=["pledge_accepted_at"])
    return user


def totp_now(user: User) -> str:
    import pyotp

    return pyotp.TOTP(user.totp_secret).now()


def totp_unused(user: User) -> str:
    """A code the account has not used yet (a code works once; tests log in several times a minute)."""
    import time

    import pyotp

    totp = pyotp.TOTP(user.totp_secret)
    now = int(time.time()) // totp.interval
    step = next(s for s in (now - 1, now, now + 1) if s > user.totp_last_step)
    return totp.at(step * totp.interval)


def web_login(client: Any, username: str, password: str = PASSWORD) -> Any:
    """Log in through the pages, with the TOTP step for admin accounts. Returns the last response."""
    client.logout()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    if response["Location"].startswith("/login/totp/"):
        user = User.objects.get(username=username)
        response = client.post("/login/totp/", {"code": totp_unused(user)})
        assert response.status_code == 302, response.content.decode()
    return response


def _person(number: str, name: str, village: str, phone: str) -> dict[str, object]:
    return {
        "aac002": number,
        "aae005": phone,
        "aac003": name,
        "aac004": "1" if int(number[16]) % 2 else "2",
        "aac006": dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        "population_group": 1,
        "placement_id": village,
        "hukou_status": "1",
    }
