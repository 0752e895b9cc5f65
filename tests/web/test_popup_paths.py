"""Pop-ups as a hotel user meets them: arrive, Remind later, Preview, close, Delete, history."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from selenium.webdriver.common.keys import Keys

from tests.support.web import (
    Browser,
    WebAccount,
    active,
    announce_to,
    delete_active_popups,
    look,
    popup_state,
    press_key,
    tab_to,
    type_slowly,
)


def start_clean(account: WebAccount) -> None:
    """No pop-ups but the test's own: what others announced to everyone goes first."""
    delete_active_popups(account.gateway_url, account.token)


def unique(title: str) -> str:
    # Other tests announce to everyone, and that reaches this user too: titles of our own.
    return f"{title} {uuid.uuid4().hex[:6]}"


def badge(page: Browser) -> str:
    found = page.all(".hd-help-button .hd-unread-count")
    return found[0].text if found else ""


def test_typing_in_the_help_menu_while_a_popup_arrives_loses_nothing(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page.sign_in(web_account.token)
    page.open_help("ticket")
    page.click("input[name=subject]")
    first, rest = "Nie działa ", "drukowanie faktur w recepcji od rana"
    type_slowly(page, first)
    title = unique("Przerwa techniczna")
    announce_to(web_account, agent_headers, title)
    # The pop-up arrives while the spaces and letters keep coming.
    type_slowly(page, rest, pause=0.06)
    look(page, "popup-arrived-while-typing")
    assert page.find(".hd-popup h2").text == title
    subject = page.find("input[name=subject]")
    assert subject.get_attribute("value") == first + rest
    assert active(page) == subject
    # No key turned into a pop-up action, and the panel stayed where the user was.
    state = popup_state(web_account, title)
    assert (state["read"], state["seen"], state["deleted"], state["snoozed_until"]) == (
        False,
        False,
        False,
        None,
    )
    assert page.find(".hd-tab[aria-current=page]").get_attribute("data-section") == "ticket"
    # The pop-up is announced, and its documented key takes the user there.
    assert title in page.find(".hd-popup-announcer").get_attribute("textContent")
    press_key(page, Keys.F2)
    look(page)
    assert page.driver.execute_script("return document.activeElement.closest('.hd-popup') !== null")
    press_key(page, Keys.ESCAPE)
    page.wait_gone(".hd-popup")
    assert popup_state(web_account, title)["seen"] is True


def test_typing_in_the_host_pages_own_form_while_a_popup_arrives_loses_nothing(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page.sign_in(web_account.token)
    # The host application's own search field (the demo page stands in for a hotel system).
    page.driver.execute_script(
        """
        const field = document.createElement("input");
        field.id = "host-search";
        field.setAttribute("aria-label", "Szukaj rezerwacji");
        document.querySelector("main").prepend(field);
        """
    )
    page.click("#host-search")
    type_slowly(page, "Kowalska ")
    title = unique("Nowa wersja")
    announce_to(web_account, agent_headers, title)
    type_slowly(page, "pokój 204 przyjazd jutro", pause=0.06)
    look(page, "popup-arrived-while-typing-host")
    assert page.find(".hd-popup h2").text == title
    assert page.find("#host-search").get_attribute("value") == "Kowalska pokój 204 przyjazd jutro"
    state = popup_state(web_account, title)
    assert (state["read"], state["seen"], state["deleted"]) == (False, False, False)
    assert not page.all(".hd-panel")


def test_a_popup_takes_the_focus_of_an_idle_user(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page.sign_in(web_account.token)
    title = unique("Odpowiedź gotowa")
    announce_to(web_account, agent_headers, title)
    page.find(".hd-popup")
    look(page, "popup-idle")
    assert page.driver.execute_script("return document.activeElement.closest('.hd-popup') !== null")


@pytest.mark.parametrize(
    ("label", "minutes"),
    [("15 minut", 15), ("1 godzinę", 60), ("4 godziny", 240), ("jutro", 24 * 60)],
)
def test_remind_later_hides_the_popup_until_the_chosen_time(
    page: Browser,
    web_account: WebAccount,
    agent_headers: dict[str, str],
    label: str,
    minutes: int,
) -> None:
    start_clean(web_account)
    title = unique("Przypomnienie")
    announce_to(web_account, agent_headers, title)
    page.sign_in(web_account.token, keep_popups=True)
    page.wait_text(".hd-popup h2", re.escape(title))
    page.press("Przypomnij później", ".hd-popup")
    page.press(label, ".hd-snooze-choices")
    chosen = datetime.now(UTC)
    look(page)
    assert not page.all(".hd-popup")
    until = datetime.fromisoformat(popup_state(web_account, title)["snoozed_until"])
    assert abs(until - (chosen + timedelta(minutes=minutes))) < timedelta(seconds=30)
    # A page load before that time does not bring it back.
    page.sign_in(web_account.token, keep_popups=True)
    look(page)
    assert not page.all(".hd-popup")


def test_preview_close_and_delete_end_a_popup_and_history_keeps_them_all(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    start_clean(web_account)
    titles = [unique(name) for name in ("Podgląd", "Krzyżyk", "Escape", "Usuń")]
    for title in titles:
        announce_to(web_account, agent_headers, title)
    page.sign_in(web_account.token, keep_popups=True)
    page.wait_text(".hd-popup h2", re.escape(titles[0]))
    look(page, "popup-queue")
    assert "+3" in page.find(".hd-popup .hd-waiting").text
    assert badge(page) == "4"

    page.press("Podgląd", ".hd-popup-actions")
    page.wait_text(".hd-panel", re.escape(titles[0]))
    look(page, "popup-previewed")
    assert badge(page) == "3"
    # The next ones wait while the user reads: nothing covers the text.
    assert not page.all(".hd-popup")

    # Done reading: the Help menu closes and the next one shows.
    press_key(page, Keys.ESCAPE)
    page.wait_gone(".hd-panel")
    page.click(".hd-popup-top .hd-icon-button")
    page.wait_text(".hd-popup h2", re.escape(titles[2]))
    press_key(page, Keys.ESCAPE)
    page.wait_text(".hd-popup h2", re.escape(titles[3]))
    page.press("Usuń", ".hd-popup-actions")
    page.wait_gone(".hd-popup")
    look(page)
    # Closed ones stay unread: the badge still sends the user to them.
    assert badge(page) == "2"

    states = [popup_state(web_account, title) for title in titles]
    assert [(s["read"], s["seen"], s["deleted"]) for s in states] == [
        (True, False, False),
        (False, True, False),
        (False, True, False),
        (False, False, True),
    ]
    # A new page load shows none of them again.
    page.sign_in(web_account.token, keep_popups=True)
    look(page, "popups-after-reload")
    assert not page.all(".hd-popup")

    page.open_help("history")
    page.press("Wiadomości od wsparcia", ".hd-subtabs")
    for title in titles:
        page.wait_text(".hd-popup-list", re.escape(title))
    deleted = page.find(f'.hd-popup-item[data-number="{states[3]["number"]}"]')
    assert "usunięte" in deleted.text
    # Preview in history reads what was closed by mistake; the badge follows.
    item = f'.hd-popup-item[data-number="{states[1]["number"]}"]'
    page.click(f"{item} .hd-popup-preview")
    page.wait_text(item, re.escape(f"Treść: {titles[1]}"))
    look(page, "history-popup-preview")
    assert popup_state(web_account, titles[1])["read"] is True
    assert badge(page) == "1"


def test_more_than_twenty_popups_all_pop_up_and_all_are_in_history(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    start_clean(web_account)
    series = unique("Seria")
    titles = [f"{series} {index:02d}" for index in range(24)]
    for title in titles:
        announce_to(web_account, agent_headers, title)
    page.sign_in(web_account.token, keep_popups=True)
    page.wait_text(".hd-popup h2", re.escape(titles[0]))
    look(page, "popups-24")
    assert "+23" in page.find(".hd-popup .hd-waiting").text
    assert badge(page) == "24"
    # The last one too is reached by going through them.
    for _ in range(23):
        page.click(".hd-popup-top .hd-icon-button")
    page.wait_text(".hd-popup h2", re.escape(titles[23]))
    page.click(".hd-popup-top .hd-icon-button")
    page.wait_gone(".hd-popup")

    page.open_help("history")
    page.press("Wiadomości od wsparcia", ".hd-subtabs")
    seen: set[str] = set()
    for _ in range(5):
        page.find(".hd-popup-list")
        look(page)
        seen |= {title.text for title in page.all(".hd-popup-item .hd-popup-title")}
        nexts = [b for b in page.all(".hd-pager button") if "Następna" in b.text]
        if not nexts or not nexts[0].is_enabled():
            break
        nexts[0].click()
    assert set(titles) <= seen


def test_a_popup_is_handled_with_the_keyboard_alone(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page.sign_in(web_account.token)
    title = unique("Klawiatura")
    announce_to(web_account, agent_headers, title)
    page.wait_text(".hd-popup h2", re.escape(title))
    look(page)
    # An idle user's focus is on Preview; Remind later is one Shift+Tab away.
    assert active(page).get_attribute("data-action") == "preview"
    tab_to(page, '[data-action="remind"]', backwards=True)
    press_key(page, Keys.ENTER)
    look(page, "popup-keyboard-remind")
    assert active(page).get_attribute("data-minutes") == "15"
    press_key(page, Keys.ENTER)
    page.wait_gone(".hd-popup")
    assert popup_state(web_account, title)["snoozed_until"]


def test_preview_of_an_old_popup_shows_its_text_though_history_starts_with_newer_ones(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    start_clean(web_account)
    series = unique("Zaległa")
    # More than history's page of 10 arrive while the user is away.
    titles = [f"{series} {index:02d}" for index in range(12)]
    for title in titles:
        announce_to(web_account, agent_headers, title)
    page.sign_in(web_account.token, keep_popups=True)
    # The queue starts with the oldest, which history lists last (on its second page).
    page.wait_text(".hd-popup h2", re.escape(titles[0]))
    page.press("Podgląd", ".hd-popup-actions")
    look(page, "popup-old-previewed")
    panel = page.find(".hd-panel").text
    assert f"Treść: {titles[0]}" in panel
    assert not page.all(".hd-popup")
    assert popup_state(web_account, titles[0])["read"] is True
    # Back to the list of support's messages, newest first, with the rest a page away.
    page.press("Wiadomości od wsparcia", ".hd-panel")
    page.wait_text(".hd-popup-list", re.escape(titles[11]))
    look(page)
    assert titles[0] not in page.find(".hd-popup-list").text
    # Done reading: the next one (the second oldest) shows as the menu closes.
    press_key(page, Keys.ESCAPE)
    page.wait_text(".hd-popup h2", re.escape(titles[1]))


# The next list of active pop-ups is answered by the server at once, but its answer reaches
# the page only when the test says so: a list read before a pop-up existed, arriving after
# the pop-up itself came on the socket (a catch-up at reconnection on a busy machine).
HOLD_NEXT_LIST = """
const done = arguments[0];
const original = window.fetch;
let release;
const gate = new Promise((resolve) => (release = resolve));
window.__releaseList = release;
window.fetch = async (input, init) => {
  const url = String(input);
  if (!url.includes("/api/v1/popups") || !url.includes("page=1")) return original(input, init);
  window.fetch = original;
  const response = await original(input, init);
  window.__listHeld = true;
  await gate;
  return response;
};
window.HelpDesk.ready.then((desk) => {
  desk.popups.sync().then(() => (window.__synced = true));
  done(true);
});
"""


def test_a_popup_that_arrives_during_a_catch_up_stays_on_screen(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    number = web_account.create_ticket("Kanał OTA", "Ceny nie docierają.")
    page.sign_in(web_account.token)
    page.wait_stream_open()
    page.driver.execute_async_script(HOLD_NEXT_LIST)
    page.wait(lambda driver: driver.execute_script("return window.__listHeld === true"))

    answer = "Proszę ponownie połączyć kanał."
    reply = httpx.post(
        f"{web_account.gateway_url}/api/v1/agent/tickets/{number}/replies",
        headers=agent_headers,
        data={"message": answer},
        timeout=30,
    )
    reply.raise_for_status()
    page.find(".hd-popup")
    # The list read before the answer existed now reaches the page.
    page.driver.execute_script("window.__releaseList()")
    page.wait(lambda driver: driver.execute_script("return window.__synced === true"))
    look(page, "popup-after-catch-up")

    assert [popup.text for popup in page.all(".hd-popup") if number in popup.text], (
        "the pop-up vanished when an older list arrived"
    )
