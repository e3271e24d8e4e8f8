"""Thin views: parse input, call one service or selector, render. Every page is scoped and audited."""

from __future__ import annotations

import time

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from canbao.accounts.policy import needs_second_factor
from canbao.accounts.roles import ROLES
from canbao.accounts.scoping import NotFoundInScope
from canbao.accounts.services import login_attempt
from canbao.audit.services import audit_record
from canbao.comparison.basis import person_status_basis
from canbao.engine.codes import code_name, get_table
from canbao.registry.models import STATUS_FIELDS
from canbao.registry.reveal import REVEALABLE, RevealRefused, person_reveal
from canbao.registry.selectors import PersonFilters, person_get, person_list
from canbao.web.actor import request_actor
from canbao.web.common import pager_query, require
from canbao.web.paging import CappedPaginator
from canbao.web.views_exports import person_search_export

PAGE_SIZE = 20
TOTP_SESSION_KEY = "canbao_totp_pending"
OUTCOMES = {
    1: "本地参保直接入库",
    2: "省内异地参保确认入库",
    3: "省外异地参保确认入库",
    4: "需调查登记",
    5: "已核实入库",
}
LINE_NAMES = dict(
    zip(STATUS_FIELDS, ("养老保险", "医疗保险", "工伤保险", "失业保险", "生育保险"), strict=True)
)


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        password = request.POST.get("password", "")
        user, error = login_attempt(
            request, username=username, password=password, actor=request_actor(request)
        )
        if user is not None:
            target = _safe_next(request.POST.get("next", "")) or "/"
            if needs_second_factor(user):
                # Not logged in yet: the session only remembers who passed the password, briefly.
                request.session.cycle_key()
                request.session[TOTP_SESSION_KEY] = {"user": user.pk, "at": time.time(), "next": target}
                return redirect("/login/totp/")
            login(request, user)
            return redirect(target)
    return render(
        request, "web/login.html", {"error": error, "username": username, "next": request.GET.get("next", "")}
    )


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else ""


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        audit_record(
            actor=request_actor(request),
            action="logout",
            object_type="user",
            object_ref=request.user.get_username(),
        )
    logout(request)
    return redirect("/login/")


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = [ROLES[k] for k in user.role_keys if k in ROLES]
    return render(request, "web/home.html", {"roles": roles})


def person_search(request: HttpRequest) -> HttpResponse:
    if not request.user.can("person.search"):
        raise NotFoundInScope()
    if request.GET.get("format") == "xlsx":  # export logic and approval: views_exports
        return person_search_export(request)
    filters = PersonFilters(
        id_number=request.GET.get("id_number", "").strip()[:30],
        name=request.GET.get("name", "").strip()[:50],
        area=request.GET.get("area", "").strip()[:12],
        outcome=request.GET.get("outcome", "").strip()[:1],
        status_field=request.GET.get("status_field", "").strip()[:6],
        status_code=request.GET.get("status_code", "").strip()[:2],
        flag=request.GET.get("flag", "").strip()[:30],
    )
    page = None
    if not filters.empty:
        page = CappedPaginator(person_list(actor=request.user, filters=filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        with transaction.atomic():
            audit_record(
                actor=request_actor(request), action="search", object_type="person",
                detail={"name": bool(filters.name), "id_number": bool(filters.id_number), "area": filters.area,
                        "outcome": filters.outcome, "status": "=".join(filters.status or ()), "flag": filters.flag,
                        "page": page.number, "results": page.paginator.count},
            )  # fmt: skip
    outcomes = [(str(k), f"{k} {v}") for k, v in OUTCOMES.items()]
    context = {
        "filters": filters, "page": page, "outcome_choices": outcomes, "query": pager_query(request),
        "lines": [(f, LINE_NAMES[f]) for f in STATUS_FIELDS],
        "status_codes": sorted({(c, n) for f in STATUS_FIELDS for c, n in get_table(f.upper()).codes.items()}),
        "flags": list(get_table("flag").codes.items()),
    }  # fmt: skip
    return render(request, "web/person_search.html", context)


@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the person (masked). POST: the same page with one value in full, for a stated reason."""
    if not request.user.can("person.view"):
        raise NotFoundInScope()
    person = person_get(actor=request.user, pk=pk)
    revealed: dict[str, str] = {}
    reveal_error = ""
    if request.method == "POST":
        field = request.POST.get("field", "")
        try:
            revealed[field] = person_reveal(
                person=person,
                field=field,
                reason=request.POST.get("reason", ""),
                actor=request_actor(request),
            )
        except RevealRefused as exc:
            reveal_error = str(exc)
    else:
        with transaction.atomic():
            audit_record(
                actor=request_actor(request), action="person_open", object_type="person",
                object_ref=person.audit_ref,
            )  # fmt: skip
    statuses = [
        (LINE_NAMES[f], f.upper(), getattr(person, f), code_name(f.upper(), getattr(person, f)) or "")
        for f in STATUS_FIELDS
    ]
    basis = person_status_basis(person=person, with_fields=False)
    context = {
        "basis_rows": any(b.rows for b in basis),
        "person": person, "statuses": statuses, "history": person.history.all()[:50],
        "basis": basis, "revealed": revealed, "reveal_error": reveal_error,
        "revealable": REVEALABLE,
    }  # fmt: skip
    response = render(request, "web/person_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def person_basis(request: HttpRequest, pk: int) -> HttpResponse:
    """The source rows behind the person's statuses, with their contents (masked)."""
    require(request, "person.view")
    person = person_get(actor=request.user, pk=pk)
    with transaction.atomic():
        audit_record(
            actor=request_actor(request),
            action="person_basis",
            object_type="person",
            object_ref=person.audit_ref,
        )
    response = render(
        request, "web/person_basis.html", {"person": person, "basis": person_status_basis(person=person)}
    )
    response["Cache-Control"] = "no-store"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)
