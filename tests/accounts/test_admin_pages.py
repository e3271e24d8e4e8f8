"""Account management by the admin roles (三员分立) and the jurisdiction tree."""

from __future__ import annotations

import re

from django.test import Client
from tests.factories import OPERATOR, PASSWORD, staff_create, web_login

from canbao.accounts.models import User
from canbao.audit.models import AuditRecord


def _create(client: Client, **form: str) -> str:
    return client.post("/accounts/new/", form).content.decode()


def test_sysadmin_creates_an_account_without_roles_and_a_one_time_password(client: Client, city) -> None:
    web_login(client, "sys")
    body = _create(client, username="clerk1", real_name="钱一", node="320102001000")
    match = re.search(r"初始密码（仅显示一次）：(\S+?)<", body)
    assert match, body
    account = User.objects.get(username="clerk1")
    assert (
        account.role_keys == [] and account.password_changed_at is None and account.node_id == "320102001000"
    )
    assert AuditRecord.objects.filter(action="user_create", object_ref="clerk1", actor="sys").exists()
    # The new account logs in with it and must first sign the pledge, then choose its own password.
    web_login(client, "clerk1", password=match.group(1))
    assert client.get("/")["Location"] == "/pledge/"
    client.post("/pledge/", {"agree": "1"})
    assert client.get("/")["Location"] == "/password/"


def test_sysadmin_refused_outside_its_node_and_bad_input(client: Client, city) -> None:
    staff_create(
        username="eastsys", roles=["sysadmin"], node_code="320102000000", password=PASSWORD, actor=OPERATOR
    )
    web_login(client, "eastsys")
    assert "不在本账号管辖范围内" in _create(client, username="w1", real_name="孙", node="320104002000")
    assert "实名" in _create(client, username="w2", real_name=" ", node="320102001000")
    assert "用户名只能" in _create(client, username="<script>", real_name="孙", node="320102001000")
    west = User.objects.get(username="west_reviewer")
    assert client.get(f"/accounts/{west.pk}/").status_code == 404  # another county's account: not found
    assert "west_reviewer" not in client.get("/accounts/").content.decode()


def test_sysadmin_cannot_assign_roles_and_secadmin_cannot_create(client: Client, city) -> None:
    staff_create(
        username="sec", roles=["secadmin"], node_code="320100000000", password=PASSWORD, actor=OPERATOR
    )
    viewer = city.users["viewer"]
    web_login(client, "sys")
    client.post(
        f"/accounts/{viewer.pk}/", {"action": "assign", "roles": ["data_officer"], "node": "320100000000"}
    )
    assert User.objects.get(pk=viewer.pk).role_keys == ["viewer"]
    web_login(client, "sec")
    assert client.get("/accounts/new/").status_code == 404
    assert client.post(f"/accounts/{viewer.pk}/", {"action": "reset_password"}).status_code == 404
    assert User.objects.get(pk=viewer.pk).check_password(PASSWORD)  # unchanged: not the security admin's job


def test_secadmin_assigns_roles_and_node_under_separation_of_duties(client: Client, city) -> None:
    staff_create(
        username="sec", roles=["secadmin"], node_code="320100000000", password=PASSWORD, actor=OPERATOR
    )
    viewer = city.users["viewer"]
    web_login(client, "sec")
    mixed = client.post(
        f"/accounts/{viewer.pk}/",
        {"action": "assign", "roles": ["viewer", "auditadmin"], "node": "320100000000"},
    )
    assert "三员分立" in mixed.content.decode()
    ok = client.post(
        f"/accounts/{viewer.pk}/", {"action": "assign", "roles": ["township_clerk"], "node": "320104002000"}
    )
    assert "已保存" in ok.content.decode()
    viewer.refresh_from_db()
    viewer._role_keys = None
    assert viewer.role_keys == ["township_clerk"] and viewer.node_id == "320104002000"
    record = AuditRecord.objects.get(action="roles_assign", object_ref="viewer")
    assert "viewer" in record.detail and "township_clerk" in record.detail
    # Granting an admin role gives the account a TOTP secret for its second factor.
    ok = client.post(
        f"/accounts/{viewer.pk}/", {"action": "assign", "roles": ["auditadmin"], "node": "320100000000"}
    )
    assert "TOTP 密钥" in ok.content.decode() and User.objects.get(pk=viewer.pk).totp_secret
    # Not on itself.
    me = User.objects.get(username="sec")
    own = client.post(
        f"/accounts/{me.pk}/", {"action": "assign", "roles": ["data_officer"], "node": "320100000000"}
    )
    assert User.objects.get(pk=me.pk).role_keys == ["secadmin"] and "本人" in own.content.decode()


