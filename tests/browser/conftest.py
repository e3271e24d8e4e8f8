"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Playwright's own browser downloads need its CDN, so the tests use the system chromium that bin/test
installs (Debian packages chromium and fonts-noto-cjk). Without it, and without the means to install
it (root and apt-get), the tests are skipped; where bin/test could have installed it, they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The survey fixtures (a published run, a campaign, the village's survey staff) are shared with tests/survey.
from tests.survey.conftest import published, survey  # noqa: E402, F401

CHROMIUM = Path(os.environ.get("CANBAO_CHROMIUM", "/usr/bin/chromium"))
TIMEOUT_MS = 15_000
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}  # fmt: skip


def _chromium_or_skip() -> str:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        # This machine could have it: a silent skip would hide the browser tests from CI.
        pytest.fail(f"{CHROMIUM} 不存在：请运行 bin/test（以 root 自动安装 chromium 和 fonts-noto-cjk）")
    pytest.skip(
        f"浏览器测试需要 {CHROMIUM}：请安装 Debian 软件包 chromium 和 fonts-noto-cjk（需 root 和 apt-get）"
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium per test module; each test gets its own context (cookies, storage)."""
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []  # chromium's sandbox refuses to run as root
    # Playwright's sync API keeps an asyncio loop running in this thread (in a greenlet), so Django would
    # refuse the tests' own ORM calls, and the database flush after each test, as "async". The test code
    # is plainly synchronous: lift that guard for exactly as long as the loop exists.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser profile at a phone's viewport (its own cookies, cache, service workers, IndexedDB)."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()
