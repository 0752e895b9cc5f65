"""New ticket walked as the manual tells it: the fields, one file, and every refusal."""

import re
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from tests.support.web import Browser, WebAccount, look, phone

FILE_INPUT = ".hd-ticket input[type=file]"
# 25.7 MB in the MB the limit is counted in (MiB): just over the default 25 MB limit.
TOO_LARGE_BYTES = int(25.7 * 1024 * 1024)


@pytest.fixture
def too_large_file(tmp_path: Path) -> Path:
    path = tmp_path / "nagranie-ekranu.mp4"
    with path.open("wb") as file:
        # Sparse: the size is what the browser checks, no need to write 26 MB.
        file.truncate(TOO_LARGE_BYTES)
    return path


def choose_file(page: Browser, path: Path) -> None:
    page.driver.find_element(By.CSS_SELECTOR, FILE_INPUT).send_keys(str(path))


def in_view(page: Browser, element: WebElement) -> bool:
    """Whether a person sees the element now: inside the window and its scrolled panel."""
    seen: bool = page.driver.execute_script(
        """
        const box = arguments[0].getBoundingClientRect();
        const panel = arguments[0].closest(".hd-body") || document.documentElement;
        const area = panel.getBoundingClientRect();
        return box.height > 0 && box.top >= Math.max(0, area.top) &&
          box.bottom <= Math.min(window.innerHeight, area.bottom);
        """,
        element,
    )
    return seen


def fill_ticket(page: Browser, subject: str, message: str) -> None:
    page.open_help("ticket")
    page.find("input[name=subject]").send_keys(subject)
    page.find("textarea[name=message]").send_keys(message)
    page.wait_settled(".hd-suggestions")


def test_only_spaces_in_subject_or_message_are_refused_with_a_clear_message(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    fill_ticket(page, "   ", "   ")
    page.press("Wyślij wiadomość")
    look(page)
    subject_error = page.wait_text(".hd-field-error", "temat zgłoszenia")
    assert "same spacje" in subject_error
    page.wait_text(".hd-field-error", "Szczegółowy komunikat")
    assert page.find("input[name=subject]").get_attribute("aria-invalid") == "true"
    # The cursor goes where the fix is needed.
    assert page.driver.switch_to.active_element.get_attribute("name") == "subject"
    page.screenshot("ticket-blank-refused")

    page.driver.switch_to.active_element.send_keys("Raport kasowy")
    look(page)
    assert "temat zgłoszenia" not in page.find(".hd-ticket").text
    page.press("Wyślij wiadomość")
    look(page)
    page.wait_text(".hd-field-error", "Szczegółowy komunikat")
    assert page.driver.switch_to.active_element.get_attribute("name") == "message"
    page.driver.switch_to.active_element.send_keys("Raport nie sumuje płatności kartą.")
    page.press("Wyślij wiadomość")
    number = page.wait_text(".hd-ticket-number", r"^HD-\d+$")
    assert web_account.get(f"/api/v1/tickets/{number}")["subject"] == "Raport kasowy"


def test_a_too_large_file_keeps_the_file_chosen_before_and_says_so_in_view(
    resizable: Browser, web_account: WebAccount, png_file: Path, too_large_file: Path
) -> None:
    page = resizable
    page.sign_in(web_account.token)
    phone(page)
    fill_ticket(page, "Błąd przy wystawianiu faktury", "W załączniku zrzut ekranu.")
    # With the suggestions shown the form is longer than the phone's screen.
    page.find(".hd-suggestions .hd-suggestions-title")
    choose_file(page, png_file)
    page.wait_text(".hd-file-chip", "zrzut-ekranu.png")
    page.find("input[name=subject]").click()

    choose_file(page, too_large_file)
    look(page)
    error = page.find(".hd-file-error")
    assert "25,7 MB" in error.text and "25 MB" in error.text
    assert in_view(page, error)
    # The valid file chosen before is still the one that goes with the ticket.
    assert "zrzut-ekranu.png" in page.find(".hd-file-chip").text
    page.screenshot("ticket-file-too-large-phone")
    page.press("Wyślij wiadomość")
    number = page.wait_text(".hd-ticket-number", r"^HD-\d+$")
    attachment = web_account.get(f"/api/v1/tickets/{number}")["attachment"]
    assert attachment["filename"] == "zrzut-ekranu.png"


@pytest.mark.parametrize(
    ("name", "content", "polish", "english"),
    [
        (
            "program.png",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            "Ten typ pliku nie jest akceptowany",
            "This file type is not accepted",
        ),
        ("pusty.txt", b"", "Dołączony plik jest pusty.", "The attached file is empty."),
    ],
)
def test_a_file_the_server_refuses_is_explained_next_to_it_in_the_users_language(
    page: Browser,
    web_account: WebAccount,
    tmp_path: Path,
    name: str,
    content: bytes,
    polish: str,
    english: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    page.sign_in(web_account.token)
    fill_ticket(page, "Plik z błędem", "Proszę zobaczyć plik.")
    choose_file(page, path)
    page.wait_text(".hd-file-chip", re.escape(name))
    page.press("Wyślij wiadomość")
    look(page)
    error = page.wait_text(".hd-file .hd-file-error", polish)
    assert "not accepted" not in error and "empty" not in error
    page.screenshot(f"ticket-refused-{name}")
    assert web_account.get("/api/v1/tickets")["total"] == 0

    page.click(".hd-lang")
    page.press("Send message")
    page.wait_text(".hd-file .hd-file-error", english)
    # The language choice outlives the page: back to Polish for whoever comes next.
    page.click(".hd-lang")
    page.wait_text(".hd-title", "^Pomoc$")
    # The browser logs each refused request; those are the refusals this test asked for.
    refusals = page.console_errors()
    assert refusals and all("/api/v1/tickets" in line for line in refusals)
