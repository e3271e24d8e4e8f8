"""The surveyor's phone entry: the code tables the form offers, a form pre-filled from the registry,
and the sync of a phone's queued entries (each idempotent by the device's client_uuid).

The phone checks as the surveyor types with the same tables the server checks with (`form_tables` is
rendered into the page); the server re-checks every entry (validation.check_form) all the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db.models import QuerySet

from canbao.accounts.models import User
from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.services import AuditActor
from canbao.engine.codes import get_table
from canbao.survey.errors import SurveyError
from canbao.survey.models import Campaign, FormEvent, SurveyForm, Target
from canbao.survey.selectors import campaigns_visible
from canbao.survey.workflow import form_enter, new_person_enter

# form item → the short-code table the paper form (and the phone) uses for it
FORM_TABLES = {
    "aac009": "survey_hukou",
    "aac012": "survey_identity",
    "employment_status": "employment_status",
    "uninsured_reason": "uninsured_002",
}
# Items copied into the form as they are (text), from the registry person or an earlier form.
TEXT_ITEMS = ("aac003", "aac010", "aae006", "employer_name", "employer_aab998", "note")
MAX_ENTRIES = 100  # per request: a phone sends its backlog in batches
UUID_RE = re.compile(r"^[0-9a-fA-F-]{8,40}$")


def form_tables() -> dict[str, Any]:
    """{item: {name, codes: {short code: name}}} and the schemes by insurance line, for the page."""
    out: dict[str, Any] = {}
    for item, key in FORM_TABLES.items():
        table = get_table(key)
        codes = dict(table.codes)
        if key == "uninsured_002":
            # 91/92/93 are accepted when keyed (填写说明（七）) but the form offers its twelve boxes.
            codes = {k: v for k, v in codes.items() if len(k) <= 2 and int(k) <= 12}
        out[item] = {"name": table.name_zh, "codes": codes, "accepted": list(table.codes)}
    lines = get_table("insurance_line")
    schemes = get_table("scheme")
    out["insured_schemes"] = [
        {"line": lines.codes[line], "schemes": [(c, schemes.codes[c]) for c in lines.attrs[line]["schemes"]]}
        for line in lines.codes
    ]
    return out


def short_code(item: str, stored: str) -> str:
    """The short code the form shows for a stored (41号 / unified) code; "" when none maps to it."""
    if not stored:
        return ""
    table = get_table(FORM_TABLES[item])
    if not table.mapping:
        return stored if stored in table.codes else ""
    for code, target in table.mapping.items():  # table order: 1-12 come before 91-93
        if target == stored:
            return code
    return ""


def prefill(target: Target) -> dict[str, Any]:
    """The form's starting values: the latest form if there is one, else the registry's person."""
    form = SurveyForm.objects.filter(target=target).first()
    source: dict[str, Any] = {}
    if form is not None:
        source = dict(form.data)
    elif target.person is not None:
        person = target.person
        source = {
            item: getattr(person, item, "") or "" for item in (*TEXT_ITEMS, *FORM_TABLES) if item != "note"
        }
    values = {item: source.get(item, "") or "" for item in TEXT_ITEMS}
    for item in FORM_TABLES:
        stored = str(source.get(item, "") or "")
        values[item] = stored if item == "employment_status" else short_code(item, stored)
    values["insured_schemes"] = list(source.get("insured_schemes") or [])
    return values


def entry_campaigns(*, user: User) -> QuerySet[Campaign]:
    """Open campaigns the account enters for: a surveyor's those where it is in a team."""
    qs = campaigns_visible(user=user).filter(status="open")
    if not (user.can("survey.teams") or user.can("survey.review1") or user.can("survey.approve")):
        qs = qs.filter(teams__members=user).distinct()
    return qs


@dataclass
class EntryResult:
    client_uuid: str
    status: str  # accepted | refused
    target_id: int | None = None
    message: str = ""
    errors: dict[str, str] | None = None
    again: bool = False  # the same submission had arrived before (a retry): nothing new was created

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", False)} | {
            "status": self.status
        }


def entries_sync(*, user: User, entries: list[Any], actor: AuditActor) -> list[EntryResult]:
    """Enter each queued entry on its own; a refusal (with the per-item messages) never stops the rest.

    Every entry gets a definite answer, so the phone removes it from its queue (accepted) or shows it
    for correction (refused); anything else (a crash, a lost response) leaves it queued to be sent
    again, and the client_uuid makes the second arrival a no-op.
    """
    if not user.can("survey.enter"):
        raise NotFoundInScope()
    return [_one(user, entry, actor) for entry in entries[:MAX_ENTRIES]]


def _one(user: User, entry: Any, actor: AuditActor) -> EntryResult:
    uuid = str(entry.get("client_uuid") or "") if isinstance(entry, dict) else ""
    if not UUID_RE.match(uuid):
        return EntryResult(uuid, "refused", message="缺少或无效的设备提交编号")
    data = entry.get("data")
    if not isinstance(data, dict):
        return EntryResult(uuid, "refused", message="登记表内容无效")
    before = FormEvent.objects.filter(client_uuid=uuid).values_list("form__target_id", flat=True).first()
    if before is not None:
        return EntryResult(uuid, "accepted", target_id=before, again=True)
    try:
        if entry.get("target_id") is not None:
            form = form_enter(
                user=user, target_id=int(entry["target_id"]), data=data, client_uuid=uuid, actor=actor
            )
        elif isinstance(entry.get("new_person"), dict):
            where = entry["new_person"]
            campaign = entry_campaigns(user=user).filter(pk=int(where.get("campaign") or 0)).first()
            if campaign is None:
                raise NotFoundInScope()
            form = new_person_enter(user=user, campaign=campaign, village_code=str(where.get("village") or ""),
                                    data=data, client_uuid=uuid, actor=actor)  # fmt: skip
        else:
            return EntryResult(uuid, "refused", message="未指明调查对象")
    except SurveyError as exc:
        return EntryResult(uuid, "refused", message=str(exc), errors=exc.errors or None)
    except (NotFoundInScope, ValueError, TypeError):
        return EntryResult(uuid, "refused", message="该调查对象不在您的调查范围内，或调查已结束")
    except IntegrityError:
        # The same submission arriving twice at once: the other request stored it (unique client_uuid).
        done = FormEvent.objects.filter(client_uuid=uuid).values_list("form__target_id", flat=True).first()
        if done is None:
            raise
        return EntryResult(uuid, "accepted", target_id=done, again=True)
    return EntryResult(uuid, "accepted", target_id=form.target_id)
