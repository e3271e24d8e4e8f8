"""The survey workflow: every transition, valid and invalid (wrong role, wrong node, wrong state)."""

from __future__ import annotations

import pytest
from tests.factories import make_id

from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.models import AuditRecord
from canbao.audit.services import AuditActor
from canbao.core import crypto
from canbao.registry.models import Person
from canbao.survey.errors import SurveyError
from canbao.survey.models import FormEvent, SurveyForm, Target
from canbao.survey.results import survey_table
from canbao.survey.services import campaign_create, targets_assign, team_create
from canbao.survey.workflow import form_enter, form_step, new_person_enter

VILLAGE, VILLAGE2, WEST_VILLAGE = "320102001001", "320102001002", "320104002001"
GOOD = {"aac003": "东0号", "aac009": "3", "aac012": "7", "aae005": "13912345678", "employment_status": "3",
        "uninsured_reason": "1", "aae006": "东一社区 8 号"}  # fmt: skip


def who(user):  # type: ignore[no-untyped-def]
    return AuditActor(user.username, user.node_id or "")


def _team(s, village: str = VILLAGE):  # type: ignore[no-untyped-def]
    assistant = s.users["east_village"]
    members = [s.users["s1"].pk, s.users["s2"].pk]
    return team_create(user=assistant, campaign=s.campaign, village_code=village, name="第一组",
                       member_ids=members, actor=who(assistant))  # fmt: skip


def _village_targets(s, village: str = VILLAGE) -> list[Target]:  # type: ignore[no-untyped-def]
    return list(Target.objects.filter(campaign=s.campaign, village_id=village).order_by("id"))


def _entered(s):  # type: ignore[no-untyped-def]
    team = _team(s)
    target = _village_targets(s)[0]
    targets_assign(
        user=s.users["east_village"], team=team, target_ids=[target.pk], actor=who(s.users["east_village"])
    )
    form_enter(
        user=s.users["s1"], target_id=target.pk, data=GOOD, client_uuid="dev1-0001", actor=who(s.users["s1"])
    )
    return target


def step(s, name: str, target: Target, action: str, comment: str = ""):  # type: ignore[no-untyped-def]
    user = s.users[name]
    return form_step(user=user, target_id=target.pk, action=action, comment=comment, actor=who(user))


# ------------------------------------------------------------------------------------ campaigns


def test_campaign_targets_every_person_needing_a_survey_under_the_node(survey) -> None:
    targets = Target.objects.filter(campaign=survey.campaign)
    expected = Person.objects.filter(outcome=4, placement__code__startswith="3201").count()
    assert targets.filter(kind="person").count() == expected == 5
    assert set(targets.values_list("reasons", flat=True)) == {"UNINSURED;INFO_MISSING"}
    assert all(t.village_id == t.person.placement_id for t in targets)
    assert AuditRecord.objects.filter(action="campaign_create").exists()


def test_campaign_refusals(survey, published) -> None:  # type: ignore[no-untyped-def]
    officer = survey.users["city_officer"]
    with pytest.raises(SurveyError, match="已有进行中"):
        campaign_create(user=officer, run=published, name="again", actor=who(officer))
    with pytest.raises(NotFoundInScope):
        campaign_create(user=survey.users["east_reviewer"], run=published, name="x", actor=who(officer))
    published.published = False
    with pytest.raises(SurveyError, match="尚未入库"):
        campaign_create(user=officer, run=published, name="x", actor=who(officer))


# ------------------------------------------------------------------------------ teams, assignment


def test_team_needs_two_or_three_surveyors_of_the_village(survey) -> None:
    assistant = survey.users["east_village"]
    s1, s2, s3, other = (survey.users[k] for k in ("s1", "s2", "s3", "s_other"))
    with pytest.raises(SurveyError, match="2–3"):
        team_create(
            user=assistant,
            campaign=survey.campaign,
            village_code=VILLAGE,
            name="a",
            member_ids=[s1.pk],
            actor=who(assistant),
        )
    with pytest.raises(SurveyError, match="本村"):
        team_create(
            user=assistant,
            campaign=survey.campaign,
            village_code=VILLAGE,
            name="a",
            member_ids=[s1.pk, other.pk],
            actor=who(assistant),
        )
    with pytest.raises(SurveyError, match="本村"):  # a clerk is not a surveyor
        team_create(
            user=assistant,
            campaign=survey.campaign,
            village_code=VILLAGE,
            name="a",
            member_ids=[s1.pk, survey.users["east_village"].pk],
            actor=who(assistant),
        )
    with pytest.raises(NotFoundInScope):  # another village's team: outside the assistant's node
        team_create(
            user=assistant,
            campaign=survey.campaign,
            village_code=VILLAGE2,
            name="a",
            member_ids=[other.pk, s1.pk],
            actor=who(assistant),
        )
    team = team_create(
        user=assistant,
        campaign=survey.campaign,
        village_code=VILLAGE,
        name="第一组",
        member_ids=[s1.pk, s2.pk, s3.pk],
        actor=who(assistant),
    )
    assert team.members.count() == 3
    with pytest.raises(NotFoundInScope):  # a surveyor cannot make teams
        team_create(
            user=s1,
            campaign=survey.campaign,
            village_code=VILLAGE,
            name="b",
            member_ids=[s2.pk, s3.pk],
            actor=who(s1),
        )


