"""The review chain of a survey form (roles-and-workflow.md, 入户调查 4–5):

    entered ──submit──▶ submitted ──pass──▶ township_passed ──accept──▶ accepted (into the registry)
       ▲                   │                    │
       └──── returned ◀────┘ return (township)  └─ return ──▶ county_returned ──pass / return──▶ …

Every step checks the capability, the node (same 404 as elsewhere when outside) and the state, writes
a FormEvent and an audit record in one transaction. Entry is idempotent by the device's submission id,
so a phone that syncs the same queued form twice creates it once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from canbao.accounts.models import User
from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.services import AuditActor, audit_record
from canbao.core import crypto
from canbao.core.masking import mask_id, mask_phone
from canbao.divisions.models import Division
from canbao.survey.apply import apply_accepted
from canbao.survey.errors import SurveyError
from canbao.survey.models import STATE_NAMES, Campaign, FormEvent, SurveyForm, Target
from canbao.survey.validation import check_form, check_unit_form

EDITABLE = ("pending", "entered", "returned")
# action → (capability, states it starts from, state it leads to)
TRANSITIONS = {
    "submit": ("survey.submit", ("entered",), "submitted"),
    "pass": ("survey.review1", ("submitted", "county_returned"), "township_passed"),
    "return": ("survey.review1", ("submitted", "county_returned"), "returned"),
    "accept": ("survey.approve", ("township_passed",), "accepted"),
    "county_return": ("survey.approve", ("township_passed",), "county_returned"),
}
ACTION_NAMES = {"enter": "录入", "submit": "提交初审", "pass": "初审通过", "return": "退回村（社区）",
                "accept": "审定通过", "county_return": "退回乡镇"}  # fmt: skip


OFFICE_CAPS = ("survey.campaign", "survey.progress", "survey.teams", "survey.review1", "survey.approve",
               "counter.collect")  # fmt: skip


def sees_all_targets(user: User) -> bool:
    """Office roles see every target under their node; a surveyor only its teams' targets."""
    return any(user.can(c) for c in OFFICE_CAPS)


def target_for(user: User, target_id: int, *, for_update: bool = False) -> Target:
    """The target if the account may act on it: under its node, and for a surveyor, in its team."""
    if user.node is None:
        raise NotFoundInScope()
    qs = Target.objects.select_related("campaign", "village", "person", "unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    target = qs.filter(
        pk=target_id, village__code__startswith=user.node.prefix, campaign__status="open"
    ).first()
    if target is None:
        raise NotFoundInScope()
    if not sees_all_targets(user):
        # A surveyor: only the targets of a team it belongs to.
        if target.team_id is None or not target.team.members.filter(pk=user.pk).exists():  # type: ignore[union-attr]
            raise NotFoundInScope()
    return target


def form_enter(*, user: User, target_id: int, data: dict[str, Any], client_uuid: str = "",
               actor: AuditActor) -> SurveyForm:  # fmt: skip
    """A surveyor's entry, or a township clerk's collection at the counter (44号 第十三条)."""
    if not (user.can("survey.enter") or user.can("counter.collect")):
        raise NotFoundInScope()
    if client_uuid:
        done = FormEvent.objects.filter(client_uuid=client_uuid).select_related("form").first()
        if done is not None:  # the same submission again (a phone retrying): nothing new
            return done.form
    with transaction.atomic():
        target = target_for(user, target_id, for_update=True)
        return _enter(user, target, data, client_uuid, actor)


def new_person_enter(*, user: User, campaign: Campaign, village_code: str, data: dict[str, Any],
                     client_uuid: str = "", actor: AuditActor) -> SurveyForm:  # fmt: skip
    """A person met at the door who is not on the list becomes a new target (44号 第十八条)."""
    if not user.can("survey.enter") or user.node is None:
        raise NotFoundInScope()
    if client_uuid:
        done = FormEvent.objects.filter(client_uuid=client_uuid).select_related("form").first()
        if done is not None:
            return done.form
    village = Division.objects.filter(code=village_code, prefix__startswith=user.node.prefix).first()
    if village is None or campaign.status != "open":
        raise NotFoundInScope()
    checked = check_form(data, need_id=True)
    if not checked.ok:
        raise SurveyError("登记表有误，请修改后再提交", checked.errors)
    digest = crypto.lookup_hash(checked.aac002)
    if SurveyForm.objects.filter(aac002_hash=digest, target__campaign=campaign).exists():
        raise SurveyError("该公民身份号码已在本次调查的对象中，请在名单中查找", {"aac002": "已在调查对象中"})
    with transaction.atomic():
        target = Target.objects.create(campaign=campaign, kind="new_person", village=village,
                                       reasons="", state="pending", added_by=user.username)  # fmt: skip
        return _enter(user, target, data, client_uuid, actor)


