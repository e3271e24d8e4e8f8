"""Browser tests: Debian's chromium driven by Playwright, headless, at a phone's viewport."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The survey fixtures (a published run, a campaign, the village's survey staff) are shared with tests/survey.
from tests.survey.conftest import published, survey  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real browser (Debian's chromium via Playwright)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk)")
    # Playwright's sync API runs its own event loop; Django's async-safety check would refuse the ORM.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A fresh browser profile at a phone's viewport (its own cookies, cache, service workers, IndexedDB)."""
    context = browser.new_context(**PHONE)
    yield context
    context.close()
