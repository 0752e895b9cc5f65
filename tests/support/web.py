"""The browser as the web tests drive it: waits, looks, keys, pages, accounts, axe."""

import base64
import os
import re
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    ElementNotInteractableException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.support.system import bearer, make_token

CHROMIUM = "/usr/bin/chromium"


CHROMEDRIVER = "/usr/bin/chromedriver"


WAIT_SECONDS = 15


STALE = StaleElementReferenceException


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Background tabs (the user's page while the console is in front) keep full-speed timers.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--window-size=1366,900",
]


# Only for looking at the UI by hand: `HELPDESK_SCREENSHOTS=/tmp/shots pytest tests/web`.
SCREENSHOT_DIR = os.environ.get("HELPDESK_SCREENSHOTS")


@dataclass
class Browser:
    """The module's browser with the waits and looks the tests repeat."""

    driver: webdriver.Chrome
    base_url: str

    def wait(self, condition: Callable[[WebDriver], Any], within: float = WAIT_SECONDS) -> Any:
        # The client re-renders what changed: an element found a moment ago may be replaced.
        return WebDriverWait(
            self.driver, within, poll_frequency=0.1, ignored_exceptions=[STALE]
        ).until(condition)

    def find(self, css: str, within: float = WAIT_SECONDS) -> WebElement:
        """The first visible element matching `css`, once there is one."""

        def visible(driver: WebDriver) -> WebElement | bool:
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if element.is_displayed():
                    return element
            return False

        element: WebElement = self.wait(visible, within)
        return element

    def type_into(self, css: str, text: str) -> None:
        """Type `text` into a field, again if the client redrew the field meanwhile (as a
        person would click the new one and type once more), until the field holds it."""

        def typed(driver: WebDriver) -> bool:
            field = self.find(css)
            try:
                field.clear()
                field.send_keys(text)
            except ElementNotInteractableException:
                return False
            return bool(field.get_attribute("value") == text)

        self.wait(typed)

    def select(self, css: str, value: str) -> None:
        """Choose `value` in a select, again if the client redrew it meanwhile."""

        def chosen(driver: WebDriver) -> bool:
            Select(self.find(css)).select_by_value(value)
            return bool(self.find(css).get_attribute("value") == value)

        self.wait(chosen)

    def all(self, css: str) -> list[WebElement]:
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]

    def click(self, css: str) -> None:
        """Click the first visible `css` element."""
        self._click_visible(css, lambda element: True)

    def press(self, text: str, scope: str = "body") -> None:
        """Click the visible button in `scope` whose text contains `text`."""
        self._click_visible(f"{scope} button", lambda element: text in element.text)

    def _click_visible(self, css: str, wanted: Callable[[WebElement], bool]) -> None:
        """Again if the client redrew the element between finding and clicking it (a list
        reloaded by a filter just typed), as a person would click the new one."""

        def clicked(driver: WebDriver) -> bool:
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if element.is_displayed() and wanted(element):
                    element.click()
                    return True
            return False

        self.wait(clicked)

    def wait_text(self, css: str, pattern: str, within: float = WAIT_SECONDS) -> str:
        """The text of a visible `css` element once it matches `pattern` (a regex)."""

        def matches(driver: WebDriver) -> str | bool:
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if element.is_displayed() and re.search(pattern, element.text):
                    return str(element.text)
            return False

        text: str = self.wait(matches, within)
        return text

    def wait_settled(self, css: str) -> None:
        """Until the `css` region is no longer busy (aria-busy): what arrives late, such as
        the articles suggested for a subject, moves what is below it, as a person sees it
        settle before clicking further down."""
        self.wait(lambda driver: driver.find_elements(By.CSS_SELECTOR, f"{css}[aria-busy=false]"))

    def wait_gone(self, css: str) -> None:
        self.wait(lambda driver: not self.all(css))

    def switch_to(self, handle: str) -> None:
        """Bring a tab to the front: headless chromium lays out (and so shows) only that one."""
        self.driver.switch_to.window(handle)
        self.driver.execute_cdp_cmd("Page.bringToFront", {})

    def open_page(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def open_blank(self) -> None:
        """Leave the page: its sockets close and it asks nothing of any gateway any more."""
        self.driver.get("about:blank")

    def leave_every_window(self) -> None:
        """Every window leaves its page: before a test stops a gateway of its own, whose
        stop would otherwise be logged as refused connections in the pages still on it."""
        current = self.driver.current_window_handle
        for handle in self.driver.window_handles:
            self.driver.switch_to.window(handle)
            self.open_blank()
        self.driver.switch_to.window(current)

    def sign_in(self, token: str, keep_popups: bool = False) -> None:
        """Open the demo host page and hand the Help menu a host's token, as an embed would."""
        if not keep_popups:
            delete_active_popups(self.base_url, token)
        self.open_page("/")
        # The demo page signs in its first demo user by itself; take over once it has.
        self.find("#user-chip")
        self.driver.execute_async_script(
            """
            const [token, done] = arguments;
            window.HelpDesk.ready.then((desk) => desk.start({ token })).then(() => done(true));
            """,
            token,
        )
        self.wait(lambda driver: self.find(".hd-help-button").is_enabled())

    def wait_stream_open(self) -> None:
        """Until this tab's pop-up stream socket is connected: what it hears now is live."""
        script = """
            const done = arguments[0];
            window.HelpDesk.ready.then((desk) => done(desk.popups?.socket?.socket?.readyState));
        """
        open_state = 1  # WebSocket.OPEN
        self.wait(lambda driver: driver.execute_async_script(script) == open_state)

    def open_help(self, section: str | None = None) -> None:
        if not self.all(".hd-panel"):
            self.click(".hd-help-button")
            self.find(".hd-panel")
        if section:
            self.click(f'.hd-tab[data-section="{section}"]')

    def set_value(self, css: str, value: str) -> None:
        """Set a field the way a picker would (date inputs ignore typing in some locales)."""
        self.driver.execute_script(
            "const [el, v] = arguments; el.value = v;"
            " el.dispatchEvent(new Event('input')); el.dispatchEvent(new Event('change'));",
            self.find(css),
            value,
        )

    def screenshot(self, name: str) -> None:
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            self.driver.save_screenshot(str(Path(SCREENSHOT_DIR) / f"{name}.png"))

    def console_errors(self) -> list[str]:
        """Errors the page wrote to the browser console since the last call.

        A 503 is left out: it is a busy service on a shared test machine (the client shows
        it and retries), not a fault of the page.
        """
        return [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if entry["level"] == "SEVERE" and "status of 503" not in entry["message"]
        ]


def delete_active_popups(gateway_url: str, token: str) -> None:
    """Delete what would pop up for this user now, so no modal covers the page under test.

    Other tests announce to everyone, and such a pop-up reaches every user, new ones too.
    """
    with httpx.Client(base_url=gateway_url, headers=bearer(token), timeout=30) as client:
        while True:
            response = client.get("/api/v1/popups", params={"page_size": 100})
            response.raise_for_status()
            if not (items := response.json()["items"]):
                return
            for popup in items:
                client.delete(f"/api/v1/popups/{popup['number']}").raise_for_status()


def demo_user_tokens(gateway_url: str) -> list[str]:
    users = httpx.get(f"{gateway_url}/api/v1/demo/users", timeout=30).json()
    return [
        make_token("user", user["account_id"], user["user_id"], user["name"])
        for user in users
        if user["role"] == "user"
    ]


@dataclass
class WebAccount:
    """A fresh hotel account for one test, with a user's token and an API client."""

    account_id: str
    user_id: str
    token: str
    gateway_url: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)

    def create_ticket(self, subject: str, message: str = "Proszę o pomoc.") -> str:
        response = httpx.post(
            f"{self.gateway_url}/api/v1/tickets",
            headers=self.headers,
            data={"subject": subject, "message": message, "importance": "normal"},
            timeout=30,
        )
        response.raise_for_status()
        number: str = response.json()["number"]
        return number

    def get(self, path: str) -> Any:
        response = httpx.get(f"{self.gateway_url}{path}", headers=self.headers, timeout=30)
        response.raise_for_status()
        return response.json()