def _enter(
    user: User, target: Target, data: dict[str, Any], client_uuid: str, actor: AuditActor
) -> SurveyForm:
    if target.state not in EDITABLE:
        raise SurveyError(f"该对象{STATE_NAMES[target.state]}，不能修改")
    if target.kind == "unit":
        checked = check_unit_form(data)
    else:
        checked = check_form(data, need_id=target.kind == "new_person")
    if not checked.ok:
        raise SurveyError("登记表有误，请修改后再提交", checked.errors)
    now = timezone.now()
    form = SurveyForm.objects.filter(target=target).first() or SurveyForm(target=target)
    state_from = form.state if form.pk else "pending"
    form.data = checked.items
    form.aac002_cipher, form.aac002_hash, form.aac002_masked = _sealed(checked.aac002, mask_id)
    form.aae005_cipher, form.aae005_hash, form.aae005_masked = _sealed(checked.aae005, mask_phone)
    form.state, form.aae011, form.aae036, form.survey_date = (
        "entered",
        user.username,
        now,
        timezone.localdate(),
    )
    form.save()
    target.state = "entered"
    target.save(update_fields=["state", "updated_at"])
    masked = {**checked.items, "aac002": form.aac002_masked, "aae005": form.aae005_masked}
    FormEvent.objects.create(form=form, action="enter", actor=user.username, state_from=state_from,
                             state_to="entered", client_uuid=client_uuid or None, data=masked)  # fmt: skip
    audit_record(actor=actor, action="survey_enter", object_type="survey_form", object_ref=f"target:{target.pk}",
                 detail={"client_uuid": client_uuid})  # fmt: skip
    return form


def _sealed(value: str, mask: Any) -> tuple[str, str, str]:
    if not value:
        return "", "", ""
    return crypto.encrypt(value), crypto.lookup_hash(value), mask(value)


def form_step(*, user: User, target_id: int, action: str, comment: str = "", actor: AuditActor) -> SurveyForm:
    """submit / pass / return / accept / county_return, as TRANSITIONS allows."""
    if action not in TRANSITIONS:
        raise SurveyError("未知操作")
    capability, sources, dest = TRANSITIONS[action]
    counter = action == "submit" and user.can("counter.collect")  # a clerk submits what it collected
    if not (user.can(capability) or counter):
        raise NotFoundInScope()
    comment = " ".join(comment.split())[:300]
    if action in ("return", "county_return") and len(comment) < 2:
        raise SurveyError("退回须填写原因")
    with transaction.atomic():
        target = target_for(user, target_id, for_update=True)
        form = SurveyForm.objects.filter(target=target).first()
        if form is None or form.state not in sources:
            now_state = STATE_NAMES[form.state if form else "pending"]
            raise SurveyError(f"该登记表当前为“{now_state}”，不能{ACTION_NAMES[action]}")
        if counter and not user.can(capability) and form.aae011 != user.username:
            raise SurveyError("乡镇经办员只能提交本人在窗口采集的登记表")
        if action in ("pass", "return") and form.aae011 == user.username:
            raise SurveyError("本人采集的登记表须由另一名经办员初审")
        now = timezone.now()
        state_from = form.state
        form.state = dest
        if action == "submit":
            form.submitted_by, form.submitted_at = user.username, now
        elif action in ("pass", "return"):
            form.township_by, form.township_at = user.username, now
        else:
            form.aae014, form.aae015 = user.username, now
        form.comment = comment if action in ("return", "county_return") else ""
        form.save()
        target.state = dest
        target.save(update_fields=["state", "updated_at"])
        FormEvent.objects.create(form=form, action=action, actor=user.username, state_from=state_from,
                                 state_to=dest, comment=comment)  # fmt: skip
        if action == "accept":
            apply_accepted(form=form, target=target, reviewer=user.username, at=now)
        audit_record(actor=actor, action=f"survey_{action}", object_type="survey_form",
                     object_ref=f"target:{target.pk}", detail={"from": state_from, "to": dest, "comment": comment})  # fmt: skip
    return form


def forms_step(*, user: User, target_ids: list[int], action: str, comment: str = "",
               actor: AuditActor) -> tuple[int, list[str]]:  # fmt: skip
    """The same step for many (a village's batch submit, a township's batch pass): each on its own."""
    done, problems = 0, []
    for target_id in target_ids:
        try:
            form_step(user=user, target_id=target_id, action=action, comment=comment, actor=actor)
            done += 1
        except SurveyError as exc:
            problems.append(f"对象 {target_id}：{exc}")
    return done, problems
