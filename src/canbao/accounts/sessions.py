"""The 30-minute idle timeout without a session write on every request.

The session's expiry in the database (`SESSION_COOKIE_AGE` after its last save) is what ends it.
Saving it on every request (`SESSION_SAVE_EVERY_REQUEST`) costs an UPDATE and a commit per page; here
it is saved again only when the last save is `REFRESH_SECONDS` old. A session therefore ends between
29 and 30 minutes after its last request: never later than 30 (roles-and-workflow.md), at most
`REFRESH_SECONDS` sooner.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

REFRESH_SECONDS = 60
SEEN_KEY = "_canbao_seen"  # epoch seconds of the session's last save by this middleware


class SessionIdleMiddleware:
    """After SessionMiddleware: touch the session when its expiry is more than a minute stale."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session  # type: ignore[attr-defined]
        # Only a live session with something in it (a login, a TOTP step): none is created here for
        # a visitor without a cookie or with an expired one (loading it empties it).
        if session.session_key is not None and session.keys():
            now = int(timezone.now().timestamp())
            seen = session.get(SEEN_KEY)
            if not isinstance(seen, int) or not 0 <= now - seen < REFRESH_SECONDS:
                session[SEEN_KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return self.get_response(request)
