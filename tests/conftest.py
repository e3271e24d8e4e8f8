"""Test set-up: every pytest worker gets its own $CANBAO_HOME (keys, raw store, audit head)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_HOME = Path(tempfile.mkdtemp(prefix=f"canbao-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"))
os.environ["CANBAO_HOME"] = str(_HOME)
os.environ.pop("CANBAO_KEY_FILE", None)


@pytest.fixture(autouse=True)
def _audit_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh outside copy of the audit chain's head per test (each test's database starts empty)."""
    head = tmp_path / "audit-head.json"
    monkeypatch.setenv("CANBAO_AUDIT_HEAD", str(head))
    return head


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests that touch the database are marked `db`, so .ci/run can run them again on PostgreSQL.
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & {
            "db",
            "transactional_db",
            "live_server",
            "client",
            "city",
        }:
            item.add_marker(pytest.mark.db)


@pytest.fixture
def city(db: None):  # type: ignore[no-untyped-def]
    from tests.factories import build_city

    return build_city()


@pytest.fixture(autouse=True)
def _own_cache(settings) -> None:  # type: ignore[no-untyped-def]
    # The cache is files shared by the processes of one server; each pytest worker keeps its own, or
    # the token endpoint's throttle would count every worker's requests from 127.0.0.1 together.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": str(_HOME / "cache")}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # PBKDF2 at production strength makes every account in a fixture cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
