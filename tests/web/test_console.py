"""The ops console and the user's page side by side: replies become pop-ups, and chat.

Two tabs of one browser: the user's page (the Help menu signed in with a host token) and
the console (a demo agent). Background tabs run at full speed (see CHROMIUM_FLAGS).
"""

import re
import uuid
from pathlib import Path

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.support.web import Browser, WebAccount, delete_active_popups, open_console


def test_agent_replies_in_the_console_and_the_user_gets_a_pop_up(
    page: Browser, web_account: WebAccount, png_file: Path
) -> None:
    number = web_account.create_ticket("Nie działa eksport do JPK", "Eksport kończy się błędem.")
    page.sign_in(web_account.token)
    user_tab, console_tab = open_console(page)

    page.type_into(".queue-filters input[name=queue_account_id]", web_account.account_id)
    page.click(f'.queue-item[data-number="{number}"]')
    page.wait_text(".pane-detail h2", number)
    page.find(".agent-reply textarea").send_keys("Proszę zaktualizować moduł JPK do wersji 2.")
    page.driver.find_element(By.CSS_SELECTOR, ".agent-reply input[type=file]").send_keys(
        str(png_file)
    )
    page.press("Wyślij odpowiedź", ".agent-reply")
    page.wait(lambda _: len(page.all(".pane-detail .hd-message")) == 2)
    page.screenshot("console-ticket")

    page.switch_to(user_tab)
    popup = page.find(".hd-popup")
    assert number in popup.text
    assert "Proszę zaktualizować moduł JPK" in page.find(".hd-popup-text").text
    page.screenshot("popup")
    # Remind later offers a choice of times; the pop-up leaves until then.
    page.press("Przypomnij później", ".hd-popup")
    page.click('.hd-snooze-choices [data-minutes="15"]')
    page.wait_gone(".hd-popup")

    # The pop-up leaves the screen at once; the snooze reaches the server a moment later.
    def snoozed() -> bool:
        [popup] = web_account.get(f"/api/v1/popups?state=all&ticket_number={number}")["items"]
        return bool(popup["snoozed_until"]) and not popup["read"]

    page.wait(lambda _: snoozed())

    # A status change is another pop-up; Preview opens its ticket in the Help menu.
    page.switch_to(console_tab)
    page.select(".status-form select", "resolved")
    page.press("Zapisz", ".status-form")
    page.wait_text(".pane-detail .hd-success", "Zapisano")
    page.switch_to(user_tab)
    page.wait_text(".hd-popup h2", "rozwiązane")
    page.press("Podgląd", ".hd-popup-actions")
    page.wait_gone(".hd-popup")
    page.wait_text(".hd-preview h3", number)
    page.wait_text(".hd-preview .hd-badge", "Rozwiązane")


