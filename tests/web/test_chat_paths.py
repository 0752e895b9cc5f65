"""Live chat walked as the manual tells it: start, wait, an agent accepts, talk, end.

The user's page and the ops console are two tabs of one browser (see test_console.py).
"""

import re
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.support.web import Browser, WebAccount, look, open_console


def start_chat(page: Browser, question: str, phone: str = "+48 600 123 456") -> None:
    """From the Help menu's Chat section to the chat form, filled and sent."""
    page.open_help("chat")
    page.press("Rozpocznij czat", ".hd-chat-section")
    page.find(".hd-chat-form input[name=phone]").send_keys(phone)
    page.find(".hd-chat-form textarea[name=question]").send_keys(question)
    page.press("Rozpocznij czat", ".hd-chat-form")


def accept_in_console(page: Browser, question: str) -> None:
    page.wait_text(".waiting-item", re.escape(question))

    def accepted(_: object) -> bool:
        # The waiting list is redrawn as chats come and go: find the button afresh each try.
        for item in page.all(".waiting-item"):
            if question in item.text:
                item.find_element(By.CSS_SELECTOR, "button.accept-chat").click()
                return True
        return False

    page.wait(accepted)
    page.find(".conversation input[name=text]")


def agent_says(page: Browser, text: str) -> None:
    page.find(".conversation input[name=text]").send_keys(text + Keys.ENTER)


def chat_accepted_by_support(
    page: Browser, web_account: WebAccount, question: str
) -> tuple[str, str]:
    """The user starts a chat, support accepts it in the console (the current tab after)."""
    page.sign_in(web_account.token)
    user_tab, console_tab = open_console(page)
    page.switch_to(user_tab)
    start_chat(page, question)
    page.wait_text(".hd-queue", r"miejsce: \d+")
    page.switch_to(console_tab)
    accept_in_console(page, question)
    return user_tab, console_tab


def question_for_test(topic: str) -> str:
    return f"{topic} {uuid.uuid4().hex[:6]}"


def test_a_chat_from_start_to_the_agent_ending_it_keeps_what_the_user_types(
    page: Browser, web_account: WebAccount
) -> None:
    question = question_for_test("Jak zmienić cenę pokoju?")
    page.sign_in(web_account.token)
    user_tab, console_tab = open_console(page)
    page.switch_to(user_tab)

    # A phone without its country code: the server refuses it, in the user's language.
    start_chat(page, question, phone="600123456")
    look(page)
    error = page.wait_text(".hd-chat-form .hd-error", "numer")
    assert "kierunkowym kraju" in error and "country code" not in error
    page.screenshot("chat-phone-refused")
    phone = page.find(".hd-chat-form input[name=phone]")
    phone.clear()
    phone.send_keys("+48 600 123 456")
    page.press("Rozpocznij czat", ".hd-chat-form")
    page.wait_text(".hd-queue", r"miejsce: \d+")

    page.switch_to(console_tab)
    accept_in_console(page, question)
    agent_says(page, "Dzień dobry, w czym pomóc?")

    page.switch_to(user_tab)
    page.wait_text(".hd-line-agent", "w czym pomóc")
    composer = page.find("#hd-chat-text")
    composer.send_keys("Chodzi o cennik na")
    # Minimised half-way through a sentence: the words stay, and new lines are counted.
    page.click(".hd-chat-header [aria-expanded='true']")
    look(page)
    assert not page.all("#hd-chat-text")

    page.switch_to(console_tab)
    agent_says(page, "Proszę podać numer pokoju.")
    agent_says(page, "I datę pobytu.")

    page.switch_to(user_tab)
    badge = page.wait_text(".hd-chat-unread", "2")
    assert "2 nowe wiadomości" in page.find(".hd-chat-unread").get_attribute("textContent")
    page.screenshot("chat-minimised-unread")
    assert badge
    page.click(".hd-chat-header [aria-expanded='false']")
    look(page)
    assert page.find("#hd-chat-text").get_attribute("value") == "Chodzi o cennik na"
    assert not page.all(".hd-chat-unread")
    page.wait_text(".hd-chat-log", "I datę pobytu.")
    page.find("#hd-chat-text").send_keys(" weekend, pokój 204." + Keys.ENTER)

    page.switch_to(console_tab)
    page.wait_text(".conversation .hd-line-agent", "Chodzi o cennik na weekend, pokój 204.")
    page.press("Zakończ czat", ".conversation")

    page.switch_to(user_tab)
    page.wait_text(".hd-chat-status", "Specjalista zakończył rozmowę")
    page.screenshot("chat-ended-by-agent")
    # Nothing is going on any more: the close button closes the window without asking.
    page.click(".hd-chat-close")
    page.wait_gone(".hd-chat-window")


