"""The steps of the login policy after the password: TOTP (admin roles), the pledge, password change."""

from __future__ import annotations

import time

from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from canbao.accounts import policy
from canbao.accounts.services import AccountError, password_change, pledge_accept, totp_verify
from canbao.web.actor import request_actor
from canbao.web.views import TOTP_SESSION_KEY

TOTP_PENDING_SECONDS = 300


@login_not_required
@require_http_methods(["GET", "POST"])
def login_totp(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(TOTP_SESSION_KEY)
    if not pending or time.time() - pending.get("at", 0) > TOTP_PENDING_SECONDS:
        request.session.pop(TOTP_SESSION_KEY, None)
        return redirect("/login/")
    error = ""
    if request.method == "POST":
        user, error = totp_verify(
            user_id=int(pending["user"]), code=request.POST.get("code", ""), actor=request_actor(request)
        )
        if user is not None:
            request.session.pop(TOTP_SESSION_KEY, None)
            login(request, user)
            return redirect(pending.get("next") or "/")
        if "锁定" in error or "失效" in error:
            request.session.pop(TOTP_SESSION_KEY, None)
            return render(request, "web/login.html", {"error": error}, status=200)
    return render(request, "web/login_totp.html", {"error": error})


@require_http_methods(["GET", "POST"])
def pledge(request: HttpRequest) -> HttpResponse:
    user = request.user
    error = ""
    if request.method == "POST":
        if request.POST.get("agree") == "1":
            pledge_accept(user=user, actor=request_actor(request))  # type: ignore[arg-type]
            return redirect("/")
        error = "请阅读并勾选“本人已阅读并承诺遵守”后提交"
    return render(
        request, "web/pledge.html", {"error": error, "accepted_at": getattr(user, "pledge_accepted_at", None)}
    )


@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    user = request.user
    error = ""
    if request.method == "POST":
        new, again = request.POST.get("new", ""), request.POST.get("again", "")
        if new != again:
            error = "两次输入的新密码不一致"
        else:
            try:
                password_change(user=user, old=request.POST.get("old", ""), new=new,  # type: ignore[arg-type]
                                actor=request_actor(request))  # fmt: skip
            except AccountError as exc:
                error = str(exc)
            else:
                update_session_auth_hash(request, user)  # type: ignore[arg-type]
                return redirect("/")
    expired = policy.password_expired(user)
    return render(request, "web/password.html", {"error": error, "expired": expired})
