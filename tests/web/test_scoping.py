"""Jurisdiction scoping on the pages: outside the node answers exactly like 'does not exist'."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.factories import PASSWORD, web_login

from canbao.audit.models import AuditRecord


def _without_csrf(body: bytes) -> str:
    # The masked CSRF token differs on every response, by design; everything else must be identical.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body.decode())


def login(client: Client, username: str) -> None:
    web_login(client, username)


def test_login_page_is_chinese(client: Client) -> None:
    response = client.get("/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "用户登录" in body and 'lang="zh-hans"' in body


def test_pages_need_login(client: Client) -> None:
    response = client.get("/persons/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_county_account_gets_not_found_for_other_county(client: Client, city) -> None:
    login(client, "east_reviewer")
    own = client.get(f"/persons/{city.east[0].pk}/")
    assert own.status_code == 200
    assert city.east[0].aac003 in own.content.decode()

    other = client.get(f"/persons/{city.west[0].pk}/")
    missing = client.get("/persons/999999/")
    assert other.status_code == missing.status_code == 404
    # Same page, same message: nothing tells "exists elsewhere" from "does not exist".
    assert _without_csrf(other.content) == _without_csrf(missing.content)
    assert city.west[0].aac003 not in other.content.decode()


def test_search_only_returns_persons_in_jurisdiction(client: Client, city) -> None:
    login(client, "east_reviewer")
    west_id = city.west[0]
    from canbao.core.crypto import decrypt

    number = decrypt(west_id.aac002_cipher)
    by_id = client.get("/persons/", {"id_number": number}).content.decode()
    assert "共 0 人" in by_id
    by_name = client.get("/persons/", {"name": "东"}).content.decode()
    assert "共 6 人" in by_name
    assert "西0号" not in client.get("/persons/", {"name": "西"}).content.decode()


def test_city_officer_sees_both_counties_masked(client: Client, city) -> None:
    login(client, "city_officer")
    page = client.get("/persons/", {"area": "320100000000"}).content.decode()
    assert "共 10 人" in page
    from canbao.core.crypto import decrypt

    for person in city.east + city.west:
        assert decrypt(person.aac002_cipher) not in page  # only masked numbers on screen
        assert person.aac002_masked in page
    detail = client.get(f"/persons/{city.west[1].pk}/").content.decode()
    assert city.west[1].aae005_masked in detail
    assert decrypt(city.west[1].aae005_cipher) not in detail


@pytest.mark.parametrize("username", ["sys", "auditor"])
def test_admin_roles_never_see_person_data(client: Client, city, username: str) -> None:
    login(client, username)
    assert client.get(f"/persons/{city.east[0].pk}/").status_code == 404
    assert client.get("/persons/", {"name": "东"}).status_code == 404


def test_person_opened_and_search_are_audited_with_masked_reference(client: Client, city) -> None:
    login(client, "east_reviewer")
    client.get(f"/persons/{city.east[0].pk}/")
    client.get("/persons/", {"name": "东"})
    opened = AuditRecord.objects.get(action="person_open")
    assert opened.actor == "east_reviewer"
    assert opened.object_ref == f"person:{city.east[0].pk}:{city.east[0].aac002_masked}"
    assert AuditRecord.objects.filter(action="search", actor="east_reviewer").count() == 1


def test_failed_logins_are_audited_and_lock_the_account(client: Client, city) -> None:
    for _ in range(5):
        response = client.post("/login/", {"username": "viewer", "password": "wrong"})
        assert response.status_code == 200
    assert AuditRecord.objects.filter(action="login", result="failed", object_ref="viewer").count() == 5
    response = client.post("/login/", {"username": "viewer", "password": PASSWORD})
    assert "锁定" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_home_page_per_role(client: Client, city) -> None:
    login(client, "east_village")
    body = client.get("/").content.decode()
    assert "村社协理员" in body and "东一社区" in body


def test_area_filter_uses_the_node_prefix_and_pager_keeps_one_page_param(client: Client, city) -> None:
    login(client, "city_officer")
    body = client.get("/persons/", {"area": "320102001001"}).content.decode()
    assert "共 3 人" in body  # village 001 only, not 0010x siblings
    assert "共 0 人" in client.get("/persons/", {"area": "999999999999"}).content.decode()
    from canbao.web import views

    views.PAGE_SIZE, saved = 2, views.PAGE_SIZE
    try:
        page2 = client.get("/persons/", {"name": "东", "page": "2"}).content.decode()
    finally:
        views.PAGE_SIZE = saved
    assert "page=2&amp;page" not in page2 and "page=3" in page2


def test_fallback_node_is_the_deployment_node(city) -> None:
    from canbao.comparison.runs import top_node

    # 测试省 has a single child, 测试市: the city is the node this deployment serves.
    assert top_node().code == "320100000000"
