"""The Help menu in a real browser: sign-in, FAQ search, a new ticket, the history."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.support.web import Browser, WebAccount


def test_demo_user_signs_in_with_the_picker_and_opens_help(page: Browser) -> None:
    page.open_page("/")
    Select(page.find("#demo-user")).select_by_visible_text("Maria Wiśniewska")
    page.wait_text("#hotel-name", "Pensjonat Tatry")
    page.wait_text("#user-chip", "Maria Wiśniewska")
    # The button sits in the host's top bar, in the top-right corner of the window.
    button = page.find("#help-slot .hd-help-button")
    assert button.location["x"] > page.driver.get_window_size()["width"] * 0.8
    page.wait(lambda _: button.is_enabled())
    button.click()
    page.find(".hd-panel")
    assert page.find(".hd-title").text == "Pomoc"
    tabs = [tab.text.split("\n")[-1] for tab in page.all(".hd-tab")]
    assert tabs == ["FAQ", "Czat", "Nowe powiadomienie", "Historia powiadomień"]
    page.screenshot("help-home")

    # Support hours and contacts are one click away from every section.
    page.click(".hd-footer .hd-link-button")
    page.wait_text(".hd-hours-view", "Godziny pracy wsparcia")
    assert page.all(".hd-contacts a[href^='mailto:']")

    page.click(".hd-lang")
    page.wait_text(".hd-title", "^Help$")
    page.wait_text(".hd-footer", "Support hours and contacts")
    page.click(".hd-lang")
    page.wait_text(".hd-title", "^Pomoc$")

    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.wait_gone(".hd-panel")
    assert page.driver.switch_to.active_element == button


def test_knowledge_base_search_shows_results_as_you_type(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help("faq")
    page.find(".hd-chapter")
    # No Enter: results follow the typing, and Polish works without diacritics.
    page.find(".hd-search-input").send_keys("zgloszenie")
    title = page.wait_text(".hd-result-title", "(?i)zgłoszeni")
    assert page.all(".hd-result mark")
    page.screenshot("faq-search")
    page.click(".hd-result")
    page.wait_text(".hd-article h3", title.split("\n")[0][:20])
    assert page.find(".hd-article-body").text
    assert page.all(".hd-kb-link a, .hd-cta button")


def test_new_ticket_with_a_file_shows_its_number_and_expected_answer(
    page: Browser, web_account: WebAccount, png_file: Path
) -> None:
    page.sign_in(web_account.token)
    page.open_help("ticket")
    page.find("input[name=subject]").send_keys("Jak wystawić fakturę korygującą")
    # Articles are suggested while the subject is typed.
    page.wait_text(".hd-suggestions", "(?i)faktur")
    page.find("textarea[name=message]").send_keys("Klient prosi o korektę NIP na fakturze.")
    page.select("select[name=importance]", "high")
    assert "25 MB" in page.find(".hd-file .hd-hint").text
    page.driver.find_element(By.CSS_SELECTOR, ".hd-ticket input[type=file]").send_keys(
        str(png_file)
    )
    page.wait_text(".hd-file-chip", "zrzut-ekranu.png")
    page.screenshot("new-ticket-form")
    page.press("Wyślij wiadomość")

    number = page.wait_text(".hd-ticket-number", r"^HD-\d+$")
    assert page.find(".hd-expected").text
    page.screenshot("new-ticket-sent")
    ticket = web_account.get(f"/api/v1/tickets/{number}")
    assert ticket["importance"] == "high"
    assert ticket["attachment"]["content_type"] == "image/png"

    page.press("Otwórz zgłoszenie")
    page.wait_text(".hd-preview h3", number)


def test_history_filters_and_preview_with_a_reply(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str], png_file: Path
) -> None:
    invoice = web_account.create_ticket("Faktura korygująca", "Błędny NIP.")
    web_account.create_ticket("Brak dostępności pokoi", "Kalendarz jest pusty.")
    response = httpx.patch(
        f"{web_account.gateway_url}/api/v1/agent/tickets/{invoice}",
        headers=agent_headers,
        json={"status": "in_progress"},
        timeout=30,
    )
    response.raise_for_status()

    page.sign_in(web_account.token)
    page.open_help("history")
    page.wait(lambda _: len(page.all(".hd-table tbody tr")) == 2)
    headers = [cell.text.lower() for cell in page.all(".hd-table thead th")]
    assert headers[:6] == ["#", "apel", "temat", "autor", "status", "ostatnia aktualizacja"]
    page.screenshot("history")

    Select(page.find(".hd-filters select[name=subject]")).select_by_visible_text(
        "Faktura korygująca"
    )
    page.click(".hd-search-button")
    page.wait(lambda _: [row.text for row in page.all(".hd-table td.hd-number")] == [invoice])

    page.press("Wyczyść")
    page.wait(lambda _: len(page.all(".hd-table tbody tr")) == 2)
    page.select(".hd-filters select[name=status]", "in_progress")
    page.click(".hd-search-button")
    page.wait(lambda _: [row.text for row in page.all(".hd-table td.hd-number")] == [invoice])

    # Today in support's time zone has both; the calendar's value is what the filter sends.
    today = datetime.now(ZoneInfo("Europe/Warsaw")).date().isoformat()
    page.select(".hd-filters select[name=status]", "")
    page.set_value(".hd-filters input[type=date]", today)
    page.click(".hd-search-button")
    page.wait(lambda _: len(page.all(".hd-table tbody tr")) == 2)

    def previewed(_: object) -> bool:
        # A pushed change may redraw the table under the pointer: click until it opens.
        if page.all(".hd-preview h3"):
            return True
        for button in page.all(f'tr[data-number="{invoice}"] .hd-preview-button'):
            button.click()
        return False

    page.wait(previewed)
    page.wait_text(".hd-preview h3", invoice)
    page.wait_text(".hd-thread", "Błędny NIP.")
    page.find(".hd-reply textarea").send_keys("Poprawny NIP to 123-456-32-18.")
    page.driver.find_element(By.CSS_SELECTOR, ".hd-reply input[type=file]").send_keys(str(png_file))
    page.press("Wyślij odpowiedź")
    page.wait_text(".hd-success", "Odpowiedź wysłana")
    page.wait(lambda _: len(page.all(".hd-thread .hd-message")) == 2)
    assert "zrzut-ekranu.png" in page.all(".hd-thread .hd-message")[1].text
    page.screenshot("history-preview")
