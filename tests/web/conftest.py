"""A real browser (Debian's chromium, driven by chromedriver) against the session's gateway.

One browser per test module: starting chromium costs about a second of a shared 2-core
machine, and the pages under test keep no state a later test could trip over (each test
signs in with its own account). A missing browser fails the tests: deploy/setup.sh
installs it, and a skipped browser test would hide a broken web client.
"""

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.support.system import HelpDesk, bearer, make_token
from tests.support.web import (
    CHROMEDRIVER,
    CHROMIUM,
    CHROMIUM_FLAGS,
    Browser,
    WebAccount,
    delete_active_popups,
    demo_user_tokens,
    desktop,
    png_bytes,
)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="helpdesk-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def page(browser: webdriver.Chrome, system: HelpDesk) -> Iterator[Browser]:
    """The browser at the gateway, with a clean slate of tabs; no console errors after.

    The demo page signs in a demo user before a test takes over: their pop-ups go first.
    """
    for token in demo_user_tokens(system.gateway_url):
        delete_active_popups(system.gateway_url, token)
    for handle in browser.window_handles[1:]:
        browser.switch_to.window(handle)
        browser.close()
    view = Browser(browser, system.gateway_url)
    view.switch_to(browser.window_handles[0])
    view.console_errors()
    yield view
    assert view.console_errors() == []


@pytest.fixture
def web_account(system: HelpDesk) -> WebAccount:
    account_id = f"hotel-{uuid.uuid4().hex[:10]}"
    user_id = f"user-{uuid.uuid4().hex[:8]}"
    token = make_token("user", account_id, user_id, "Anna Testowa")
    return WebAccount(account_id, user_id, token, system.gateway_url)


@pytest.fixture
def agent_headers() -> dict[str, str]:
    return bearer(make_token("agent", "support", f"agent-{uuid.uuid4().hex[:6]}", "Ewa"))


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    path = tmp_path / "zrzut-ekranu.png"
    path.write_bytes(png_bytes())
    return path


@pytest.fixture
def resizable(page: Browser) -> Iterator[Browser]:
    """The page, for a test that turns it into a phone (`phone()`); a desktop's again after."""
    yield page
    desktop(page)
