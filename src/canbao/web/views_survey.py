"""Survey pages for the office roles: campaigns, progress, targets, teams, the review chain.

The surveyor's phone pages are in views_mobile; printing in views_survey_print.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from canbao.accounts.scoping import NotFoundInScope
from canbao.comparison.models import ComparisonRun
from canbao.divisions.models import Division
from canbao.engine.codes import get_table
from canbao.survey import selectors, services, workflow
from canbao.survey.errors import SurveyError
from canbao.survey.models import STATE_NAMES, STATES, Campaign, FormEvent, SurveyForm, Target
from canbao.web.actor import request_actor
from canbao.web.common import audit_view, pager_query, paginate

OFFICE_CAPS = workflow.OFFICE_CAPS


def _office(request: HttpRequest) -> Any:
    user = request.user
    if not any(user.can(c) for c in OFFICE_CAPS) or getattr(user, "node", None) is None:  # type: ignore[union-attr]
        raise NotFoundInScope()
    return user


def _campaign(user: Any, pk: int) -> Campaign:
    campaign = selectors.campaigns_visible(user=user).filter(pk=pk).first()
    if campaign is None:
        raise NotFoundInScope()
    return campaign


@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    error = ""
    if request.method == "POST":
        run = ComparisonRun.objects.filter(published=True).order_by("-id").first()
        try:
            if run is None:
                raise SurveyError("还没有已入库的比对批次")
            campaign = services.campaign_create(user=user, run=run, name=request.POST.get("name", ""),
                                                actor=request_actor(request))  # fmt: skip
        except SurveyError as exc:
            error = str(exc)
        else:
            return redirect(f"/survey/{campaign.pk}/")
    campaigns = selectors.campaigns_visible(user=user)
    audit_view(request, object_type="campaign_list")
    latest = ComparisonRun.objects.filter(published=True).order_by("-id").first()
    return render(
        request, "web/survey/campaigns.html", {"campaigns": campaigns, "error": error, "latest": latest}
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of the account's node (or a node under it), one row per child area, as in seeds/002."""
    user = _office(request)
    campaign = _campaign(user, pk)
    code = request.GET.get("node", "").strip()[:12] or user.node.code
    node = Division.objects.filter(code=code, prefix__startswith=user.node.prefix).first()
    if node is None:
        raise NotFoundInScope()
    total, rows = selectors.progress(user=user, campaign=campaign, node=node)
    path = [d for d in node.path() if d.prefix.startswith(user.node.prefix)]
    audit_view(request, object_type="campaign", object_ref=str(campaign.pk), detail={"node": node.code})
    return render(request, "web/survey/campaign.html", {
        "campaign": campaign, "node": node, "total": total, "rows": rows, "path": path,
        "goal_rate": selectors.GOAL_RATE, "goal_complete": selectors.GOAL_COMPLETE,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def target_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    campaign = _campaign(user, pk)
    notice, problems = "", []
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("targets") if i.isdigit()][:500]
        action = request.POST.get("action", "")
        try:
            if action == "assign":
                team = (
                    services.teams_of(user=user, campaign=campaign)
                    .filter(pk=request.POST.get("team") or 0)
                    .first()
                )
                if team is None:
                    raise SurveyError("请选择调查小组")
                n = services.targets_assign(
                    user=user, team=team, target_ids=ids, actor=request_actor(request)
                )
                notice = f"已将 {n} 个对象分配给{team.name}"
            else:
                done, problems = workflow.forms_step(user=user, target_ids=ids, action=action,
                                                     comment=request.POST.get("comment", ""), actor=request_actor(request))  # fmt: skip
                notice = f"已{workflow.ACTION_NAMES.get(action, action)} {done} 份登记表"
        except SurveyError as exc:
            problems = [str(exc)]
    village = request.GET.get("village", "").strip()[:12]
    state = request.GET.get("state", "").strip()[:16]
    team_id = request.GET.get("team", "")
    rows = selectors.targets_of(user=user, campaign=campaign, village=village, state=state,
                                team=int(team_id) if team_id.isdigit() else None)  # fmt: skip
    page = paginate(rows, request)
    audit_view(request, object_type="targets", object_ref=str(campaign.pk),
               detail={"village": village, "state": state, "page": page.number})  # fmt: skip
    return render(request, "web/survey/targets.html", {
        "campaign": campaign, "page": page, "query": pager_query(request), "states": STATES,
        "filters": {"village": village, "state": state, "team": team_id}, "notice": notice, "problems": problems,
        "teams": services.teams_of(user=user, campaign=campaign) if user.can("survey.assign") else [],
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    campaign = _campaign(user, pk)
    error = ""
    if request.method == "POST":
        try:
            services.team_create(user=user, campaign=campaign, village_code=request.POST.get("village", ""),
                                 name=request.POST.get("name", ""),
                                 member_ids=[int(i) for i in request.POST.getlist("members") if i.isdigit()],
                                 actor=request_actor(request))  # fmt: skip
        except SurveyError as exc:
            error = str(exc)
        else:
            return redirect(f"/survey/{campaign.pk}/teams/")
    from canbao.accounts.models import User

    villages = Division.objects.filter(level=5, code__startswith=user.node.prefix).order_by("code")[:200]
    surveyors = (User.objects.filter(is_active=True, node__code__startswith=user.node.prefix, roles__role="surveyor")
                 .select_related("node").order_by("node_id", "username"))  # fmt: skip
    teams = services.teams_of(user=user, campaign=campaign)
    audit_view(request, object_type="teams", object_ref=str(campaign.pk))
    return render(request, "web/survey/teams.html", {"campaign": campaign, "teams": teams, "villages": villages,
                                                     "surveyors": surveyors, "error": error})  # fmt: skip


@require_http_methods(["GET", "POST"])
def target_detail(request: HttpRequest, pk: int, tid: int) -> HttpResponse:
    user = _office(request)
    campaign = _campaign(user, pk)
    target = workflow.target_for(user, tid)
    if target.campaign_id != campaign.pk:
        raise NotFoundInScope()
    notice, error, errors = "", "", {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "enter":
                workflow.form_enter(
                    user=user, target_id=target.pk, data=_form_data(request), actor=request_actor(request)
                )
                notice = "已保存登记表"
            else:
                workflow.form_step(user=user, target_id=target.pk, action=action,
                                   comment=request.POST.get("comment", ""), actor=request_actor(request))  # fmt: skip
                notice = f"已{workflow.ACTION_NAMES.get(action, action)}"
        except SurveyError as exc:
            error, errors = str(exc), exc.errors
        target = workflow.target_for(user, tid)
    else:
        with transaction.atomic():
            from canbao.audit.services import audit_record

            ref = target.person.audit_ref if target.person else f"target:{target.pk}"
            audit_record(
                actor=request_actor(request), action="view", object_type="survey_target", object_ref=ref
            )
    form = SurveyForm.objects.filter(target=target).first()
    events = FormEvent.objects.filter(form=form).order_by("id") if form else []
    return render(request, "web/survey/target.html", {
        "campaign": campaign, "target": target, "form": form, "events": events, "notice": notice,
        "error": error, "errors": errors, "actions": _actions(user, target, form), "state_names": STATE_NAMES,
        "codes": _code_choices(), "action_names": workflow.ACTION_NAMES, "posted": request.POST,
    })  # fmt: skip


def _form_data(request: HttpRequest) -> dict[str, Any]:
    keys = ("aac003", "aac009", "aac012", "employment_status", "employer_name", "employer_aab998", "aac010",
            "aae006", "aae005", "uninsured_reason", "note", "aab004", "aab998", "aab001", "aab019")  # fmt: skip
    data: dict[str, Any] = {k: request.POST.get(k, "") for k in keys if request.POST.get(k, "")}
    data["insured_schemes"] = request.POST.getlist("insured_schemes")
    return data


def _actions(user: Any, target: Target, form: SurveyForm | None) -> list[str]:
    state = form.state if form else "pending"
    out = []
    if state in workflow.EDITABLE and (user.can("survey.enter") or user.can("counter.collect")):
        out.append("enter")
    for action, (cap, sources, _dest) in workflow.TRANSITIONS.items():
        if state in sources and (user.can(cap) or (action == "submit" and user.can("counter.collect"))):
            out.append(action)
    return out


def _code_choices() -> dict[str, list[tuple[str, str]]]:
    tables = {"aac009": "survey_hukou", "aac012": "survey_identity", "uninsured_reason": "uninsured_002",
              "employment_status": "employment_status", "insured_schemes": "scheme", "aab019": "AAB019"}  # fmt: skip
    return {item: list(get_table(t).codes.items()) for item, t in tables.items()}
