"""The surveyor's phone pages (/m/): my targets, the form, a person met at the door, offline and sync.

The pages work offline: a service worker (/m/sw.js, scope /m/) keeps the pages and assets, the list
page stores every editable target's form page in the browser's cache (one audited request, /m/offline),
and entries wait in IndexedDB until POST /m/sync confirms each. Entry is idempotent by client_uuid.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from canbao.engine.codes import get_table
from canbao.survey.entry import MAX_ENTRIES, entries_sync, entry_campaigns, form_tables, prefill
from canbao.survey.models import STATE_NAMES, STATES, Target
from canbao.survey.selectors import targets_of
from canbao.survey.workflow import EDITABLE, target_for
from canbao.web.actor import request_actor
from canbao.web.common import audit_view, require

SW_FILE = Path(__file__).resolve().parent / "static" / "web" / "sw.js"
LIST_LIMIT = 500  # a team has tens to a few hundred targets; a village assistant may have more


def _targets(request: HttpRequest) -> list[Target]:
    out: list[Target] = []
    for campaign in entry_campaigns(user=request.user):  # type: ignore[arg-type]
        out += list(targets_of(user=request.user, campaign=campaign).select_related("form")[:LIST_LIMIT])  # type: ignore[arg-type]
    return out[:LIST_LIMIT]


def _row(target: Target) -> dict[str, Any]:
    form = getattr(target, "form", None)
    if target.kind == "unit" and target.unit is not None:
        name, masked, address = target.unit.aab004, target.unit.aab998, target.unit.aae006
        table = get_table("unit_survey_reason")
    else:
        person = target.person
        data = form.data if form is not None else {}
        name = person.aac003 if person else data.get("aac003", "")
        masked = person.aac002_masked if person else (form.aac002_masked if form else "")
        address = (person.aae006 if person else "") or data.get("aae006", "")
        table = get_table("survey_reason")
    reasons = [table.codes.get(r, r) for r in target.reasons.split(";") if r]
    if target.kind == "new_person":
        reasons = ["调查新增人员"]
    return {
        "id": target.pk,
        "kind": target.kind,
        "name": name or "（无姓名）",
        "masked": masked,
        "address": address,
        "village": target.village.name,
        "reasons": "、".join(reasons),
        "editable": target.state in EDITABLE and target.kind != "unit",
        "comment": form.comment if form is not None and target.state == "returned" else "",
    }


def _groups(targets: list[Target]) -> list[dict[str, Any]]:
    by_state: OrderedDict[str, list[dict[str, Any]]] = OrderedDict((k, []) for k, _ in STATES)
    for target in targets:
        by_state[target.state].append(_row(target))
    # Work first: returned forms to correct, then those not yet surveyed, then the rest.
    order = ["returned", "pending", "entered", "submitted", "county_returned", "township_passed", "accepted"]
    return [{"state": s, "name": STATE_NAMES[s], "rows": by_state[s]} for s in order if by_state[s]]


def _base(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"tables": form_tables(), "source": "network", **extra}


@never_cache
@require_GET
def m_home(request: HttpRequest) -> HttpResponse:
    require(request, "survey.enter")
    targets = _targets(request)
    audit_view(request, object_type="survey_targets", detail={"count": len(targets), "page": "mobile"})
    return render(request, "web/mobile/home.html", _home_context(request, targets))


def _home_context(request: HttpRequest, targets: list[Target]) -> dict[str, Any]:
    campaigns = list(entry_campaigns(user=request.user))  # type: ignore[arg-type]
    return _base(request, groups=_groups(targets), total=len(targets), campaigns=campaigns)


def _target_context(request: HttpRequest, target: Target) -> dict[str, Any]:
    form = getattr(target, "form", None)
    return _base(
        request,
        target=target,
        row=_row(target),
        values=prefill(target),
        state_name=STATE_NAMES[target.state],
        editable=target.state in EDITABLE and target.kind != "unit",
        phone_hint=(form.aae005_masked if form else "")
        or (target.person.aae005_masked if target.person else ""),
        is_new=False,
    )


@never_cache
@require_GET
def m_target(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "survey.enter")
    target = target_for(request.user, pk)  # type: ignore[arg-type]
    audit_view(
        request, object_type="survey_target", object_ref=f"target:{target.pk}", detail={"page": "mobile"}
    )
    return render(request, "web/mobile/form.html", _target_context(request, target))


def _new_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    campaigns = list(entry_campaigns(user=user))  # type: ignore[arg-type]
    villages: dict[str, str] = {}
    for campaign in campaigns:
        for team in campaign.teams.filter(members=user).select_related("village"):
            villages[team.village.code] = team.village.name
    node = user.node  # type: ignore[union-attr]
    if not villages and node is not None and node.level == 5:
        villages[node.code] = node.name
    return _base(request, campaigns=campaigns, villages=villages, values=prefill_blank(), is_new=True,
                 editable=True, state_name="调查新增人员")  # fmt: skip


def prefill_blank() -> dict[str, Any]:
    return {"insured_schemes": []}


@never_cache
@require_GET
def m_new(request: HttpRequest) -> HttpResponse:
    require(request, "survey.enter")
    return render(request, "web/mobile/form.html", _new_context(request))


@never_cache
@require_GET
def m_offline(request: HttpRequest) -> JsonResponse:
    """Every editable target's form page (and the new-person page) for the browser's offline cache."""
    require(request, "survey.enter")
    everything = _targets(request)
    home = _home_context(request, everything) | {"source": "offline"}
    pages = {"/m/": render_to_string("web/mobile/home.html", home, request=request)}
    targets = [t for t in everything if t.state in EDITABLE and t.kind != "unit"]
    for target in targets:
        ctx = _target_context(request, target) | {"source": "offline"}
        pages[f"/m/targets/{target.pk}/"] = render_to_string("web/mobile/form.html", ctx, request=request)
    pages["/m/new/"] = render_to_string("web/mobile/form.html", _new_context(request) | {"source": "offline"},
                                        request=request)  # fmt: skip
    audit_view(
        request, object_type="survey_targets", detail={"count": len(targets), "page": "mobile-offline"}
    )
    return JsonResponse({"pages": pages})


@never_cache
@require_http_methods(["GET", "POST"])
def m_sync(request: HttpRequest) -> JsonResponse:
    """GET: who is logged in and a fresh CSRF token. POST: a batch of queued entries, one result each."""
    require(request, "survey.enter")
    if request.method == "GET":
        return JsonResponse({"user": request.user.get_username(), "csrf": get_token(request),
                             "max_entries": MAX_ENTRIES})  # fmt: skip
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "请求内容不是有效的 JSON"}, status=400)
    entries = body.get("entries") if isinstance(body, dict) else body
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        return JsonResponse({"error": f"每次最多同步 {MAX_ENTRIES} 条"}, status=400)
    results = entries_sync(user=request.user, entries=entries, actor=request_actor(request))  # type: ignore[arg-type]
    return JsonResponse({"user": request.user.get_username(), "results": [r.as_dict() for r in results]})


@login_not_required
@require_GET
def m_service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script: code only, no data, so it is served without login (updates must not
    hit the login redirect, which would fail the worker's update check)."""
    response = HttpResponse(SW_FILE.read_bytes(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/m/"
    response["Cache-Control"] = "no-cache"
    return response
