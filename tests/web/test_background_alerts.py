"""A tab in the background: the unread count in the host page's title (put back exactly as
the host had it), a desktop notification the user enabled by a click, an optional sound.

A tab is put in the background as a person does it, by bringing another tab to the front
(headless chromium then reports the first one hidden); its title is read from the browser's
list of tabs, and the rest through the front tab's `window.opener`: switching the driver to
it would bring it back to the front.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.web import Browser, WebAccount, announce_to, look

HOST_TITLE = "Recepcja · Hotel Testowy"
# Before the page's own scripts: records what the page asks of the browser.
RECORDER = """
window.__notifications = [];
window.__permissionAsks = 0;
window.__tones = 0;
if (window.Notification) {
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options = {}) {
      const record = { title, body: options.body, tag: options.tag };
      window.__notifications.push(record);
      super(title, options);
      record.shown = this;
    }
  }
  const ask = Real.requestPermission.bind(Real);
  Recorded.requestPermission = (...args) => {
    window.__permissionAsks += 1;
    return ask(...args);
  };
  window.Notification = Recorded;
}
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__tones += 1;
  return start.apply(this, args);
};
"""


@pytest.fixture
def recorded(page: Browser) -> Iterator[Browser]:
    """The page with RECORDER in every document it loads, and notifications allowed to be
    asked for; the browser as it was afterwards (it serves the whole module)."""
    script = page.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER}
    )
    try:
        yield page
    finally:
        page.driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )
        page.driver.execute_cdp_cmd("Browser.resetPermissions", {})
        page.driver.execute_script("localStorage.clear()")


def target_id(page: Browser) -> str:
    value: str = page.driver.execute_cdp_cmd("Target.getTargetInfo", {})["targetInfo"]["targetId"]
    return value


def title_of(page: Browser, target: str) -> str:
    """The title of a tab, read from the browser's list of tabs (the tab stays behind)."""
    for info in page.driver.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]:
        if info["targetId"] == target:
            title: str = info["title"]
            return title
    pytest.fail(f"no tab {target}")


def to_background(page: Browser) -> tuple[str, str]:
    """Another tab of the same site to the front, as a person switches tabs: (this tab's
    handle, its target)."""
    handle, target = page.driver.current_window_handle, target_id(page)
    before = set(page.driver.window_handles)
    # A blank tab opened by the page is of the page's site: it may reach back to it.
    page.driver.execute_script("window.open('', '_blank')")
    page.wait(lambda driver: len(driver.window_handles) > len(before))
    (front,) = set(page.driver.window_handles) - before
    page.driver.switch_to.window(front)
    page.driver.execute_cdp_cmd("Page.bringToFront", {})
    return handle, target


def in_background(page: Browser, script: str) -> Any:
    """`script` run from the front tab on the one left behind (`hidden`), which stays hidden."""
    assert page.driver.execute_script("return window.opener.document.visibilityState") == "hidden"
    return page.driver.execute_script(f"const hidden = window.opener; {script}")


def signed_in(page: Browser, web_account: WebAccount) -> None:
    page.sign_in(web_account.token)
    page.wait_stream_open()
    page.driver.execute_script("document.title = arguments[0]", HOST_TITLE)


