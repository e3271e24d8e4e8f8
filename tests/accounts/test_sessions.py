"""30 minutes idle ends the session (roles-and-workflow.md), though it is not saved on every request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.factories import web_login

from canbao.accounts.models import User
from canbao.accounts.sessions import REFRESH_SECONDS

IDLE = dt.timedelta(minutes=30)


class Clock:
    """timezone.now() moved forward at will: what the session store and the middleware read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = dt.timedelta()
        real = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real() + self.offset)

    def advance(self, **kwargs: float) -> None:
        self.offset += dt.timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def _logged_in(city) -> Client:  # type: ignore[no-untyped-def]
    # The viewer is past the pledge and, here, past the first password change: "/" is its home page.
    User.objects.filter(username="viewer").update(password_changed_at=timezone.now())
    client = Client()
    web_login(client, "viewer")
    assert client.get("/").status_code == 200
    return client


def _logged_out(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith("/login/")


def test_30_minutes_idle_end_the_session(city, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    client = _logged_in(city)
    clock.advance(minutes=29, seconds=50)
    assert client.get("/").status_code == 200  # less than 30 minutes idle: still logged in
    clock.advance(seconds=(IDLE.total_seconds() + 1))
    assert _logged_out(client.get("/"))
    assert _logged_out(client.get("/persons/"))  # and stays out: the session is gone


def test_work_keeps_the_session(city, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    client = _logged_in(city)
    for _ in range(18):  # three hours, a page every ten minutes
        clock.advance(minutes=10)
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("idle_after", [dt.timedelta(minutes=29), IDLE + dt.timedelta(seconds=1)])
def test_idle_is_counted_from_the_last_request_within_a_minute(city, clock: Clock, idle_after) -> None:  # type: ignore[no-untyped-def]
    """The worst case for the refresh: requests just under a minute apart, so that the last one did
    not save the session. It still ends 30 minutes after that last request at the latest, and not
    before 29."""
    client = _logged_in(city)
    for _ in range(5):
        clock.advance(seconds=REFRESH_SECONDS - 1)
        assert client.get("/").status_code == 200
    clock.advance(seconds=idle_after.total_seconds())
    response = client.get("/")
    assert _logged_out(response) if idle_after >= IDLE else response.status_code == 200


def test_no_session_write_within_the_minute(city, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    client = _logged_in(city)
    clock.advance(seconds=5)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    clock.advance(seconds=REFRESH_SECONDS)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_no_session_for_a_visitor(client: Client, db: None) -> None:
    response = client.get("/login/")
    assert response.status_code == 200 and "sessionid" not in response.cookies