def test_the_user_ends_a_chat_with_the_close_button_only_after_confirming(
    page: Browser, web_account: WebAccount
) -> None:
    question = question_for_test("Czy mogę dodać recepcjonistę?")
    user_tab, console_tab = chat_accepted_by_support(page, web_account, question)
    agent_says(page, "Tak, już tłumaczę.")

    page.switch_to(user_tab)
    page.wait_text(".hd-line-agent", "już tłumaczę")
    page.click(".hd-chat-close")
    look(page)
    confirm = page.wait_text(".hd-chat-confirm", "Zakończyć czat?")
    assert "nie jest zapisywana" in confirm
    page.screenshot("chat-confirm-end")
    # Changing one's mind brings the conversation back, still live.
    page.press("Wróć do rozmowy", ".hd-chat-confirm")
    look(page)
    page.wait_text(".hd-chat-log", "już tłumaczę")
    page.find("#hd-chat-text").send_keys("Dziękuję!" + Keys.ENTER)

    page.switch_to(console_tab)
    page.wait_text(".conversation .hd-line-agent", "Dziękuję!")

    page.switch_to(user_tab)
    page.click(".hd-chat-close")
    page.press("Zakończ czat", ".hd-chat-confirm")
    page.wait_gone(".hd-chat-window")

    page.switch_to(console_tab)
    page.wait_text(".conversation-footer", "zamknął okno")


def leaving_is_questioned(page: Browser) -> bool:
    """Whether the page objects to being left, as a reload or a closed tab would ask it.

    Headless chromium never shows the "Leave site?" prompt (tried: a reload after typing,
    with chromedriver's beforeUnload prompts set to "ignore"), so the test asks the page
    the browser's own question: a cancelable `beforeunload` event, cancelled or not.
    """
    questioned: bool = page.driver.execute_script(
        """
        const event = new Event("beforeunload", { cancelable: true });
        window.dispatchEvent(event);
        return event.defaultPrevented;
        """
    )
    return questioned


def test_leaving_the_page_during_a_chat_asks_first_and_not_after_it(
    page: Browser, web_account: WebAccount
) -> None:
    question = question_for_test("Nie działa eksport")
    page.sign_in(web_account.token)
    page.open_help("chat")
    page.press("Rozpocznij czat", ".hd-chat-section")
    look(page)
    # The form alone is no conversation yet: leaving loses nothing.
    assert not leaving_is_questioned(page)
    page.find(".hd-chat-form input[name=phone]").send_keys("+48 600 123 456")
    page.find(".hd-chat-form textarea[name=question]").send_keys(question)
    page.press("Rozpocznij czat", ".hd-chat-form")
    page.wait_text(".hd-queue", r"miejsce: \d+")
    look(page)
    assert leaving_is_questioned(page)
    page.find(".hd-end-chat").click()
    page.wait_text(".hd-chat-status", "zakończony")
    assert not leaving_is_questioned(page)


def test_messages_refused_as_too_many_are_shown_in_the_users_language(
    page: Browser, web_account: WebAccount
) -> None:
    question = question_for_test("Pytanie o faktury")
    user_tab, _console = chat_accepted_by_support(page, web_account, question)

    page.switch_to(user_tab)
    page.wait_text(".hd-line-system", "dołączył")
    # Someone pasting line after line faster than the chat allows (10 at once).
    # One burst of keys: on a busy machine, one command per line lets the bucket refill.
    page.find("#hd-chat-text").click()
    burst = "".join(f"Linia {line}" + Keys.ENTER for line in range(1, 21))
    page.driver.switch_to.active_element.send_keys(burst)
    look(page)
    alert = page.wait_text(".hd-chat-error", "Za dużo wiadomości")
    assert "too many" not in alert
    assert "nie zostały wysłane" in alert
    page.screenshot("chat-too-many-messages")
    # Only what the server took is in the conversation, each line as it was typed.
    lines = [line.text.split("\n")[0] for line in page.all(".hd-chat-log .hd-line-user")][1:]
    assert 10 <= len(lines) < 20
    assert all(re.fullmatch(r"Linia \d+", line) for line in lines)
    # After a moment the chat takes lines again, and the refusal goes.
    look(page)
    page.driver.switch_to.active_element.send_keys("Linia ostatnia" + Keys.ENTER)
    page.wait_text(".hd-chat-log", "Linia ostatnia")
    page.wait_gone(".hd-chat-error")
