"""An accepted survey result is an input of the next comparison: outcome 5 survives a re-run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.factories import OPERATOR, PASSWORD, make_id, staff_create

from canbao.audit.services import AuditActor
from canbao.comparison.imports import import_extract
from canbao.comparison.runs import comparison_run
from canbao.core import crypto
from canbao.registry.models import Person
from canbao.survey.models import Target
from canbao.survey.services import campaign_create, targets_assign, team_create
from canbao.survey.workflow import form_enter, form_step

VILLAGE = "320102001001"
A = make_id("320102", "19750505", 51)  # registered, no insurance: needs a survey
B = make_id("320102", "19760606", 52)


def who(user):  # type: ignore[no-untyped-def]
    return AuditActor(user.username, user.node_id or "")


def _register(tmp_path: Path, name: str, as_of: dt.date) -> None:
    path = tmp_path / name
    path.write_text(
        "AAC002,AAC003,AAC004,AAB301,AAE006,hukou_status\n"
        f"{A},甲一,,{VILLAGE},东一社区5号,1\n{B},乙二,,{VILLAGE},东一社区6号,1\n",
        encoding="utf-8",
    )
    import_extract(path=path, kind="household_register", as_of=as_of, actor=OPERATOR)


def test_accepted_survey_gives_outcome_5_in_the_next_run(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = dt.date(2026, 9, 30)
    _register(tmp_path, "reg1.csv", first)
    run = comparison_run(as_of=first, actor=OPERATOR)
    person = Person.objects.get(aac002_hash=crypto.lookup_hash(A))
    assert person.outcome == 4 and "UNINSURED" in person.survey_reasons
    users = {name: staff_create(username=name, roles=[role], node_code=node, password=PASSWORD, actor=OPERATOR)
             for name, role, node in [("s1", "surveyor", VILLAGE), ("s2", "surveyor", VILLAGE),
                                      ("town", "township_clerk", "320102001000")]}  # fmt: skip
    officer, assistant, county = (city.users[k] for k in ("city_officer", "east_village", "east_reviewer"))
    campaign = campaign_create(user=officer, run=run, name="t", actor=who(officer))
    target = Target.objects.get(campaign=campaign, person=person)
    team = team_create(user=assistant, campaign=campaign, village_code=VILLAGE, name="一组",
                       member_ids=[users["s1"].pk, users["s2"].pk], actor=who(assistant))  # fmt: skip
    targets_assign(user=assistant, team=team, target_ids=[target.pk], actor=who(assistant))
    form_enter(user=users["s1"], target_id=target.pk, actor=who(users["s1"]),
               data={"aac003": "甲一", "aac009": "3", "uninsured_reason": "1", "aae005": "13800001111"})  # fmt: skip
    for user, action in ((assistant, "submit"), (users["town"], "pass"), (county, "accept")):
        form_step(user=user, target_id=target.pk, action=action, actor=who(user))
    # A later register (same content) and a new run: the survey result is an input, outcome 5 stands.
    later = dt.date.today() + dt.timedelta(days=1)
    _register(tmp_path, "reg2.csv", later)
    rerun = comparison_run(as_of=later, actor=OPERATOR)
    assert any(i["kind"] == "survey_result" and i["rows"] == 1 for i in rerun.inputs)
    person.refresh_from_db()
    assert person.outcome == 5 and person.aac009 == "21" and person.source_run == rerun.pk
    assert Person.objects.get(aac002_hash=crypto.lookup_hash(B)).outcome == 4