def test_sysadmin_resets_password_unlocks_and_deactivates(client: Client, city) -> None:
    viewer = city.users["viewer"]
    User.objects.filter(pk=viewer.pk).update(failed_logins=3)
    web_login(client, "sys")
    body = client.post(f"/accounts/{viewer.pk}/", {"action": "reset_password"}).content.decode()
    temp = re.search(r"临时密码（仅显示一次，首次登录须修改）：(\S+?)<", body).group(1)  # type: ignore[union-attr]
    assert User.objects.get(pk=viewer.pk).password_changed_at is None
    client.post(f"/accounts/{viewer.pk}/", {"action": "deactivate"})
    other = Client()
    assert other.post("/login/", {"username": "viewer", "password": temp}).status_code == 200  # refused
    client.post(f"/accounts/{viewer.pk}/", {"action": "activate"})
    client.post(f"/accounts/{viewer.pk}/", {"action": "unlock"})
    web_login(other, "viewer", password=temp)
    assert other.get("/persons/")["Location"] == "/password/"
    actions = set(
        AuditRecord.objects.filter(object_ref="viewer", actor="sys").values_list("action", flat=True)
    )
    assert {"password_reset", "user_deactivate", "user_activate", "user_unlock"} <= actions


def test_business_roles_have_no_account_pages(client: Client, city) -> None:
    web_login(client, "city_officer")
    assert client.get("/accounts/").status_code == 404
    assert client.get(f"/accounts/{city.users['viewer'].pk}/").status_code == 404


def test_tree_counts_persons_per_node_within_jurisdiction(client: Client, city) -> None:
    web_login(client, "city_officer")
    body = client.get("/tree/").content.decode()
    assert "东城区" in body and "西城区" in body and "登记对象 10 人" in body
    east = client.get("/tree/", {"node": "320102000000"}).content.decode()
    assert "东一社区" not in east and "东城街道" in east and "登记对象 6 人" in east
    web_login(client, "east_reviewer")
    assert client.get("/tree/", {"node": "320104000000"}).status_code == 404
    assert "西城区" not in client.get("/tree/").content.decode()
    # The system admin browses the tree but sees no person counts (三员分立).
    web_login(client, "sys")
    page = client.get("/tree/").content.decode()
    assert "东城区" in page and "登记对象" not in page


def test_tree_counts_come_from_the_latest_published_run(client: Client, city, tmp_path) -> None:
    # At 10 M persons grouping the registry under a city took ~8 s a page; the run's per-area counts
    # answer at once. The fixture's registry holds 10 persons, the run 8: the page must show the run's.
    import datetime as dt

    from tests.reports.test_dashboard_quarters import make_run

    run = make_run(tmp_path / "run", dt.date(2026, 9, 30), 2)
    web_login(client, "city_officer")
    body = client.get("/tree/").content.decode()
    assert "登记对象 8 人" in body and f"第 {run.pk} 次比对（基准日 2026-09-30）" in body
    assert re.search(
        r"320102000000</td><td>[^<]*</td>\s*<td><a href=\"/persons/\?area=320102000000\">4</a>", body
    )
    east = client.get("/tree/", {"node": "320102000000"}).content.decode()
    assert "登记对象 4 人" in east
    # Not published: not counted; the latest published run is.
    make_run(tmp_path / "draft", dt.date(2026, 10, 31), 0, published=False)
    assert "登记对象 8 人" in client.get("/tree/").content.decode()
