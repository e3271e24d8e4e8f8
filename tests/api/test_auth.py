"""Tokens: issued through the web's login rules, stored hashed, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.test import Client
from django.utils import timezone
from tests.factories import PASSWORD

from canbao.accounts.models import User
from canbao.api.models import ApiToken
from canbao.audit.models import AuditRecord

from .conftest import Api, token_for

TOKEN_URL = "/api/v1/auth/token"


def _login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def test_token_is_issued_stored_hashed_and_works(client: Client, api_city) -> None:
    response = _login(client, "east_clerk", PASSWORD)
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "Bearer"
    token = body["token"]
    row = ApiToken.objects.get()
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.key_hash
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(hours=7, minutes=59) < expires - timezone.now() <= dt.timedelta(hours=8)
    assert Api(Client(), token).get("/api/v1/persons/", {"name": "东"}).status_code == 200
    audit = AuditRecord.objects.filter(action="login", actor="east_clerk").values_list(
        "object_type", "result"
    )
    assert set(audit) == {("user", "ok"), ("api_token", "ok")}


def test_no_token_or_a_bad_one_is_401(client: Client, api_city) -> None:
    assert client.get("/api/v1/persons/", {"name": "东"}).status_code == 401
    response = Api(client, "not-a-token").get("/api/v1/persons/", {"name": "东"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "令牌" in response.json()["detail"]


def test_sessions_are_not_accepted(client: Client, api_city) -> None:
    web = Client()
    assert web.post("/login/", {"username": "east_clerk", "password": PASSWORD}).status_code == 302
    assert web.get("/persons/", {"name": "东"}).status_code == 200
    assert web.get("/api/v1/persons/", {"name": "东"}).status_code == 401


def test_expired_token_is_refused(client: Client, api_city) -> None:
    token = token_for(client, "east_clerk")
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Api(client, token).get("/api/v1/persons/", {"name": "东"}).status_code == 401


def test_logout_revokes_the_token(client: Client, api_city) -> None:
    token = token_for(client, "east_clerk")
    api = Api(client, token)
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    assert api.get("/api/v1/persons/", {"name": "东"}).status_code == 401
    assert AuditRecord.objects.filter(action="logout", object_type="api_token", actor="east_clerk").exists()


def test_five_failures_lock_and_the_sixth_right_password_is_refused(client: Client, api_city) -> None:
    for _ in range(5):
        response = _login(client, "east_clerk", "wrong-Password1")
        assert response.status_code == 401
    assert "锁定" in response.json()["detail"]
    sixth = _login(client, "east_clerk", PASSWORD)
    assert sixth.status_code == 401
    assert "锁定" in sixth.json()["detail"]
    assert not ApiToken.objects.exists()
    results = list(
        AuditRecord.objects.filter(action="login", object_ref="east_clerk").values_list("result", flat=True)
    )
    assert results.count("failed") == 5 and results.count("locked") == 1
    # The same lock holds on the web login: one account, one lockout.
    web = Client().post("/login/", {"username": "east_clerk", "password": PASSWORD})
    assert web.status_code == 200 and "锁定" in web.content.decode()


def test_admin_roles_get_no_token(client: Client, api_city) -> None:
    for username in ("sys", "auditor"):
        response = _login(client, username, PASSWORD)
        assert response.status_code == 403
        assert "管理员" in response.json()["detail"]
    assert not ApiToken.objects.exists()
    assert AuditRecord.objects.filter(action="login", object_type="api_token", result="refused").count() == 2


def test_web_first_conditions_are_403_in_chinese(client: Client, api_city) -> None:
    User.objects.filter(username="east_clerk").update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    old = _login(client, "east_clerk", PASSWORD)
    assert old.status_code == 403 and "90 天" in old.json()["detail"] and "网页端" in old.json()["detail"]

    User.objects.filter(username="west_clerk").update(pledge_accepted_at=None)
    unsigned = _login(client, "west_clerk", PASSWORD)
    assert unsigned.status_code == 403 and "保密承诺书" in unsigned.json()["detail"]


def test_inactive_account_gets_no_token(client: Client, api_city) -> None:
    User.objects.filter(username="east_clerk").update(is_active=False)
    response = _login(client, "east_clerk", PASSWORD)
    # Django's login refuses inactive accounts like a wrong password (nothing tells them apart).
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.exists()


def test_a_token_dies_with_its_account(client: Client, api_city) -> None:
    token = token_for(client, "east_clerk")
    User.objects.filter(username="east_clerk").update(is_active=False)
    assert Api(client, token).get("/api/v1/persons/", {"name": "东"}).status_code == 401


def test_malformed_token_request_is_400(client: Client, api_city) -> None:
    response = client.post(TOKEN_URL, "not json", content_type="application/json")
    assert response.status_code == 400
    assert _login(client, "", "").status_code == 400


def test_the_token_throttle_counts_in_every_process(client: Client, api_city) -> None:  # type: ignore[no-untyped-def]
    """`canbao serve --workers N`: the requests an address made through one process count in the others
    (the cache is shared, not each process's memory), so N processes do not allow N × 30 a minute."""
    import os
    import subprocess
    import sys

    from django.conf import settings
    from django.db import connection

    for _ in range(30):
        _login(client, "east_clerk", "wrong")
    User.objects.filter(username="east_clerk").update(failed_logins=0, locked_until=None)
    other_process = (
        "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'canbao.settings'); django.setup()\n"
        "from django.db import connections; connections.settings['default']['NAME'] = sys.argv[1]\n"
        "from django.conf import settings; settings.CACHES['default']['LOCATION'] = sys.argv[2]\n"
        "from django.test import Client\n"
        "r = Client().post('/api/v1/auth/token', {'username': 'east_clerk', 'password': 'x'},"
        " content_type='application/json')\n"
        "print(r.status_code)"
    )
    # The throttle answers before the account is looked up (a 401 here would mean it let it through).
    name = str(connection.settings_dict["NAME"])
    env = {**os.environ, "CANBAO_HOME": str(settings.HOME)}  # the home of this process's settings
    location = str(settings.CACHES["default"]["LOCATION"])  # this test worker's (tests/conftest.py)
    out = subprocess.run(
        [sys.executable, "-c", other_process, name, location],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "429"
