"""History as colleagues of one hotel share it, and support's pop-ups told apart from tickets."""

import asyncio
import re

import httpx

from helpdesk_cli.tickets import seed_tickets
from shared.pages import TOTAL_LIMIT
from tests.support.system import HelpDesk, make_token
from tests.support.web import Browser, WebAccount, announce_to, delete_active_popups, look


def test_history_names_each_tickets_author_and_says_the_date_is_the_last_update(
    page: Browser, web_account: WebAccount
) -> None:
    mine = web_account.create_ticket("Faktura dla grupy")
    colleague = make_token("user", web_account.account_id, "user-piotr", "Piotr Recepcja")
    created = httpx.post(
        f"{web_account.gateway_url}/api/v1/tickets",
        headers={"Authorization": f"Bearer {colleague}"},
        data={"subject": "Zepsuty czytnik kart", "message": "Nie czyta.", "importance": "low"},
        timeout=30,
    )
    created.raise_for_status()
    theirs = created.json()["number"]

    page.sign_in(web_account.token)
    page.open_help("history")
    page.wait(lambda _: len(page.all(".hd-table tbody tr")) == 2)
    look(page, "history-authors")
    headers = [cell.text.lower() for cell in page.all(".hd-table thead th")]
    assert headers[:6] == ["#", "apel", "temat", "autor", "status", "ostatnia aktualizacja"]
    assert page.find(f'tr[data-number="{mine}"] .hd-author').text == "Anna Testowa"
    assert page.find(f'tr[data-number="{theirs}"] .hd-author').text == "Piotr Recepcja"
    # The date filter says which date it means.
    date_field = page.find(".hd-filters input[type=date]").find_element(
        "xpath", "ancestor::div[contains(@class, 'hd-field')]"
    )
    assert "ostatniej aktualizacji" in date_field.text.lower()

    page.click(".hd-lang")
    look(page)
    headers = [cell.text.lower() for cell in page.all(".hd-table thead th")]
    assert headers[:6] == ["#", "number", "subject", "author", "status", "last update"]
    page.click(".hd-lang")


def test_support_popups_are_told_apart_from_the_users_tickets(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    number = web_account.create_ticket("Brak pokoi w kalendarzu")
    delete_active_popups(web_account.gateway_url, web_account.token)
    page.sign_in(web_account.token, keep_popups=True)
    answered = httpx.post(
        f"{web_account.gateway_url}/api/v1/agent/tickets/{number}/replies",
        headers=agent_headers,
        data={"message": "Kalendarz już działa."},
        timeout=30,
    )
    answered.raise_for_status()
    page.wait_text(".hd-popup", re.escape(number))
    look(page, "popup-answer-label")
    assert page.find(".hd-popup .hd-popup-kind").text.lower().startswith("odpowiedź wsparcia")
    page.click(".hd-popup-top .hd-icon-button")

    announce_to(web_account, agent_headers, "Przerwa serwisowa w nocy")
    page.wait_text(".hd-popup h2", "Przerwa serwisowa")
    assert page.find(".hd-popup .hd-popup-kind").text.lower().startswith("wiadomość od wsparcia")
    page.click(".hd-popup-top .hd-icon-button")
    page.wait_gone(".hd-popup")

    # The manual's section names stay; inside history, support's messages have their own tab.
    page.open_help("history")
    wanted = ["Zgłoszenia", "Wiadomości od wsparcia"]
    page.wait(lambda _: [tab.text for tab in page.all(".hd-subtab")] == wanted)
    page.press("Wiadomości od wsparcia", ".hd-subtabs")
    page.wait_text(".hd-popup-list", "Przerwa serwisowa")
    look(page, "history-support-messages")
    kinds = [kind.text.lower() for kind in page.all(".hd-popup-list .hd-popup-kind")]
    assert any(kind.startswith("odpowiedź wsparcia") for kind in kinds)
    assert any(kind.startswith("wiadomość od wsparcia") for kind in kinds)


def test_a_history_past_ten_thousand_tickets_says_so_and_pages_on(
    page: Browser, web_account: WebAccount, system: HelpDesk
) -> None:
    """Past 10,000 tickets the total is a lower bound: the pager says "1000+" (the Help
    menu shows 10 a page) and "next" stays open, instead of claiming page 1000 is the last."""
    asyncio.run(
        seed_tickets(system.settings, TOTAL_LIMIT + 1, web_account.account_id, lambda _: None)
    )
    page.sign_in(web_account.token)
    page.open_help("history")
    page.wait_text(".hd-pager", re.escape("Strona 1 z 1000+"))
    look(page, "history-lower-bound")
    following = [b for b in page.all(".hd-pager button") if "Następna" in b.text]
    assert following[0].is_enabled()
    following[0].click()
    page.wait_text(".hd-pager", re.escape("Strona 2 z 1000+"))
