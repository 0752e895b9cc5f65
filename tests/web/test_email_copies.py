"""E-mail copies of support's answers as a user turns them on and follows a copy's link."""

import re
import uuid

import httpx

from tests.support.system import HelpDesk, bearer, make_token
from tests.support.web import Browser, WebAccount, look

SWITCH = ".hd-email-copies input[type=checkbox]"
SAID = ".hd-email-copies [role=status]"


def test_a_user_turns_email_copies_on_in_the_history_and_off_again(
    page: Browser, system: HelpDesk
) -> None:
    address = f"anna-{uuid.uuid4().hex[:10]}@hotel-baltyk.example"
    account_id, user_id = f"hotel-{uuid.uuid4().hex[:10]}", f"user-{uuid.uuid4().hex[:8]}"
    token = make_token("user", account_id, user_id, "Anna Testowa", email=address)

    page.sign_in(token)
    page.open_help("history")
    # Shown once the help desk answered; the history may draw it again meanwhile (a switch
    # found a moment earlier went stale in a loaded CI run), so it is read until it is off.
    page.wait_text(".hd-email-copies", re.escape(address))
    page.wait(lambda _: not page.find(SWITCH).is_selected())
    page.click(SWITCH)
    page.wait_text(SAID, "Kopie odpowiedzi będą wysyłane e-mailem")
    look(page, "email-copies-on")

    # Kept by the help desk: a new page load shows it on.
    page.sign_in(token)
    page.open_help("history")
    page.wait(lambda _: page.find(SWITCH).is_selected())
    stored = httpx.get(
        f"{system.gateway_url}/api/v1/email-copies", headers=bearer(token), timeout=30
    ).json()
    assert stored == {"available": True, "enabled": True, "address": address}

    page.click(".hd-lang")
    page.wait_text(".hd-email-copies label", "E-mail me a copy of every answer from support")
    page.click(SWITCH)
    page.wait_text(SAID, "Copies of answers will no longer be sent")
    page.click(".hd-lang")
    # The language switch redraws the menu: the switch is read again until it is the new one.
    page.wait(lambda _: not page.find(SWITCH).is_selected())
    stored = httpx.get(
        f"{system.gateway_url}/api/v1/email-copies", headers=bearer(token), timeout=30
    ).json()
    assert stored["enabled"] is False


def test_without_an_email_claim_the_history_offers_no_copies(
    page: Browser, web_account: WebAccount
) -> None:
    web_account.create_ticket("Bez adresu e-mail")

    page.sign_in(web_account.token)
    page.open_help("history")

    page.wait(lambda _: len(page.all(".hd-table tbody tr")) == 1)
    # The help desk has answered whether to offer copies; then look as a person would.
    asked = """return performance.getEntriesByType("resource")
        .some((entry) => entry.name.includes("/api/v1/email-copies"));"""
    page.wait(lambda driver: driver.execute_script(asked))
    look(page, "email-copies-none")
    assert page.all(SWITCH) == []
    assert not page.driver.find_element("css selector", ".hd-email-copies").is_displayed()


def test_a_copys_link_opens_its_ticket_in_the_help_menu(page: Browser, system: HelpDesk) -> None:
    # The demo page signs in its demo user Anna by itself, as the host's page would.
    anna = bearer(make_token("user", "hotel-baltyk", "anna", "Anna Kowalska"))
    created = httpx.post(
        f"{system.gateway_url}/api/v1/tickets",
        headers=anna,
        data={"subject": "Link z e-maila", "message": "Proszę o pomoc.", "importance": "low"},
        timeout=30,
    )
    created.raise_for_status()
    number = created.json()["number"]

    page.open_page(f"/?as=anna&helpdesk_ticket={number}")

    page.wait_text(".hd-preview h3", number)
    assert "Link z e-maila" in page.find(".hd-preview").text
