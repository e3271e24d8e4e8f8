"""The surveyor's phone pages and POST /m/sync: scoped, checked by the server, idempotent by client_uuid."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from tests.factories import PASSWORD, make_id, web_login

from canbao.audit.models import AuditRecord
from canbao.audit.services import AuditActor
from canbao.engine.codes import get_table
from canbao.survey.entry import form_tables, prefill, short_code
from canbao.survey.models import FormEvent, SurveyForm, Target
from canbao.survey.services import targets_assign, team_create

VILLAGE = "320102001001"
GOOD = {"aac003": "东0号", "aac009": "3", "aac012": "7", "aae005": "13912345678", "employment_status": "3",
        "uninsured_reason": "1", "aae006": "东一社区 8 号", "insured_schemes": ["12"]}  # fmt: skip


def who(user):  # type: ignore[no-untyped-def]
    return AuditActor(user.username, user.node_id or "")


@pytest.fixture
def team(survey):  # type: ignore[no-untyped-def]
    assistant = survey.users["east_village"]
    team = team_create(user=assistant, campaign=survey.campaign, village_code=VILLAGE, name="第一组",
                       member_ids=[survey.users["s1"].pk, survey.users["s2"].pk], actor=who(assistant))  # fmt: skip
    targets = list(Target.objects.filter(campaign=survey.campaign, village_id=VILLAGE).order_by("id"))
    targets_assign(user=assistant, team=team, target_ids=[t.pk for t in targets[:2]], actor=who(assistant))
    return team


def phone(username: str) -> Client:
    client = Client()
    web_login(client, username, PASSWORD)
    client.handler.enforce_csrf_checks = True  # as a browser: every POST after login carries the token
    return client


def sync(client: Client, entries: list[dict]):  # type: ignore[no-untyped-def]
    token = client.get("/m/sync").json()["csrf"]
    return client.post(
        "/m/sync", json.dumps(entries), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )


def test_my_targets_only_my_teams_with_masked_numbers(survey, team) -> None:  # type: ignore[no-untyped-def]
    mine = list(team.targets.order_by("id"))
    page = phone("s1").get("/m/").content.decode()
    for target in mine:
        assert f"/m/targets/{target.pk}/" in page
        assert target.person.aac002_masked in page
    assert "未参保、信息缺失" in page  # the reasons in Chinese
    others = Target.objects.filter(campaign=survey.campaign).exclude(team=team)
    assert all(f"/m/targets/{t.pk}/" not in page for t in others)
    assert phone("s3").get(f"/m/targets/{mine[0].pk}/").status_code == 404  # not in the team
    assert phone("s_other").get(f"/m/targets/{mine[0].pk}/").status_code == 404
    assert AuditRecord.objects.filter(action="view", object_type="survey_targets", actor="s1").exists()


def test_the_page_carries_the_servers_code_tables_and_prefill(survey, team) -> None:  # type: ignore[no-untyped-def]
    target = team.targets.order_by("id").first()
    page = phone("s1").get(f"/m/targets/{target.pk}/").content.decode()
    start = page.index('<script id="survey-tables" type="application/json">') + len(
        '<script id="survey-tables" type="application/json">'
    )
    tables = json.loads(page[start : page.index("</script>", start)])
    assert tables == json.loads(json.dumps(form_tables()))
    assert tables["aac012"]["codes"] == get_table("survey_identity").codes
    assert list(tables["uninsured_reason"]["codes"]) == [str(i) for i in range(1, 13)]
    assert f'value="{target.person.aac003}"' in page
    # Stored 41号 codes come back as the form's short codes.
    assert short_code("aac009", "21") == "3" and short_code("uninsured_reason", "20") == "1"
    target.person.aac009 = "22"
    assert prefill(target)["aac009"] == "4"


def test_sync_is_idempotent_by_client_uuid(survey, team) -> None:  # type: ignore[no-untyped-def]
    target = team.targets.order_by("id").first()
    client = phone("s1")
    entry = {"client_uuid": str(uuid.uuid4()), "target_id": target.pk, "data": GOOD}
    first = sync(client, [entry]).json()["results"]
    again = sync(client, [entry, entry]).json()["results"]
    assert first == [{"client_uuid": entry["client_uuid"], "status": "accepted", "target_id": target.pk}]
    assert [r["status"] for r in again] == ["accepted", "accepted"] and all(r["again"] for r in again)
    assert FormEvent.objects.filter(client_uuid=entry["client_uuid"]).count() == 1
    assert FormEvent.objects.filter(form__target=target).count() == 1
    form = SurveyForm.objects.get(target=target)
    assert (
        form.data["aac009"] == "21" and form.data["aac012"] == "27" and form.data["uninsured_reason"] == "20"
    )
    assert form.aae005_masked == "139****5678" and form.aae011 == "s1"
    assert AuditRecord.objects.filter(action="survey_enter", actor="s1").count() == 1


def test_refusals_carry_the_per_item_messages_and_do_not_stop_the_batch(survey, team) -> None:  # type: ignore[no-untyped-def]
    first, second = team.targets.order_by("id")
    outside = Target.objects.filter(campaign=survey.campaign).exclude(team=team).first()
    bad = {**GOOD, "aae005": "12345", "aac012": "15"}
    entries = [
        {"client_uuid": str(uuid.uuid4()), "target_id": first.pk, "data": bad},
        {"client_uuid": str(uuid.uuid4()), "target_id": outside.pk, "data": GOOD},
        {"client_uuid": str(uuid.uuid4()), "target_id": second.pk, "data": GOOD},
        {"client_uuid": "", "target_id": second.pk, "data": GOOD},
    ]
    results = sync(phone("s1"), entries).json()["results"]
    assert [r["status"] for r in results] == ["refused", "refused", "accepted", "refused"]
    assert set(results[0]["errors"]) == {"aae005", "aac012"}
    assert "联系电话格式错误" in results[0]["errors"]["aae005"]
    assert "不在您的调查范围内" in results[1]["message"]
    assert not SurveyForm.objects.filter(target__in=[first, outside]).exists()
    assert SurveyForm.objects.filter(target=second).count() == 1


def test_a_person_met_at_the_door_becomes_a_new_target(survey, team) -> None:  # type: ignore[no-untyped-def]
    number = make_id("320102", "19900101", 77)
    data = {**GOOD, "aac002": number, "aac003": "门口新人"}
    entry = {"client_uuid": str(uuid.uuid4()), "new_person": {"campaign": survey.campaign.pk, "village": VILLAGE},
             "data": data}  # fmt: skip
    client = phone("s1")
    results = sync(client, [entry, entry]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    target = Target.objects.get(pk=results[0]["target_id"])
    assert target.kind == "new_person" and target.added_by == "s1" and target.village_id == VILLAGE
    assert Target.objects.filter(kind="new_person").count() == 1
    missing = sync(client, [{**entry, "client_uuid": str(uuid.uuid4()), "data": {**data, "aac002": ""}}])
    assert missing.json()["results"][0]["errors"]["aac002"] == "请填写公民身份号码"


def test_sync_needs_a_session_and_the_csrf_token(survey, team) -> None:  # type: ignore[no-untyped-def]
    target = team.targets.order_by("id").first()
    body = json.dumps([{"client_uuid": str(uuid.uuid4()), "target_id": target.pk, "data": GOOD}])
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.get("/m/sync").status_code == 302  # the phone keeps its queue and asks to log in
    assert anonymous.get("/m/sw.js").status_code == 200  # code only: served without login
    client = phone("s1")
    client.get("/m/sync")
    assert client.post("/m/sync", body, content_type="application/json").status_code == 403
    assert not SurveyForm.objects.exists()
    assert phone("east_reviewer").get("/m/").status_code == 404  # no survey.enter


def test_offline_bundle_holds_each_editable_form_page(survey, team) -> None:  # type: ignore[no-untyped-def]
    pages = phone("s1").get("/m/offline").json()["pages"]
    assert set(pages) == {"/m/", "/m/new/", *(f"/m/targets/{t.pk}/" for t in team.targets.all())}
    assert all('data-source="offline"' in html for html in pages.values())
    records = AuditRecord.objects.filter(object_type="survey_targets", actor="s1")
    assert ["mobile-offline" in str(r.detail) for r in records] == [True]
