"""An accepted survey result enters the registration database at once (roles-and-workflow.md step 4).

The person's items take the surveyed values, the outcome becomes 5 (已核实入库), and the handler and
reviewer are recorded (AAE011/AAE036 entry, AAE014/AAE015 the county's 审定), with history. Statuses are
not touched: they come only from extracts (comparison-rules.md §6). A person met at the door becomes a
new person of group 4 at the village where the survey found them — unless the number is already in the
registry, in which case that person is updated instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from canbao.core import crypto
from canbao.registry.models import Person, PersonHistory, Unit, UnitHistory
from canbao.registry.services import persons_upsert
from canbao.survey.models import SurveyForm, Target

PERSON_ITEMS = ("aac003", "aac004", "aac009", "aac012", "aac010", "aae006", "employment_status",
                "employer_aab998", "employer_name", "uninsured_reason")  # fmt: skip
UNIT_ITEMS = ("aab004", "aab998", "aab001", "aab019", "aae006")


def apply_accepted(*, form: SurveyForm, target: Target, reviewer: str, at: dt.datetime) -> None:
    if target.kind == "unit":
        _apply_unit(form, target, reviewer)
        return
    person = target.person
    if person is None and form.aac002_hash:
        person = Person.objects.filter(aac002_hash=form.aac002_hash).first()
    if person is None:
        plain = crypto.decrypt(form.aac002_cipher)
        row: dict[str, Any] = {"aac002": plain, "population_group": 4, "placement_id": target.village_id,
                               "in_population": True}  # fmt: skip
        persons_upsert([row], actor=form.aae011, source=f"survey:{form.pk}", reason="入户调查新增")
        person = Person.objects.get(aac002_hash=form.aac002_hash)
        target.person = person
        target.save(update_fields=["person"])
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}

    def put(field: str, value: Any, shown: Any = None) -> None:
        old = getattr(person, field)
        if (old or None) != (value or None):
            before[field], after[field] = _json(old), _json(shown if shown is not None else value)
            setattr(person, field, value)

    data = form.data
    for item in PERSON_ITEMS:
        if data.get(item):
            put(item, data[item])
    if data.get("aac006"):
        put("aac006", dt.date.fromisoformat(data["aac006"]))
    if form.aae005_hash and form.aae005_hash != person.aae005_hash:
        before["aae005"], after["aae005"] = person.aae005_masked, form.aae005_masked
        person.aae005_cipher, person.aae005_hash, person.aae005_masked = (
            form.aae005_cipher, form.aae005_hash, form.aae005_masked,
        )  # fmt: skip
    put("outcome", 5)
    person.aae011, person.aae036 = form.aae011[:20], form.aae036
    person.aae014, person.aae015 = reviewer[:20], at
    person.save()
    PersonHistory.objects.create(person=person, actor=reviewer, source=f"survey:{form.pk}",
                                 reason="入户调查结果审定入库", before=before, after=after)  # fmt: skip


def _apply_unit(form: SurveyForm, target: Target, reviewer: str) -> None:
    unit: Unit | None = target.unit
    if unit is None:
        return
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for item in UNIT_ITEMS:
        value = form.data.get(item)
        if value and value != getattr(unit, item):
            before[item], after[item] = getattr(unit, item), value
            setattr(unit, item, value)
    unit.needs_survey = False
    unit.save()
    UnitHistory.objects.create(unit=unit, actor=reviewer, source=f"survey:{form.pk}",
                               reason="入户调查结果审定入库", before=before, after=after)  # fmt: skip


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