def test_announcements_queue_up_and_deleted_ones_stay_in_history(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    # Titles of their own: other tests announce to everyone, and that includes this user.
    maintenance, release = (f"{title} {uuid.uuid4().hex[:6]}" for title in ("Przerwa", "Wersja"))
    delete_active_popups(web_account.gateway_url, web_account.token)
    # Sent while the user's page was closed: it appears as soon as the page connects.
    response = httpx.post(
        f"{web_account.gateway_url}/api/v1/agent/announcements",
        headers=agent_headers,
        json={
            "title": maintenance,
            "body": "W nocy z soboty na niedzielę system będzie niedostępny.",
            "account_id": web_account.account_id,
            "user_id": web_account.user_id,
        },
        timeout=30,
    )
    response.raise_for_status()
    page.sign_in(web_account.token, keep_popups=True)
    page.wait_text(".hd-popup h2", maintenance)

    open_console(page)
    page.press("Ogłoszenie", ".hd-subtabs")
    page.find(".announcer input[name=title]").send_keys(release)
    page.find(".announcer textarea[name=body]").send_keys("Sprawdź, co nowego w raportach.")
    page.find(".announcer input[value=user]").click()
    page.find(".announcer input[name=announce_account_id]").send_keys(web_account.account_id)
    page.find(".announcer input[name=announce_user_id]").send_keys(web_account.user_id)
    page.press("Wyślij pop-up", ".announcer")
    page.wait_text(".announcer .hd-success", "wysłane")
    page.screenshot("console-announcement")
    page.driver.close()
    page.switch_to(page.driver.window_handles[0])

    # Two pending: the first stays in front and the second waits its turn.
    page.wait_text(".hd-popup .hd-waiting", "1")
    page.screenshot("popup-queue")
    page.press("Usuń", ".hd-popup-actions")
    page.wait_text(".hd-popup h2", release)
    assert not page.all(".hd-popup .hd-waiting")
    # Escape closes the modal for now without deciding anything.
    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.wait_gone(".hd-popup")

    page.open_help("history")
    page.press("Wiadomości od wsparcia", ".hd-subtabs")
    deleted = page.wait_text(".hd-popup-item.hd-deleted", maintenance)
    assert "usunięte" in deleted
    page.wait_text(".hd-popup-item:not(.hd-deleted)", release)
    page.screenshot("popup-history")


def test_an_announcement_to_the_account_pops_up_live_in_each_tab_as_one_popup(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    title = f"Nowe raporty {uuid.uuid4().hex[:6]}"
    page.sign_in(web_account.token)
    first_tab = page.driver.current_window_handle
    page.driver.switch_to.new_window("tab")
    page.switch_to(page.driver.current_window_handle)
    page.sign_in(web_account.token, keep_popups=True)
    second_tab = page.driver.current_window_handle
    for tab in (first_tab, second_tab):
        page.switch_to(tab)
        page.wait_stream_open()

    # Sent while both tabs are open: each shows it without a reload, as the same pop-up.
    response = httpx.post(
        f"{web_account.gateway_url}/api/v1/agent/announcements",
        headers=agent_headers,
        json={"title": title, "body": "Raport obłożenia ma nowe kolumny."},
        timeout=30,
    )
    response.raise_for_status()
    numbers = []
    for tab in (first_tab, second_tab):
        page.switch_to(tab)
        page.wait_text(".hd-popup h2", title)
        numbers.append(page.find(".hd-popup").get_attribute("data-number"))
    assert numbers[0] == numbers[1]
    [popup] = [
        item
        for item in web_account.get("/api/v1/popups?state=all&page_size=100")["items"]
        if item["title"] == title
    ]
    assert popup["number"] == numbers[0]

    # Deleted in one tab, it leaves the other too.
    page.press("Usuń", ".hd-popup-actions")
    page.wait_gone(".hd-popup")
    page.switch_to(first_tab)
    page.wait_gone(".hd-popup")


def test_chat_between_the_user_page_and_the_console(page: Browser, web_account: WebAccount) -> None:
    question = f"Jak dodać nowego recepcjonistę? {uuid.uuid4().hex[:6]}"
    page.sign_in(web_account.token)
    user_tab, console_tab = open_console(page)
    page.switch_to(user_tab)

    page.open_help("chat")
    page.wait_text(".hd-chat-section .hd-warning", "nie jest zapisywana")
    page.press("Rozpocznij czat", ".hd-chat-section")
    window = page.find(".hd-chat-window")
    assert "Zamknięcie tego okna kończy czat" in window.text
    assert page.find(".hd-chat-form input[name=name]").get_attribute("value") == "Anna Testowa"
    page.find(".hd-chat-form input[name=phone]").send_keys("+48 600 123 456")
    page.find(".hd-chat-form textarea[name=question]").send_keys(question)
    page.press("Rozpocznij czat", ".hd-chat-form")
    page.wait_text(".hd-queue", r"miejsce: \d+")
    page.screenshot("chat-queued")

    page.switch_to(console_tab)
    waiting = page.wait_text(".waiting-item", re.escape(question))
    assert "Anna Testowa" in waiting
    for item in page.all(".waiting-item"):
        if question in item.text:
            item.find_element(By.CSS_SELECTOR, "button.accept-chat").click()
    page.find(".conversation input[name=text]").send_keys("Dzień dobry, już pomagam." + Keys.ENTER)

    page.switch_to(user_tab)
    page.wait_text(".hd-line-agent", "już pomagam")
    page.find("#hd-chat-text").send_keys("Dziękuję, czekam." + Keys.ENTER)
    page.screenshot("chat-user")

    page.switch_to(console_tab)
    page.wait_text(".conversation .hd-line-agent", "Dziękuję, czekam.")
    page.screenshot("chat-console")

    # The user keeps the conversation by turning it into a ticket, then closes the window.
    page.switch_to(user_tab)
    page.press("Utwórz zgłoszenie z tego czatu", ".hd-chat-window")
    subject = page.find(".hd-ticket input[name=subject]").get_attribute("value")
    assert subject is not None and subject.startswith("Czat: Jak dodać nowego recepcjonistę")
    message = page.find(".hd-ticket textarea[name=message]").get_attribute("value")
    assert message is not None and "Dziękuję, czekam." in message and "już pomagam" in message
    page.click(".hd-chat-close")
    page.press("Zakończ czat", ".hd-chat-confirm")
    page.wait_gone(".hd-chat-window")

    page.switch_to(console_tab)
    page.wait_text(".conversation-footer", "zamknął okno")