def png_bytes() -> bytes:
    """A real 1x1 PNG: the gateway decides an upload's type by its content."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


# How long a person looks at the screen before judging what it shows.
LOOK_SECONDS = 1.2


def look(page: Browser, name: str | None = None) -> None:
    """Wait as a person would before reading the screen, and keep a picture of it."""
    time.sleep(LOOK_SECONDS)
    if name:
        page.screenshot(name)


def type_slowly(page: Browser, text: str, pause: float = 0.04) -> None:
    """Keys to whatever has focus now, one at a time, as a person types (no element aimed at:
    selenium's element.send_keys would focus the element first and hide a stolen focus)."""
    for character in text:
        ActionChains(page.driver).send_keys(character).perform()
        time.sleep(pause)


def paste_file(page: Browser, css: str, content: bytes, name: str, kind: str) -> None:
    """Ctrl+V of a copied screenshot into the field `css`, as the browser delivers it: a
    paste event whose clipboard holds a file (a headless browser has no system clipboard)."""
    page.find(css).click()
    page.driver.execute_script(
        """
        const [field, encoded, name, kind] = arguments;
        const bytes = Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
        const clipboard = new DataTransfer();
        clipboard.items.add(new File([bytes], name, { type: kind }));
        const init = { clipboardData: clipboard, bubbles: true, cancelable: true };
        field.dispatchEvent(new ClipboardEvent("paste", init));
        """,
        page.find(css),
        base64.b64encode(content).decode(),
        name,
        kind,
    )


def drop_file(page: Browser, css: str, content: bytes, name: str, kind: str) -> None:
    """A file dragged from the desktop and dropped on `css`: the events a browser fires."""
    page.driver.execute_script(
        """
        const [target, encoded, name, kind] = arguments;
        const bytes = Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
        const dragged = new DataTransfer();
        dragged.items.add(new File([bytes], name, { type: kind }));
        for (const type of ["dragenter", "dragover", "drop"]) {
          const init = { dataTransfer: dragged, bubbles: true, cancelable: true };
          target.dispatchEvent(new DragEvent(type, init));
        }
        """,
        page.find(css),
        base64.b64encode(content).decode(),
        name,
        kind,
    )


def press_key(page: Browser, key: str) -> None:
    ActionChains(page.driver).send_keys(key).perform()


def active(page: Browser) -> WebElement:
    element: WebElement = page.driver.switch_to.active_element
    return element


def tab_to(page: Browser, css: str, backwards: bool = False, limit: int = 60) -> WebElement:
    """Press Tab (or Shift+Tab) until the focused element matches `css`."""
    for _ in range(limit):
        if page.driver.execute_script("return document.activeElement.matches(arguments[0])", css):
            return active(page)
        if backwards:
            ActionChains(page.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(
                Keys.SHIFT
            ).perform()
        else:
            press_key(page, Keys.TAB)
    pytest.fail(f"{css} was not reached with the keyboard in {limit} presses")


def announce_to(account: WebAccount, agent_headers: dict[str, str], title: str) -> None:
    """An agent's announcement to this one user: it pops up at once."""
    response = httpx.post(
        f"{account.gateway_url}/api/v1/agent/announcements",
        headers=agent_headers,
        json={
            "title": title,
            "body": f"Treść: {title}",
            "account_id": account.account_id,
            "user_id": account.user_id,
        },
        timeout=30,
    )
    response.raise_for_status()


def popup_state(account: WebAccount, title: str) -> dict[str, Any]:
    """The user's pop-up of that title, as the history API tells it."""
    page_number = 1
    while True:
        body = account.get(f"/api/v1/popups?state=all&page_size=100&page={page_number}")
        for item in body["items"]:
            if item["title"] == title:
                found: dict[str, Any] = item
                return found
        if page_number * 100 >= body["total"]:
            pytest.fail(f"no pop-up titled {title!r}")
        page_number += 1


def phone(page: Browser) -> None:
    """A phone's screen (375 by 740 CSS pixels, touch), until `desktop()`."""
    page.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True},
    )


