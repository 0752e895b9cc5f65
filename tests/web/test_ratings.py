"""Satisfaction ratings as people meet them: the user rates a resolved ticket in the pop-up
that announces it and a chat once it ends; the agent sees the rating on the ticket and in
the console's ratings report."""

import re

import httpx
from selenium.webdriver.common.keys import Keys

from tests.support.web import (
    Browser,
    WebAccount,
    active,
    delete_active_popups,
    look,
    press_key,
    tab_to,
    type_slowly,
)
from tests.web.test_chat_paths import agent_says, chat_accepted_by_support, question_for_test


def resolve(account: WebAccount, number: str, agent_headers: dict[str, str]) -> None:
    response = httpx.patch(
        f"{account.gateway_url}/api/v1/agent/tickets/{number}",
        json={"status": "resolved"},
        headers=agent_headers,
        timeout=30,
    )
    response.raise_for_status()


def test_the_user_rates_a_resolved_ticket_in_its_pop_up_with_the_keyboard(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    # Announcements to everyone from other tests would pop up first: they go beforehand.
    delete_active_popups(web_account.gateway_url, web_account.token)
    number = web_account.create_ticket("Nie drukuje się paragon", "Drukarka fiskalna milczy.")
    resolve(web_account, number, agent_headers)
    page.sign_in(web_account.token, keep_popups=True)

    page.wait_text(".hd-popup h2", f"{number}.*rozwiązane")
    page.wait_text(".hd-popup .hd-stars legend", "Jak oceniasz rozwiązanie zgłoszenia?")
    look(page, "rating-popup")
    # Tab reaches the stars; Space picks the first, the arrows move to the fourth.
    tab_to(page, ".hd-stars input")
    press_key(page, Keys.SPACE)
    for _ in range(3):
        press_key(page, Keys.ARROW_RIGHT)
    assert active(page).get_attribute("value") == "4"
    assert len(page.all(".hd-stars label.hd-on")) == 4
    tab_to(page, ".hd-rating textarea")
    type_slowly(page, "Szybko i uprzejmie.", pause=0.01)
    tab_to(page, ".hd-rating-send")
    press_key(page, Keys.ENTER)

    page.wait_text(".hd-rating-status", r"Dziękujemy! Twoja ocena: 4/5\.")
    look(page, "rating-popup-sent")
    stored = web_account.get(f"/api/v1/tickets/{number}/rating")
    assert (stored["rating"]["rating"], stored["rating"]["comment"]) == (4, "Szybko i uprzejmie.")
    # The pop-up stays for its own buttons; the rating can be changed from it.
    assert page.find(".hd-rating-send").text == "Zmień ocenę"
    page.click(".hd-stars label[for$='-2']")
    page.click(".hd-rating-send")
    page.wait_text(".hd-rating-status", "Twoja ocena: 2/5")
    assert web_account.get(f"/api/v1/tickets/{number}/rating")["rating"]["rating"] == 2
    page.press("Usuń", ".hd-popup-actions")
    page.wait_gone(".hd-popup")


def test_in_english_the_rating_asks_for_stars_before_it_is_sent(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    number = web_account.create_ticket("Raport", "Nie ma raportu.")
    page.sign_in(web_account.token)
    page.open_help()
    page.click(".hd-lang")
    page.wait_text(".hd-title", "^Help$")
    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.wait_gone(".hd-panel")
    page.wait_stream_open()

    resolve(web_account, number, agent_headers)
    page.wait_text(".hd-popup .hd-stars legend", "How would you rate the resolution")
    page.press("Send rating", ".hd-popup")
    page.wait_text(".hd-rating-status", r"Choose from 1 to 5 stars\.")
    assert web_account.get(f"/api/v1/tickets/{number}/rating")["rating"] is None
    page.click(".hd-popup .hd-stars label[for$='-5']")
    page.press("Send rating", ".hd-popup")
    page.wait_text(".hd-rating-status", r"Thank you! Your rating: 5/5\.")
    look(page, "rating-popup-english")
    assert web_account.get(f"/api/v1/tickets/{number}/rating")["rating"]["rating"] == 5
    # The language is remembered by the browser: back to Polish for the tests after.
    page.press("Delete", ".hd-popup-actions")
    page.wait_gone(".hd-popup")
    page.open_help()
    page.click(".hd-lang")
    page.wait_text(".hd-title", "^Pomoc$")


def test_the_user_rates_a_chat_once_it_ends_and_the_agent_sees_ratings_in_the_console(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    question = question_for_test("Jak dodać nowy pokój?")
    user_tab, console_tab = chat_accepted_by_support(page, web_account, question)
    agent_says(page, "Ustawienia → Pokoje → Dodaj.")
    page.switch_to(user_tab)
    page.wait_text(".hd-line-agent", "Dodaj")
    page.press("Zakończ czat", ".hd-chat-actions")

    page.wait_text(".hd-chat-window .hd-stars legend", "Jak oceniasz tę rozmowę?")
    assert not page.all(".hd-chat-window .hd-rating textarea")
    page.click(".hd-chat-window .hd-stars label[for$='-5']")
    page.press("Wyślij ocenę", ".hd-chat-window")
    page.wait_text(".hd-chat-window .hd-rating-status", "Twoja ocena: 5/5")
    look(page, "rating-chat-sent")
    # Once only: the stars are spent.
    assert not page.all(".hd-chat-window .hd-rating-send")
    assert page.find(".hd-chat-window .hd-stars input[value='1']").get_attribute("disabled")

    # A ticket of the same account rated from its pop-up, then both seen by the agent.
    number = web_account.create_ticket("Błąd faktury", "Zła stawka VAT.")
    resolve(web_account, number, agent_headers)
    page.wait_text(".hd-popup h2", number)
    page.click(".hd-popup .hd-stars label[for$='-3']")
    page.find(".hd-popup .hd-rating textarea").send_keys("Trwało to trzy dni.")
    page.press("Wyślij ocenę", ".hd-popup")
    page.wait_text(".hd-popup .hd-rating-status", "3/5")

    page.switch_to(console_tab)
    page.select(".queue-filters select[name=queue_status]", "resolved")
    page.type_into(".queue-filters input[name=queue_account_id]", web_account.account_id)
    page.click(f'.queue-item[data-number="{number}"]')
    rated = page.wait_text(".ticket-ratings", r"★★★☆☆ 3/5")
    assert "Trwało to trzy dni." in rated and "rozwiązanie 1" in rated

    page.click('.hd-subtab[data-tab="ratings"]')
    page.type_into(".ratings-filters input[name=ratings_account_id]", web_account.account_id)
    page.press("Pokaż", ".ratings-filters")
    # The figures as one reading of the screen: the report may be drawn again meanwhile.
    figures_script = """
        const text = (css) => [...document.querySelectorAll(css)].map((node) => node.textContent);
        return {
            count: text(".ratings-count"),
            average: text(".ratings-average"),
            stars: text(".ratings-distribution .ratings-star-count"),
            accounts: text(".ratings-accounts tbody th"),
        };
    """
    expected = {
        "count": ["2"],
        "average": ["4.00"],
        "stars": ["1", "0", "1", "0", "0"],
        "accounts": [web_account.account_id],
    }
    page.wait(lambda driver: driver.execute_script(figures_script) == expected)
    comment = page.wait_text(".ratings-comments li", "Trwało to trzy dni.")
    assert number in comment
    page.select(".ratings-filters select[name=ratings_kind]", "chat")
    page.press("Pokaż", ".ratings-filters")
    page.wait_text(".ratings-count", "^1$")
    assert re.search("Brak komentarzy", page.find(".ratings-results").text)
    look(page, "ratings-report")


def test_a_user_who_deleted_the_pop_up_rates_the_ticket_from_its_preview_in_history(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    number = web_account.create_ticket("Nie działa import gości", "Plik CSV się nie wczytuje.")
    resolve(web_account, number, agent_headers)
    # Once the pop-up is made, signing in clears the waiting pop-ups: as if the user had
    # deleted it.
    page.wait(
        lambda _: web_account.get(f"/api/v1/popups?state=all&ticket_number={number}")["items"]
    )
    page.sign_in(web_account.token)
    page.open_help("history")
    page.click(f'.hd-preview-button[aria-label$="{number}"]')
    page.wait_text(".hd-preview h3", number)

    page.wait_text(".hd-preview .hd-stars legend", "Jak oceniasz rozwiązanie zgłoszenia?")
    page.click(".hd-preview .hd-stars label[for$='-5']")
    page.find(".hd-preview .hd-rating textarea").send_keys("Działa, dziękuję.")
    page.press("Wyślij ocenę", ".hd-preview")
    page.wait_text(".hd-preview .hd-rating-status", "Twoja ocena: 5/5")
    look(page, "rating-history-preview")
    stored = web_account.get(f"/api/v1/tickets/{number}/rating")["rating"]
    assert (stored["rating"], stored["comment"]) == (5, "Działa, dziękuję.")
