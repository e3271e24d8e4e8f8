"""Keeps an account that owes the pledge or a password change on those pages (accounts.policy)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from canbao.accounts.policy import pending_step

STEP_PATHS = {"pledge": "/pledge/", "password": "/password/"}
# Pages an account may reach while it owes a step. The API has its own check (token issue).
ALWAYS = ("/logout/", "/static/", "/api/", "/login/")


class AccountPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(ALWAYS):
            step = pending_step(user)
            if step is not None and request.path != STEP_PATHS[step]:
                return redirect(STEP_PATHS[step])
        return self.get_response(request)