def test_surveyor_sees_only_its_team_targets(survey) -> None:
    team = _team(survey)
    mine, theirs = _village_targets(survey)[:2]
    targets_assign(
        user=survey.users["east_village"],
        team=team,
        target_ids=[mine.pk],
        actor=who(survey.users["east_village"]),
    )
    form_enter(user=survey.users["s1"], target_id=mine.pk, data=GOOD, actor=who(survey.users["s1"]))
    with pytest.raises(NotFoundInScope):
        form_enter(user=survey.users["s1"], target_id=theirs.pk, data=GOOD, actor=who(survey.users["s1"]))
    with pytest.raises(NotFoundInScope):
        form_enter(user=survey.users["s3"], target_id=mine.pk, data=GOOD, actor=who(survey.users["s3"]))
    west = Target.objects.filter(campaign=survey.campaign, village_id=WEST_VILLAGE).first()
    with pytest.raises(NotFoundInScope):
        targets_assign(
            user=survey.users["east_village"],
            team=team,
            target_ids=[west.pk],
            actor=who(survey.users["east_village"]),
        )


# ------------------------------------------------------------------------------------ entry


def test_entry_checks_items_and_keeps_id_and_phone_encrypted(survey) -> None:
    target = _entered(survey)
    bad = {**GOOD, "aae005": "1234", "aac009": "9", "uninsured_reason": "55"}
    with pytest.raises(SurveyError) as caught:
        form_enter(user=survey.users["s1"], target_id=target.pk, data=bad, actor=who(survey.users["s1"]))
    assert set(caught.value.errors) == {"aae005", "aac009", "uninsured_reason"}
    form = SurveyForm.objects.get(target=target)
    assert form.data["aac009"] == "21" and form.data["aac012"] == "27"  # short codes mapped to 41号
    assert form.data["uninsured_reason"] == "20"
    assert "13912345678" not in str(form.data) and form.aae005_masked.startswith("139")
    assert crypto.decrypt(form.aae005_cipher) == "13912345678"


def test_the_same_device_submission_twice_is_one_form(survey) -> None:
    target = _entered(survey)
    form_enter(user=survey.users["s1"], target_id=target.pk, data={**GOOD, "aac003": "改"}, client_uuid="dev1-0001",
               actor=who(survey.users["s1"]))  # fmt: skip
    assert FormEvent.objects.filter(form__target=target).count() == 1
    assert SurveyForm.objects.get(target=target).data["aac003"] == "东0号"  # the retry changed nothing


# ------------------------------------------------------------------------------ review chain


