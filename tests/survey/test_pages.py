"""The office survey pages: campaign, progress, targets, teams and the review chain through the pages."""

from __future__ import annotations

from django.test import Client
from tests.factories import OPERATOR, PASSWORD, staff_create, web_login

from canbao.registry.models import Person
from canbao.survey.models import Campaign, SurveyForm, Target, Team

VILLAGE = "320102001001"


def test_officer_starts_a_campaign_from_the_latest_published_run(client: Client, city, published) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "city_officer")
    assert "据比对批次" in client.get("/survey/").content.decode()
    response = client.post("/survey/", {"name": "秋季入户调查"})
    campaign = Campaign.objects.get(name="秋季入户调查")
    assert response["Location"] == f"/survey/{campaign.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert "东城区" in body and "西城区" in body and "调查对象" in body
    again = client.post("/survey/", {"name": "再来一次"}).content.decode()
    assert "已有进行中" in again


def test_progress_and_targets_stay_within_the_county(client: Client, survey) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "east_reviewer")
    cid = survey.campaign.pk
    page = client.get(f"/survey/{cid}/").content.decode()
    assert "东城街道" in page and "西城" not in page
    assert client.get(f"/survey/{cid}/", {"node": "320104000000"}).status_code == 404
    listing = client.get(f"/survey/{cid}/targets/").content.decode()
    east = Target.objects.filter(campaign=survey.campaign, village__code__startswith="320102").count()
    assert listing.count('name="targets"') == east
    west = Target.objects.filter(campaign=survey.campaign, village_id="320104002001").first()
    assert client.get(f"/survey/{cid}/targets/{west.pk}/").status_code == 404


def test_roles_without_survey_office_work_get_not_found(client: Client, survey) -> None:  # type: ignore[no-untyped-def]
    for username in ("s1", "sys", "viewer"):
        web_login(client, username)
        assert client.get("/survey/").status_code == 404, username
        assert client.get(f"/survey/{survey.campaign.pk}/").status_code == 404, username


def test_chain_through_the_pages(client: Client, survey) -> None:  # type: ignore[no-untyped-def]
    cid = survey.campaign.pk
    web_login(client, "east_village")
    client.post(f"/survey/{cid}/teams/", {"village": VILLAGE, "name": "一组",
                                          "members": [survey.users["s1"].pk, survey.users["s2"].pk]})  # fmt: skip
    team = Team.objects.get(campaign=survey.campaign, name="一组")
    target = Target.objects.filter(campaign=survey.campaign, village_id=VILLAGE).first()
    done = client.post(
        f"/survey/{cid}/targets/", {"action": "assign", "team": team.pk, "targets": [target.pk]}
    )
    assert "已将 1 个对象分配给一组" in done.content.decode()
    page = client.post(f"/survey/{cid}/targets/{target.pk}/", {"action": "enter", "aac003": target.person.aac003,
                                                               "aac009": "1", "aae005": "123"}).content.decode()  # fmt: skip
    assert "手机号码" in page or "电话" in page  # the phone's own message
    client.post(f"/survey/{cid}/targets/{target.pk}/", {"action": "enter", "aac003": target.person.aac003, "aac009": "1",
                                                        "employment_status": "3", "uninsured_reason": "1"})  # fmt: skip
    client.post(f"/survey/{cid}/targets/{target.pk}/", {"action": "submit"})
    web_login(client, "east_town")
    returned = client.post(
        f"/survey/{cid}/targets/{target.pk}/", {"action": "return", "comment": ""}
    ).content.decode()
    assert "退回须填写原因" in returned
    client.post(f"/survey/{cid}/targets/{target.pk}/", {"action": "pass"})
    web_login(client, "east_reviewer")
    page = client.post(f"/survey/{cid}/targets/{target.pk}/", {"action": "accept"}).content.decode()
    assert "已审定通过" in page
    person = Person.objects.get(pk=target.person_id)
    assert person.outcome == 5 and person.aac009 == "11" and person.aae014 == "east_reviewer"
    detail = client.get(f"/persons/{person.pk}/").content.decode()
    assert "survey:" in detail and "5 已核实入库" in detail


def test_counter_collection_needs_another_clerk_for_the_first_review(client: Client, survey) -> None:  # type: ignore[no-untyped-def]
    staff_create(
        username="east_town2",
        roles=["township_clerk"],
        node_code="320102001000",
        password=PASSWORD,
        actor=OPERATOR,
    )
    cid = survey.campaign.pk
    target = Target.objects.filter(campaign=survey.campaign, village_id=VILLAGE).first()
    web_login(client, "east_town")
    client.post(
        f"/survey/{cid}/targets/{target.pk}/",
        {"action": "enter", "aac003": target.person.aac003, "aac009": "3"},
    )
    client.post(f"/survey/{cid}/targets/{target.pk}/", {"action": "submit"})
    own = client.post(f"/survey/{cid}/targets/{target.pk}/", {"action": "pass"}).content.decode()
    assert "须由另一名经办员初审" in own
    web_login(client, "east_town2")
    client.post(f"/survey/{cid}/targets/{target.pk}/", {"action": "pass"})
    assert SurveyForm.objects.get(target=target).state == "township_passed"


def test_township_progress_links_each_village_printouts(client: Client, survey) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "east_town")
    cid = survey.campaign.pk
    page = client.get(f"/survey/{cid}/", {"node": "320102001000"}).content.decode()
    assert (
        f"/survey/{cid}/village/{VILLAGE}/forms.pdf" in page
        and f"/survey/{cid}/village/{VILLAGE}/roster.xlsx" in page
    )
    pdf = client.get(f"/survey/{cid}/village/{VILLAGE}/forms.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