def test_the_title_counts_unread_messages_while_the_tab_is_hidden_and_is_put_back(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    signed_in(page, web_account)
    handle, target = to_background(page)

    announce_to(web_account, agent_headers, "Przerwa techniczna w nocy")
    page.wait(lambda _: title_of(page, target) == f"(1) {HOST_TITLE}")
    announce_to(web_account, agent_headers, "Nowy cennik")
    page.wait(lambda _: title_of(page, target) == f"(2) {HOST_TITLE}")

    page.driver.close()
    page.switch_to(handle)
    page.wait(lambda driver: driver.title == HOST_TITLE)
    look(page, "background-title-restored")


def test_a_title_the_host_sets_while_the_tab_is_hidden_stays_the_hosts(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    signed_in(page, web_account)
    handle, target = to_background(page)
    announce_to(web_account, agent_headers, "Aktualizacja systemu")
    page.wait(lambda _: title_of(page, target) == f"(1) {HOST_TITLE}")

    # The host page moves on (its own navigation) while the user is elsewhere.
    in_background(page, "hidden.document.title = 'Raporty · Hotel Testowy'")
    page.driver.close()
    page.switch_to(handle)
    look(page)
    assert page.driver.title == "Raporty · Hotel Testowy"


def test_desktop_notifications_are_asked_for_only_on_a_click_and_a_click_brings_the_popup(
    recorded: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page = recorded
    signed_in(page, web_account)
    page.open_help()
    page.click(".hd-settings-button")
    state = page.find(".hd-desktop-state")
    assert "wyłączone" in state.text
    # Neither loading the page nor opening the settings asked the browser anything.
    assert page.driver.execute_script("return window.__permissionAsks") == 0

    page.driver.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": page.base_url, "permissions": ["notifications"]}
    )
    page.click(".hd-desktop-enable")
    page.wait_text(".hd-desktop-state", "Gotowe . powiadomienia na pulpicie są włączone")
    assert page.driver.execute_script("return window.__permissionAsks") == 1
    look(page, "settings-desktop-on")
    assert page.find(".hd-desktop-disable").text == "Wyłącz powiadomienia na pulpicie"
    page.click(".hd-panel .hd-icon-button[aria-label='Zamknij']")

    # One message while the user looks at the page: it pops up, no desktop notification.
    announce_to(web_account, agent_headers, "Szkolenie w piątek")
    page.wait_text("#hd-popup-title", "Szkolenie w piątek")
    handle, _target = to_background(page)
    announce_to(web_account, agent_headers, "Nowa wersja grafiku")

    def notified(_: Any) -> list[dict[str, Any]] | bool:
        shown = in_background(
            page,
            "return hidden.__notifications.map(({ title, body, tag }) => ({ title, body, tag }))",
        )
        return shown if shown else False

    shown = page.wait(notified)
    assert len(shown) == 1
    assert shown[0]["title"].startswith("Wiadomość od wsparcia · nr ")
    assert shown[0]["body"] == "Nowa wersja grafiku"
    assert shown[0]["tag"].startswith("helpdesk-popup-")

    # The user clicks the notification: the tab comes up with that pop-up in front of the
    # one that was waiting.
    in_background(page, "hidden.__notifications[0].shown.onclick()")
    page.driver.close()
    page.switch_to(handle)
    page.wait_text("#hd-popup-title", "Nowa wersja grafiku")
    look(page, "notification-clicked")
    assert page.driver.switch_to.active_element.get_attribute("data-action") == "preview"


def test_the_sound_is_off_until_turned_on_and_stays_on_in_this_browser(
    recorded: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page = recorded
    signed_in(page, web_account)
    announce_to(web_account, agent_headers, "Bez dźwięku")
    page.wait_text("#hd-popup-title", "Bez dźwięku")
    assert page.driver.execute_script("return window.__tones") == 0
    page.click(".hd-popup-delete")
    page.wait_gone(".hd-popup")

    page.open_help()
    page.click(".hd-settings-button")
    toggle = page.find(".hd-sound-toggle")
    assert not toggle.is_selected()
    toggle.click()
    # Turning it on plays it once: the user hears what it sounds like.
    page.wait(lambda driver: driver.execute_script("return window.__tones") >= 2)

    signed_in(page, web_account)
    page.open_help()
    page.click(".hd-settings-button")
    assert page.find(".hd-sound-toggle").is_selected()
    page.click(".hd-panel .hd-icon-button[aria-label='Zamknij']")
    announce_to(web_account, agent_headers, "Z dźwiękiem")
    page.wait_text("#hd-popup-title", "Z dźwiękiem")
    page.wait(lambda driver: driver.execute_script("return window.__tones") >= 2)
