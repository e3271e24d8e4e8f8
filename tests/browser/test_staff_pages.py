"""The staff pages in a real browser: login, lockout, TOTP, the pledge, search, detail, reveal, logout."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.factories import OPERATOR, PASSWORD, totp_now

from canbao.accounts.models import User
from canbao.accounts.services import user_create
from canbao.audit.models import AuditRecord
from canbao.core.crypto import decrypt
from canbao.registry.models import Person

pytestmark = pytest.mark.browser


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    click_through(page, page.get_by_role("button", name="登录"))


def click_through(page: Any, target: Any) -> None:
    """Click and wait for the next page: checks made right after a bare click may still see the old one."""
    with page.expect_navigation():
        target.click()


def path_of(page: Any) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_login_shows_name_and_roles(page: Any, city) -> None:
    log_in(page, "east_reviewer")
    assert path_of(page) == "/"
    who = page.locator("header .who").inner_text()
    user = city.users["east_reviewer"]
    assert user.username in who and "、".join(user.role_names) in who
    assert "东城区" in who
    assert page.get_by_role("heading", name="工作台").is_visible()


def test_five_wrong_passwords_lock_the_account(page: Any, city) -> None:
    for attempt in range(1, 6):
        log_in(page, "viewer", "Wrong@2026pass")
        assert path_of(page).startswith("/login/")
        error = page.get_by_role("alert").inner_text()
        assert ("锁定" in error) == (attempt == 5), (attempt, error)
    # Locked: the right password does not get in either, and the page says why.
    log_in(page, "viewer")
    assert path_of(page).startswith("/login/")
    assert "锁定" in page.get_by_role("alert").inner_text()
    assert page.locator("header .who").count() == 0
    assert User.objects.get(username="viewer").locked_until is not None


def test_admin_login_asks_for_the_code(page: Any, city) -> None:
    log_in(page, "sys")
    assert path_of(page) == "/login/totp/"
    page.goto("/")  # the password alone is no login
    assert path_of(page).startswith("/login/")
    log_in(page, "sys")
    page.get_by_label("验证码").fill(totp_now(city.users["sys"]))
    click_through(page, page.get_by_role("button", name="验证"))
    assert path_of(page) == "/"
    assert "系统管理员" in page.locator("header .who").inner_text()


def test_first_login_shows_the_pledge(page: Any, city, tmp_path: Path) -> None:
    user_create(username="newclerk", roles=["township_clerk"], node_code="320102001000",
                password=PASSWORD, actor=OPERATOR)  # fmt: skip
    log_in(page, "newclerk")
    assert path_of(page) == "/pledge/"
    page.goto("/persons/")  # every page leads to the pledge until it is signed
    assert path_of(page) == "/pledge/"
    assert page.get_by_role("heading", name="全民参保登记工作保密承诺书").is_visible()
    page.screenshot(path=tmp_path / "pledge.png", full_page=True)

    button = page.get_by_role("button", name="签署并进入系统")
    agree = page.get_by_label("本人已阅读并承诺遵守")
    button.click()  # unticked: the browser does not send the form (required checkbox)
    assert agree.evaluate("el => el.validity.valueMissing")
    agree.evaluate("el => el.removeAttribute('required')")  # and the server refuses it too
    click_through(page, button)
    assert "请阅读并勾选" in page.get_by_role("alert").inner_text()
    assert User.objects.get(username="newclerk").pledge_accepted_at is None

    agree.check()
    click_through(page, button)
    assert path_of(page) == "/"
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert User.objects.get(username="newclerk").pledge_accepted_at is not None
    click_through(page, page.locator("header nav").get_by_role("link", name="人员查询"))
    assert path_of(page) == "/persons/"


def test_search_by_name_shows_own_jurisdiction_masked(page: Any, city) -> None:
    # A person of the other county with a matching name: the search must still not show them.
    outsider = city.west[0]
    Person.objects.filter(pk=outsider.pk).update(aac003="东外号")
    log_in(page, "east_reviewer")
    click_through(page, page.locator("header nav").get_by_role("link", name="人员查询"))
    page.get_by_label("姓名", exact=True).fill("东")
    click_through(page, page.get_by_role("button", name="查询"))

    assert "共 6 人" in page.locator("main").inner_text()
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 6
    names = rows.locator("td:first-child").all_inner_texts()
    assert sorted(names) == sorted(p.aac003 for p in city.east)
    html = page.content()
    assert "东外号" not in html and outsider.aac002_masked not in html
    for person in city.east:
        assert person.aac002_masked in html
        assert decrypt(person.aac002_cipher) not in html


def test_detail_is_masked_and_reveals_with_a_reason(page: Any, city, tmp_path: Path) -> None:
    person = city.east[0]
    number = decrypt(person.aac002_cipher)
    log_in(page, "east_reviewer")
    page.goto(f"/persons/?name={person.aac003}")
    click_through(page, page.get_by_role("link", name=person.aac003))
    assert path_of(page) == f"/persons/{person.pk}/"
    assert page.locator("#aac002").inner_text() == person.aac002_masked
    assert number not in page.content()
    page.screenshot(path=tmp_path / "person-detail.png", full_page=True)

    page.locator("details.reveal summary").click()
    reason = page.get_by_label("查看事由")
    show = page.get_by_role("button", name="查看")
    show.click()  # empty reason: the browser does not send the form
    assert reason.evaluate("el => el.validity.valueMissing")
    reason.fill("   ")  # only spaces: the server refuses
    click_through(page, show)
    assert "请填写查看完整公民身份号码的事由" in page.get_by_role("alert").inner_text()
    assert page.locator("mark.revealed").count() == 0 and number not in page.content()
    assert not AuditRecord.objects.filter(action="reveal").exists()

    page.get_by_label("项目").select_option("aac002")
    page.get_by_label("查看事由").fill("核对身份证件，办理参保登记")
    click_through(page, page.get_by_role("button", name="查看"))
    assert page.locator("#aac002 mark.revealed").inner_text() == number
    record = AuditRecord.objects.get(action="reveal")
    assert record.actor == "east_reviewer" and record.object_ref == person.audit_ref
    assert json.loads(record.detail) == {"field": "aac002", "reason": "核对身份证件，办理参保登记"}


def test_logout(page: Any, city) -> None:
    log_in(page, "east_reviewer")
    click_through(page, page.get_by_role("button", name="退出"))
    assert path_of(page) == "/login/"
    page.goto("/persons/")
    assert path_of(page).startswith("/login/")
    assert AuditRecord.objects.filter(action="logout", object_ref="east_reviewer").exists()