def desktop(page: Browser) -> None:
    page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def contrast_on_white(css_color: str) -> float:
    """WCAG contrast ratio of a computed CSS colour (rgb/rgba, blended onto white) with white."""
    parts = [float(value) for value in re.findall(r"[\d.]+", css_color)]
    red, green, blue = parts[:3]
    alpha = parts[3] if len(parts) > 3 else 1.0
    channels = [alpha * value + (1 - alpha) * 255 for value in (red, green, blue)]

    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = sum(w * linear(c) for w, c in zip((0.2126, 0.7152, 0.0722), channels, strict=True))
    return 1.05 / (luminance + 0.05)


# axe-core, installed by deploy/setup.sh from the npm registry into the project's cache.
AXE_SCRIPTS = sorted(
    (Path(__file__).resolve().parents[2] / ".cache").glob(
        "axe-core-*/node_modules/axe-core/axe.min.js"
    )
)


# What the accessibility check fails on (axe's impacts: minor, moderate, serious, critical).
AXE_FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page: Browser, context: str | None = None) -> list[str]:
    """Serious and critical axe-core violations on the page (or inside `context`), as text."""
    if not AXE_SCRIPTS:
        pytest.fail("axe-core is not installed: run `bash deploy/setup.sh`")
    if not page.driver.execute_script("return Boolean(window.axe)"):
        page.driver.execute_script(AXE_SCRIPTS[-1].read_text())
    results: dict[str, Any] = page.driver.execute_async_script(
        """
        const [context, done] = arguments;
        axe.run(context || document, { resultTypes: ["violations"] })
          .then((results) => done(results), (error) => done({ error: String(error) }));
        """,
        context,
    )
    assert "error" not in results, results
    return [
        f"{violation['impact']} {violation['id']}: {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in AXE_FAILING_IMPACTS
    ]


def open_console(page: Browser) -> tuple[str, str]:
    """The user's tab (current) and a new tab with the console; returns both handles."""
    user_tab = page.driver.current_window_handle
    page.driver.switch_to.new_window("tab")
    page.switch_to(page.driver.current_window_handle)
    page.open_page("/console?as=ewa-support")
    page.find(".queue-filters")
    return user_tab, page.driver.current_window_handle
