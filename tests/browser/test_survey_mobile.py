"""A surveyor on a phone: two forms filled offline (a listed target and a person met at the door) arrive
exactly once when back online, then the review chain (township returns one, county accepts the other)
and the registry's outcome 5 and history.
Also: the phone's checks (static/web/checks.js) say what the server's validators say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.factories import PASSWORD, make_id

from canbao.audit.services import AuditActor
from canbao.engine.validate.creditcode import check_credit_code
from canbao.engine.validate.idnumber import check_id
from canbao.engine.validate.phone import check_phone
from canbao.registry.models import Person, PersonHistory
from canbao.survey.models import FormEvent, SurveyForm, Target
from canbao.survey.services import targets_assign, team_create
from canbao.survey.workflow import form_step

pytestmark = pytest.mark.browser
VILLAGE = "320102001001"
CHECKS_JS = Path(__file__).resolve().parents[2] / "src/canbao/web/static/web/checks.js"


def who(user):  # type: ignore[no-untyped-def]
    return AuditActor(user.username, user.node_id or "")


def login(page: Any, base: str, username: str, then: str) -> None:
    page.goto(base + then)
    assert "/login/" in page.url
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(base + then)


def fill_form(page: Any, hukou: str, phone: str) -> None:
    page.fill("#f-aac009", hukou)
    page.fill("#f-aac012", "7")
    page.fill("#f-employment_status", "3")
    page.fill("#f-aae005", "1391234")  # as they type: refused at once
    assert "联系电话格式错误" in page.inner_text('.msg[data-for="aae005"]')
    page.fill("#f-aae005", phone)
    assert page.inner_text('.msg[data-for="aae005"]') == f"手机 {phone}"
    page.fill("#f-uninsured_reason", "1")
    assert page.inner_text('.msg[data-for="uninsured_reason"]') == "1 个人未参保"
    page.check('input[name="insured_schemes"][value="12"]')
    page.tap("button.save")
    page.wait_for_url("**/m/?saved=*")


def test_two_forms_offline_arrive_once_then_return_accept_and_registry(live_server, survey, phone) -> None:  # type: ignore[no-untyped-def]
    """One listed target and one person met at the door (not on the list), both filled offline."""
    assistant = survey.users["east_village"]
    team = team_create(user=assistant, campaign=survey.campaign, village_code=VILLAGE, name="第一组",
                       member_ids=[survey.users["s1"].pk, survey.users["s2"].pk], actor=who(assistant))  # fmt: skip
    listed = Target.objects.filter(campaign=survey.campaign, village_id=VILLAGE).order_by("id").first()
    targets_assign(user=assistant, team=team, target_ids=[listed.pk], actor=who(assistant))
    base = live_server.url
    newcomer = make_id("320102", "19900315", 321)

    page = phone.new_page()
    login(page, base, "s1", "/m/")
    page.wait_for_selector('body[data-offline-ready="1"]', timeout=15_000)  # worker installed, pages stored
    assert listed.person.aac002_masked in page.content()

    phone.set_offline(True)
    page.goto(f"{base}/m/targets/{listed.pk}/")
    assert page.get_attribute("body", "data-source") == "offline"  # from the phone's cache, not the server
    fill_form(page, "3", "13912345678")
    page.goto(f"{base}/m/new/")
    assert page.get_attribute("body", "data-source") == "offline"
    page.fill(
        "#f-aac002", newcomer[:-1] + ("1" if newcomer[-1] == "0" else "0")
    )  # a mistyped check character
    assert "校验码错误" in page.inner_text('.msg[data-for="aac002"]')
    page.fill("#f-aac002", newcomer)
    assert page.inner_text('.msg[data-for="aac002"]').startswith("有效：")
    page.fill("#f-aac003", "门口新人")
    fill_form(page, "1", "13812345678")
    # The list is drawn after the form is stored in the phone's IndexedDB: wait for it, don't race it.
    page.wait_for_function("document.querySelectorAll('#local-list li').length >= 2")
    entries = page.locator("#local-list li")
    shown = [" ".join(t.split()) for t in entries.all_inner_texts()]
    assert shown == [f"{listed.person.aac003} 待同步", "门口新人（新增） 待同步"]
    assert "待同步 2 条" in page.inner_text("#queue-count")
    assert not SurveyForm.objects.exists()

    phone.set_offline(False)  # the `online` event starts the sync
    page.wait_for_selector("#local", state="hidden", timeout=15_000)
    events = list(FormEvent.objects.filter(action="enter"))
    assert (
        len(events) == 2 and len({e.client_uuid for e in events}) == 2 and all(e.client_uuid for e in events)
    )
    assert SurveyForm.objects.count() == 2
    found = Target.objects.get(kind="new_person")
    assert found.added_by == "s1" and found.village_id == VILLAGE
    assert SurveyForm.objects.get(target=listed).data["aac009"] == "21"  # short code 3 → 41号 21
    # Another sync (a reload, a later `online`) sends nothing again.
    page.reload()
    page.evaluate("window.CanbaoMobile.sync()")
    assert FormEvent.objects.filter(action="enter").count() == 2
    page.close()

    def step(name: str, target: Target, action: str, comment: str = "") -> None:
        user = survey.users[name]
        form_step(user=user, target_id=target.pk, action=action, comment=comment, actor=who(user))

    step("east_village", listed, "submit")
    step("east_village", found, "submit")
    step("east_town", listed, "return", "手机号码与本人核对不一致")
    step("east_town", found, "pass")
    step("east_reviewer", found, "accept")
    listed.refresh_from_db()
    found.refresh_from_db()
    assert (listed.state, found.state) == ("returned", "accepted")
    person = Person.objects.get(pk=found.person_id)
    assert person.outcome == 5 and person.population_group == 4 and person.aac009 == "11"
    assert person.aac003 == "门口新人" and person.aae014 == "east_reviewer" and person.placement_id == VILLAGE
    history = PersonHistory.objects.get(
        person=person, source__startswith="survey:", reason="入户调查结果审定入库"
    )
    assert history.after["outcome"] == 5

    # The returned form is back on the surveyor's phone with the reason.
    page = phone.new_page()
    page.goto(f"{base}/m/")
    assert "退回原因：手机号码与本人核对不一致" in page.inner_text("main")
    page.close()

    county = phone.browser.new_context(viewport={"width": 1280, "height": 900})
    page = county.new_page()
    login(page, base, "east_reviewer", f"/persons/{person.pk}/")
    text = page.inner_text("main")
    assert "已核实入库" in text and "入户调查结果审定入库" in text and "门口新人" in text
    county.close()


def test_phone_checks_match_the_server(browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(CHECKS_JS))
    good = make_id("320102", "19700101", 10)
    ids = [good, good.lower(), good[:-1] + ("0" if good[-1] != "0" else "1"), "", "  " + good + "　",
           "１" + good[1:], good[:6] + "19700231" + "010", "320102700101010", "32010270010101X", "12345",
           "3201021899" + "0101" + "010", good[:5] + "a" + good[6:], "32010219700230" + "010"]  # fmt: skip
    ids += [s[:17] + "" for s in ids if len(s) == 18]
    got = page.evaluate("xs => xs.map(x => CanbaoChecks.checkId(x, null))", ids)
    for raw, js in zip(ids, got, strict=True):
        py = check_id(raw)
        assert (js["valid"], js["message"], js["normalised"]) == (py.valid, py.message, py.normalised), raw
        if py.valid:
            assert (js["birth"], js["sex"]) == (py.birth_date.isoformat(), py.sex)
    phones = ["13912345678", "139 1234 5678", "+86 13912345678", "8613912345678", "0086-13912345678",
              "0833-1234567", "08331234567", "01012345678", "010-12345678", "021 1234 5678", "12345678901",
              "1391234567a", "", "（0833）1234567", "０８３３-１２３４５６７", "+8608331234567"]  # fmt: skip
    got = page.evaluate("xs => xs.map(x => CanbaoChecks.checkPhone(x))", phones)
    for raw, js in zip(phones, got, strict=True):
        py = check_phone(raw)
        assert (js["valid"], js["message"], js["normalised"]) == (py.valid, py.message, py.normalised), raw
    codes = ["91350100M000100Y43", "91350100M000100Y44", "91350100m000100y43", "9135010OM000100Y43", "123",
             "91AB0100M000100Y43"]  # fmt: skip
    got = page.evaluate("xs => xs.map(x => CanbaoChecks.checkCredit(x))", codes)
    for raw, js in zip(codes, got, strict=True):
        py = check_credit_code(raw)
        assert (js["valid"], js["message"]) == (py.valid, py.message), raw
    page.close()
    assert json.dumps(got)  # evaluated in the browser, not skipped


def test_a_sync_after_the_session_ended_keeps_the_queue_until_login(live_server, survey, phone) -> None:  # type: ignore[no-untyped-def]
    assistant = survey.users["east_village"]
    team = team_create(user=assistant, campaign=survey.campaign, village_code=VILLAGE, name="第一组",
                       member_ids=[survey.users["s1"].pk, survey.users["s2"].pk], actor=who(assistant))  # fmt: skip
    target = Target.objects.filter(campaign=survey.campaign, village_id=VILLAGE).order_by("id").first()
    targets_assign(user=assistant, team=team, target_ids=[target.pk], actor=who(assistant))
    base = live_server.url
    page = phone.new_page()
    login(page, base, "s1", "/m/")
    page.wait_for_selector('body[data-offline-ready="1"]', timeout=15_000)
    phone.set_offline(True)
    page.goto(f"{base}/m/targets/{target.pk}/")
    fill_form(page, "3", "13912345678")
    phone.clear_cookies()  # 30 minutes idle: the session is gone
    phone.set_offline(False)
    page.wait_for_selector("#login-needed", state="visible", timeout=15_000)
    assert "待同步 1 条" in page.inner_text("#queue-count")
    assert not SurveyForm.objects.exists()
    page.click("#login-needed a")
    page.fill('input[name="username"]', "s1")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/m/")
    # The home page's queue section starts hidden, so "hidden" alone does not say the sync after
    # login has run: wait (at most 15 s) for the form to arrive, then check it arrived once.
    entered = FormEvent.objects.filter(form__target=target, action="enter")
    for _ in range(75):
        if entered.exists():
            break
        page.wait_for_timeout(200)
    page.wait_for_selector("#local", state="hidden", timeout=15_000)
    assert entered.count() == 1