def test_full_chain_with_returns_reaches_the_registry(survey) -> None:
    target = _entered(survey)
    with pytest.raises(NotFoundInScope):  # a surveyor does not submit to the township
        step(survey, "s1", target, "submit")
    step(survey, "east_village", target, "submit")
    with pytest.raises(NotFoundInScope):  # the county does not do the 初审
        step(survey, "east_reviewer", target, "pass")
    with pytest.raises(SurveyError, match="退回须填写原因"):
        step(survey, "east_town", target, "return")
    step(survey, "east_town", target, "return", "电话号码与本人不符")
    assert SurveyForm.objects.get(target=target).comment == "电话号码与本人不符"
    with pytest.raises(SurveyError, match="不能提交初审"):
        step(survey, "east_village", target, "submit")  # returned: must be corrected first
    form_enter(
        user=survey.users["s1"],
        target_id=target.pk,
        data={**GOOD, "aae005": "13912340000"},
        actor=who(survey.users["s1"]),
    )
    step(survey, "east_village", target, "submit")
    with pytest.raises(SurveyError, match="不能审定通过"):
        step(survey, "east_reviewer", target, "accept")  # not before the township's 初审
    step(survey, "east_town", target, "pass")
    with pytest.raises(SurveyError):
        form_enter(user=survey.users["s1"], target_id=target.pk, data=GOOD, actor=who(survey.users["s1"]))
    with pytest.raises(NotFoundInScope):  # the other county's reviewer: not found
        step(survey, "west_reviewer", target, "accept")
    step(survey, "east_reviewer", target, "county_return", "地址不详")
    assert Target.objects.get(pk=target.pk).state == "county_returned"
    step(survey, "east_town", target, "pass")
    person_before = Person.objects.get(pk=target.person_id)
    assert person_before.outcome == 4
    step(survey, "east_reviewer", target, "accept")
    with pytest.raises(SurveyError, match="已审定入库"):
        step(survey, "east_reviewer", target, "accept")
    person = Person.objects.get(pk=target.person_id)
    assert person.outcome == 5 and person.aac009 == "21" and person.employment_status == "3"
    assert person.aae011 == "s1" and person.aae014 == "east_reviewer" and person.aae015 is not None
    assert person.aic003 == person_before.aic003  # statuses only ever come from extracts
    assert crypto.decrypt(person.aae005_cipher) == "13912340000"
    history = person.history.get(source__startswith="survey:")
    assert history.after["outcome"] == 5 and history.actor == "east_reviewer"
    actions = list(FormEvent.objects.filter(form__target=target).values_list("action", flat=True))
    assert actions == [
        "enter",
        "submit",
        "return",
        "enter",
        "submit",
        "pass",
        "county_return",
        "pass",
        "accept",
    ]
    assert AuditRecord.objects.filter(action="survey_accept", object_ref=f"target:{target.pk}").exists()


def test_new_person_at_the_door_becomes_group_4_once_accepted(survey) -> None:
    number = make_id("320102", "19900909", 77)
    data = {**GOOD, "aac002": number, "aac003": "门口新人"}
    surveyor = survey.users["s1"]
    with pytest.raises(SurveyError) as caught:
        new_person_enter(user=surveyor, campaign=survey.campaign, village_code=VILLAGE,
                         data={**data, "aac002": number[:-1] + ("0" if number[-1] != "0" else "1")}, actor=who(surveyor))  # fmt: skip
    assert "aac002" in caught.value.errors
    form = new_person_enter(user=surveyor, campaign=survey.campaign, village_code=VILLAGE, data=data,
                            client_uuid="dev1-0009", actor=who(surveyor))  # fmt: skip
    again = new_person_enter(user=surveyor, campaign=survey.campaign, village_code=VILLAGE, data=data,
                             client_uuid="dev1-0009", actor=who(surveyor))  # fmt: skip
    assert again.pk == form.pk and Target.objects.filter(kind="new_person").count() == 1
    with pytest.raises(NotFoundInScope):
        new_person_enter(
            user=surveyor, campaign=survey.campaign, village_code=WEST_VILLAGE, data=data, actor=who(surveyor)
        )
    target = form.target
    step(survey, "east_village", target, "submit")
    step(survey, "east_town", target, "pass")
    step(survey, "east_reviewer", target, "accept")
    person = Person.objects.get(aac002_hash=crypto.lookup_hash(number))
    assert person.population_group == 4 and person.outcome == 5 and person.placement_id == VILLAGE
    assert person.aac003 == "门口新人" and person.aac006.isoformat() == "1990-09-09"
    table = survey_table(person.aae015.date())
    assert table is not None
    rows = {r["pkey"]: r for r in table.to_pylist()}
    assert rows[number]["new_person"] is True and rows[number]["AAB301"] == VILLAGE
    assert rows[number]["AAC006"] == "19900909" and rows[number]["survey_date"].isdigit()


def test_survey_table_holds_only_results_accepted_by_the_as_of_date(survey) -> None:
    import datetime as dt

    target = _entered(survey)
    assert survey_table(dt.date(2030, 1, 1)) is None  # entered, not accepted
    for name, action in (("east_village", "submit"), ("east_town", "pass"), ("east_reviewer", "accept")):
        step(survey, name, target, action)
    day = SurveyForm.objects.get(target=target).aae015.date()
    assert survey_table(day - dt.timedelta(days=1)) is None
    table = survey_table(day)
    assert table is not None and table.num_rows == 1
    row = table.to_pylist()[0]
    number = crypto.decrypt(target.person.aac002_cipher)
    assert row["pkey"] == row["AAC002"] == number and row["new_person"] is False
    assert row["AAC009"] == "21" and row["AAE005"] == "13912345678" and row["AAE014"] == "east_reviewer"
