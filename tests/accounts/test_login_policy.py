"""The login policy: TOTP for admin roles, the pledge at first login, a password change every 90 days."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import OPERATOR, PASSWORD, totp_now, web_login

from canbao.accounts.models import User
from canbao.accounts.services import user_create
from canbao.audit.models import AuditRecord

NEW_PASSWORD = "Neu#2026pass"


def _password_step(client: Client, username: str) -> str:
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def test_admin_account_is_not_logged_in_before_the_code(client: Client, city) -> None:
    assert _password_step(client, "auditor") == "/login/totp/"
    # Password alone is not a login: every page still sends the account back to the login page.
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith("/login/")
    response = client.post("/login/totp/", {"code": totp_now(city.users["auditor"])})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    results = list(AuditRecord.objects.filter(object_ref="auditor").values_list("action", "result"))
    assert ("login", "totp_pending") in results and ("login_totp", "ok") in results


def test_business_account_needs_no_code(client: Client, city) -> None:
    assert _password_step(client, "viewer") == "/"


def test_a_code_works_only_once(client: Client, city) -> None:
    code = totp_now(city.users["sys"])
    _password_step(client, "sys")
    assert client.post("/login/totp/", {"code": code}).status_code == 302
    client.logout()
    _password_step(client, "sys")
    replay = client.post("/login/totp/", {"code": code})
    assert replay.status_code == 200 and "已使用" in replay.content.decode()


def test_wrong_codes_lock_the_account(client: Client, city) -> None:
    secret = city.users["auditor"].totp_secret
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 500_000) % 1_000_000:06d}"
    _password_step(client, "auditor")
    for _ in range(4):
        assert "验证码错误" in client.post("/login/totp/", {"code": wrong}).content.decode()
    locked = client.post("/login/totp/", {"code": wrong}).content.decode()
    assert "锁定" in locked
    # Locked: even the right password and a fresh code do not get in for 15 minutes.
    again = client.post("/login/", {"username": "auditor", "password": PASSWORD})
    assert again.status_code == 200 and "锁定" in again.content.decode()
    assert User.objects.get(username="auditor").locked_until > timezone.now() + dt.timedelta(minutes=14)


def test_password_success_does_not_reset_code_failures(client: Client, city) -> None:
    secret = city.users["sys"].totp_secret
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 500_000) % 1_000_000:06d}"
    for _ in range(5):  # a known password must not buy fresh guesses of the code
        _password_step(client, "sys")
        client.post("/login/totp/", {"code": wrong})
    assert User.objects.get(username="sys").locked_until is not None


def test_pending_code_expires(client: Client, city, monkeypatch: pytest.MonkeyPatch) -> None:
    import canbao.web.views_account as views_account

    _password_step(client, "auditor")
    monkeypatch.setattr(views_account, "TOTP_PENDING_SECONDS", -1)
    response = client.post("/login/totp/", {"code": totp_now(city.users["auditor"])})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_first_login_asks_for_the_pledge(client: Client, city) -> None:
    user_create(username="newclerk", roles=["township_clerk"], node_code="320102001000",
                password=PASSWORD, actor=OPERATOR)  # fmt: skip
    web_login(client, "newclerk")
    for page in ("/", "/persons/", "/persons/?name=东"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == "/pledge/"
    body = client.get("/pledge/").content.decode()
    assert "全民参保登记工作保密承诺书" in body and "不伪造、篡改、擅自销毁登记信息" in body
    refused = client.post("/pledge/", {})
    assert "请阅读并勾选" in refused.content.decode()
    assert client.post("/pledge/", {"agree": "1"}).status_code == 302
    user = User.objects.get(username="newclerk")
    assert user.pledge_accepted_at is not None and user.pledge_version
    record = AuditRecord.objects.get(action="pledge_accept", object_ref="newclerk")
    assert user.pledge_accepted_at.date().isoformat() in record.detail
    assert client.get("/persons/").status_code == 200


@pytest.mark.parametrize(("age_days", "must_change"), [(89, False), (90, True), (400, True)])
def test_password_older_than_90_days_must_change(
    client: Client, city, age_days: int, must_change: bool
) -> None:
    User.objects.filter(username="viewer").update(
        password_changed_at=timezone.now() - dt.timedelta(days=age_days)
    )
    web_login(client, "viewer")
    response = client.get("/persons/")
    if not must_change:
        assert response.status_code == 200
        return
    assert response["Location"] == "/password/"
    assert "超过 90 天" in client.get("/password/").content.decode()
    wrong_old = client.post("/password/", {"old": "nope", "new": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert "原密码不正确" in wrong_old.content.decode()
    weak = client.post("/password/", {"old": PASSWORD, "new": "abcdefgh", "again": "abcdefgh"})
    assert "至少三类" in weak.content.decode()
    same = client.post("/password/", {"old": PASSWORD, "new": PASSWORD, "again": PASSWORD})
    assert "不能与原密码相同" in same.content.decode()
    done = client.post("/password/", {"old": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/persons/").status_code == 200  # still logged in, now free to work
    assert User.objects.get(username="viewer").check_password(NEW_PASSWORD)
    assert AuditRecord.objects.filter(action="password_change", object_ref="viewer", result="ok").exists()
