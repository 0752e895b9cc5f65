"""Live chat's extras walked by a person: seeing the other side typing, a screenshot sent
into the chat; and a screenshot pasted into the New ticket form or dropped on a reply.

The user's page and the ops console are two tabs of one browser (see test_console.py).
"""

import re
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.support.web import (
    Browser,
    WebAccount,
    drop_file,
    look,
    open_console,
    paste_file,
    png_bytes,
    type_slowly,
)
from tests.web.test_chat_paths import agent_says, chat_accepted_by_support, question_for_test
from tests.web.test_console_paths import open_ticket_in_console

USER_COMPOSER = "#hd-chat-text"
AGENT_COMPOSER = ".conversation input[name=text]"


def image_shown(page: Browser, css: str) -> bool:
    """An image under `css` that the browser has loaded and drawn (not a broken icon)."""

    def loaded(_: object) -> bool:
        return any(
            image.get_property("complete") and int(image.get_property("naturalWidth") or 0) > 0
            for image in page.all(css)
        )

    return bool(page.wait(loaded))


def test_each_side_sees_the_other_typing_until_the_line_arrives(
    page: Browser, web_account: WebAccount
) -> None:
    question = question_for_test("Jak dodać pokój?")
    user_tab, console_tab = chat_accepted_by_support(page, web_account, question)

    page.switch_to(user_tab)
    page.click(USER_COMPOSER)
    type_slowly(page, "Mam jeszcze")
    page.switch_to(console_tab)
    typing = page.wait_text(".conversation .hd-typing", "pisze")
    assert "Anna" in typing or "Użytkownik" in typing
    page.screenshot("chat-console-user-typing")

    page.click(AGENT_COMPOSER)
    type_slowly(page, "Już sprawdzam")
    page.switch_to(user_tab)
    page.wait_text(".hd-chat-window .hd-typing", r"Ewa.* pisze…")
    page.screenshot("chat-agent-typing")

    page.switch_to(console_tab)
    page.find(AGENT_COMPOSER).send_keys(", chwileczkę." + Keys.ENTER)
    page.switch_to(user_tab)
    page.wait_text(".hd-line-agent", "Już sprawdzam, chwileczkę.")
    # The line is there: "is typing" is gone with it, well before its own timeout.
    page.wait(lambda _: not page.all(".hd-chat-window .hd-typing"), within=1.5)
    # What the user was writing is still in the composer.
    assert page.find(USER_COMPOSER).get_attribute("value") == "Mam jeszcze"


def test_a_screenshot_pasted_into_the_chat_reaches_the_agent_and_a_file_comes_back(
    page: Browser, web_account: WebAccount, tmp_path: Path
) -> None:
    question = question_for_test("Błąd na ekranie rezerwacji")
    user_tab, console_tab = chat_accepted_by_support(page, web_account, question)

    page.switch_to(user_tab)
    paste_file(page, USER_COMPOSER, png_bytes(), "image.png", "image/png")
    # The user's own screenshot shows in the conversation once the chat service has it.
    image_shown(page, ".hd-chat-window .hd-line-user img.hd-chat-image")
    page.wait_text(".hd-chat-window .hd-chat-file", r"zrzut-ekranu-[\d-]+\.png")

    page.switch_to(console_tab)
    image_shown(page, ".conversation .hd-line-agent img.hd-chat-image")
    name = page.wait_text(".conversation .hd-chat-file", r"zrzut-ekranu-[\d-]+\.png")
    look(page, "chat-console-screenshot-received")
    assert "B)" in name  # its size, e.g. "(70 B)"

    document = tmp_path / "instrukcja.pdf"
    document.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    page.driver.find_element(By.CSS_SELECTOR, ".conversation input[type=file]").send_keys(
        str(document)
    )
    agent_says(page, "Proszę, instrukcja w pliku.")

    page.switch_to(user_tab)
    page.wait_text(".hd-line-agent", "instrukcja w pliku")
    page.wait_text(".hd-line-agent .hd-chat-file", r"instrukcja\.pdf")
    look(page, "chat-user-file-received")
    assert not page.all(".hd-chat-error")


def test_a_screenshot_pasted_into_the_new_ticket_form_goes_with_the_ticket(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help("ticket")
    page.type_into("input[name=subject]", "Błąd w raporcie kasowym")
    page.type_into("textarea[name=message]", "Zrzut ekranu wklejam poniżej.")
    page.wait_settled(".hd-suggestions")
    paste_file(page, "textarea[name=message]", png_bytes(), "image.png", "image/png")
    chip = page.wait_text(".hd-ticket .hd-file-chip", r"zrzut-ekranu-[\d-]+\.png")
    # A pasted file is no text: the message is as the user wrote it.
    assert page.find("textarea[name=message]").get_attribute("value") == (
        "Zrzut ekranu wklejam poniżej."
    )
    look(page, "ticket-screenshot-pasted")
    page.press("Wyślij wiadomość")
    number = page.wait_text(".hd-ticket-number", r"^HD-\d+$")
    attachment = web_account.get(f"/api/v1/tickets/{number}")["attachment"]
    assert attachment["content_type"] == "image/png"
    assert attachment["filename"] == re.search(r"zrzut-ekranu-[\d-]+\.png", chip).group(0)


def test_a_file_dropped_on_supports_reply_goes_with_the_reply(
    page: Browser, web_account: WebAccount
) -> None:
    number = web_account.create_ticket("Nie działa eksport", "Eksport kończy się błędem.")
    page.sign_in(web_account.token)
    open_console(page)
    open_ticket_in_console(page, web_account.account_id, number)
    page.find(".agent-reply textarea").send_keys("Tak powinien wyglądać poprawny eksport.")
    drop_file(page, ".agent-reply", png_bytes(), "poprawny-eksport.png", "image/png")
    page.wait_text(".agent-reply .hd-file-chip", r"poprawny-eksport\.png")
    look(page, "console-reply-file-dropped")
    page.press("Wyślij odpowiedź", ".agent-reply")
    page.wait_text(".pane-detail .hd-success", "Odpowiedź wysłana")
    messages = web_account.get(f"/api/v1/tickets/{number}")["messages"]
    assert messages[-1]["attachment"]["filename"] == "poprawny-eksport.png"
    assert messages[-1]["attachment"]["content_type"] == "image/png"
