"""Collision warnings and availability in the ops console, as two agents meet them.

Two agents (the demo's Ewa and Tomasz) in two windows of one browser: each sees that the
other has the same ticket open and when the other writes a reply; the warning goes when
one closes the ticket or the window. An agent away is offered no chat until back online;
the one online hears a new chat and sees the count on the tab while it is in the background.
"""

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.support.system import HelpDesk, bearer, make_token
from tests.support.web import Browser, WebAccount, axe_violations, look, type_slowly
from tests.web.test_background_alerts import RECORDER, target_id, title_of, to_background
from tests.web.test_chat_paths import accept_in_console, question_for_test, start_chat
from tests.web.test_console_paths import open_ticket_in_console

CONSOLE_TITLE = "Konsola wsparcia \u2013 Help desk"


def console_window(page: Browser, agent: str, kind: str = "window", record: bool = False) -> str:
    """A new window (or tab) with the console signed in as demo agent `agent`; its handle.
    `record`: the page counts the tones it plays (RECORDER) in `window.__tones`."""
    page.driver.switch_to.new_window(kind)
    handle = page.driver.current_window_handle
    page.switch_to(handle)
    if record:
        page.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    page.open_page(f"/console?as={agent}")
    page.find(".queue-filters")
    return handle


def presence_line(page: Browser) -> str:
    return page.driver.execute_script(
        "const line = document.querySelector('.ticket-viewers');"
        "return line && !line.hidden ? line.textContent : '';"
    )


def test_two_agents_see_each_other_on_a_ticket_and_the_reply_being_written(
    page: Browser, web_account: WebAccount
) -> None:
    number = web_account.create_ticket("Podwójna rezerwacja pokoju 12")
    ewa = page.driver.current_window_handle
    page.open_page("/console?as=ewa-support")
    open_ticket_in_console(page, web_account.account_id, number)
    tomasz = console_window(page, "tomasz-support")
    open_ticket_in_console(page, web_account.account_id, number)

    page.wait_text(".ticket-viewers", r"^To zgłoszenie ogląda też: Ewa \(wsparcie\)$")
    page.switch_to(ewa)
    page.wait_text(".ticket-viewers", r"^To zgłoszenie ogląda też: Tomasz \(wsparcie\)$")
    look(page, "presence-viewers")
    assert axe_violations(page, "#ticket-pane") == []
    # In English too, and back (the language is kept in this browser for later tests).
    page.click("#lang")
    page.wait_text(".ticket-viewers", r"^Also viewing this ticket: Tomasz \(wsparcie\)$")
    page.click("#lang")
    page.wait_text(".ticket-viewers", r"^To zgłoszenie ogląda też")

    # Ewa writes; Tomasz sees it live.
    page.find(".agent-reply textarea[name=message]").click()
    type_slowly(page, "Sprawdzam rezerwację", pause=0.02)
    page.switch_to(tomasz)
    page.wait_text(".ticket-presence .hd-typing", r"^Ewa \(wsparcie\) pisze odpowiedź…$")
    look(page, "presence-typing")

    # Ewa puts the ticket away: Tomasz no longer sees her there.
    page.switch_to(ewa)
    page.click(".close-ticket")
    page.find("#ticket-pane .pick")
    page.switch_to(tomasz)
    page.wait(lambda _: presence_line(page) == "")
    # Back on it, then her window closes: gone again.
    page.switch_to(ewa)
    open_ticket_in_console(page, web_account.account_id, number)
    page.switch_to(tomasz)
    page.wait_text(".ticket-viewers", r"Ewa \(wsparcie\)")
    page.switch_to(ewa)
    page.driver.close()
    page.switch_to(tomasz)
    page.wait(lambda _: presence_line(page) == "")
    assert page.find(".pane-detail h2").text.endswith(number)


@pytest.fixture
def tomasz_online_after(system: HelpDesk) -> Iterator[dict[str, str]]:
    """Tomasz's headers; whatever a test chose for him, he is online again after it."""
    headers = bearer(make_token("agent", "support", "tomasz-support", "Tomasz (wsparcie)"))
    yield headers
    httpx.put(
        f"{system.gateway_url}/api/v1/agent/availability",
        json={"status": "online"},
        headers=headers,
        timeout=30,
    ).raise_for_status()


def test_an_agent_away_is_offered_no_chat_and_the_one_online_hears_it_in_the_background(
    page: Browser, web_account: WebAccount, tomasz_online_after: dict[str, str]
) -> None:
    question = question_for_test("Czy mogę przenieść rezerwację?")
    page.sign_in(web_account.token)
    user = page.driver.current_window_handle
    tomasz = console_window(page, "tomasz-support", "tab", record=True)
    page.select("select[name=availability]", "away")
    page.wait_text(".away-note", "Jesteś nieobecny")
    look(page, "availability-away")
    assert axe_violations(page, "#side-pane") == []

    ewa = console_window(page, "ewa-support", "tab", record=True)
    ewa_tab = target_id(page)
    # A click lets the page make sound (browsers allow it only after one).
    page.click('.hd-subtab[data-tab="chats"]')
    to_background(page)
    page.switch_to(user)
    start_chat(page, question)
    page.wait_text(".hd-queue", r"miejsce: \d+")

    # The console in the background counts the chats waiting on its tab.
    page.wait(lambda _: re.match(rf"^\(\d+\) {CONSOLE_TITLE}$", title_of(page, ewa_tab)))
    page.switch_to(ewa)
    page.wait_text(".waiting-item", re.escape(question))
    page.wait(lambda driver: driver.title == CONSOLE_TITLE)
    assert page.driver.execute_script("return window.__tones") >= 1

    # Tomasz, away, was offered nothing: no line of it, no sound.
    page.switch_to(tomasz)
    page.find(".away-note")
    assert not [item for item in page.all(".waiting-item") if question in item.text]
    assert page.driver.execute_script("return window.__tones") == 0

    page.select("select[name=availability]", "online")
    accept_in_console(page, question)
    page.switch_to(user)
    page.wait_text(".hd-chat-log", r"Tomasz \(wsparcie\) dołączył")
    status = httpx.get(
        f"{web_account.gateway_url}/api/v1/agent/availability",
        headers=tomasz_online_after,
        timeout=30,
    ).json()
    assert status["status"] == "online"


def test_users_are_told_nobody_is_available_while_every_agent_is_away(
    page: Browser,
    web_account: WebAccount,
    system: HelpDesk,
    tomasz_online_after: dict[str, str],
) -> None:
    """On a gateway that asks for an agent online (the default; the test session's does not)."""
    gateway = system.spawn("gateway", HELPDESK_CHAT_NEEDS_AGENT_ONLINE="on").start()
    try:
        site = Browser(page.driver, gateway.url)
        site.sign_in(web_account.token)
        user = page.driver.current_window_handle
        console_window(site, "tomasz-support", "tab")
        site.select("select[name=availability]", "away")
        site.find(".away-note")

        def chat_available() -> bool:
            help_info = httpx.get(f"{gateway.url}/api/v1/help", timeout=30).json()
            return bool(help_info["chat_available"])

        site.wait(lambda _: not chat_available())
        site.switch_to(user)
        site.open_help("chat")
        site.wait_text(".hd-chat-section h3", "Nikt ze wsparcia nie jest teraz dostępny na czacie")
        assert "Nowe powiadomienie" in site.find(".hd-chat-section .hd-actions").text
        look(site, "chat-no-agent-online")
    finally:
        page.leave_every_window()
        gateway.stop()
