"""Property-based fuzzing of every API operation from its own OpenAPI schema (schemathesis).

Everything runs in process: the schema is fetched from the Django WSGI application and each generated
request is sent to it directly, on the test database (SQLite under `bin/test`, PostgreSQL under
`-m db`). `from_fixture` defers loading the schema to test time, when pytest-django allows database
access, and keeps all operations inside one test item, so it runs on any single xdist worker.
"""

from __future__ import annotations

import secrets

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from canbao.api.models import ApiToken
from canbao.api.services import TOKEN_LIFETIME, token_digest

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_schema(api_city):  # type: ignore[no-untyped-def]
    # Django's handler closes the database connection at the end of each request, which would close
    # the test's transaction; its own test client disconnects that signal the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


def _fresh_token(user) -> str:  # type: ignore[no-untyped-def]
    # One per case: a generated call to /auth/logout must not disarm the cases after it.
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, key_hash=token_digest(token), expires_at=timezone.now() + TOKEN_LIFETIME
    )
    return token


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_server_error(case, api_city) -> None:  # type: ignore[no-untyped-def]
    cache.clear()  # the token endpoint's throttle would otherwise answer the later cases with 429
    token = _fresh_token(api_city.users["city_officer"])
    # No 5xx, and every documented answer has the documented shape. (Not checked: that every request
    # the schema allows is accepted; "at least one filter" cannot be said in OpenAPI.)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
