"""The agent's workspace in the console: internal notes the user never sees, canned replies
picked by typing and filled for the ticket, the list of them, and reply-and-resolve."""

import uuid

import httpx
from selenium.webdriver.common.keys import Keys

from tests.support.system import HelpDesk
from tests.support.web import Browser, WebAccount, axe_violations, look, open_console, press_key
from tests.web.test_console_paths import open_ticket_in_console

CANNED = "/api/v1/agent/canned-replies"


def test_a_note_is_for_agents_and_reply_and_resolve_makes_one_pop_up_without_it(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str], system: HelpDesk
) -> None:
    canary = f"kanarek{uuid.uuid4().hex[:10]}"
    number = web_account.create_ticket("Nie działa drukarka fiskalna", "Drukarka nie drukuje.")
    page.sign_in(web_account.token)
    user_tab, _console_tab = open_console(page)
    open_ticket_in_console(page, web_account.account_id, number)

    # Only spaces are no note: said in place, nothing is saved.
    page.find(".ticket-notes textarea[name=note]").send_keys("   ")
    page.press("Dodaj notatkę", ".ticket-notes")
    page.wait_text(".ticket-notes .hd-field-error", "Wpisz treść notatki")
    page.driver.switch_to.active_element.send_keys(f"Klient prosi o telefon po 15. {canary}")
    page.press("Dodaj notatkę", ".ticket-notes")
    page.wait_text(".ticket-notes .hd-success", "Notatka dodana")
    page.wait_text(".ticket-note-body", canary)
    assert "Ewa (wsparcie)" in page.find(".ticket-note-meta").text
    assert "tylko zespół wsparcia" in page.find(".ticket-notes .hd-hint").text
    look(page, "console-internal-note")
    assert axe_violations(page, "#ticket-pane") == []
    # Another agent's note shows up in this console by itself.
    written = httpx.post(
        f"{system.gateway_url}/api/v1/agent/tickets/{number}/notes",
        json={"body": f"Oddzwoniłem, bez odpowiedzi. {canary}"},
        headers=agent_headers,
        timeout=30,
    )
    assert written.status_code == 201, written.text
    page.wait_text(".ticket-note:last-child .ticket-note-body", "Oddzwoniłem, bez odpowiedzi")

    # Reply and resolve in one action: the button says so.
    page.find(".agent-reply textarea").send_keys("Proszę zrestartować drukarkę.")
    page.select(".agent-reply select[name=reply_status]", "resolved")
    page.press("Odpowiedz i ustaw status", ".agent-reply")
    page.wait_text(".pane-detail .hd-success", "Odpowiedź wysłana")
    page.wait_text(".pane-detail .hd-preview-head .hd-badge", "Rozwiązane")
    # The note stays with the ticket for agents, apart from the thread.
    page.wait_text(".ticket-note-body", canary)
    assert canary not in " ".join(m.text for m in page.all(".pane-detail .hd-message"))

    page.switch_to(user_tab)
    page.wait_text(".hd-popup-text", "Proszę zrestartować drukarkę.")
    look(page, "popup-reply-and-resolve")
    assert len(page.all(".hd-popup")) == 1 and not page.all(".hd-popup .hd-waiting")
    assert canary not in page.driver.page_source
    page.press("Podgląd", ".hd-popup-actions")
    page.wait_text(".hd-preview", "Proszę zrestartować drukarkę.")
    assert canary not in page.driver.page_source
    popups = web_account.get(f"/api/v1/popups?state=all&ticket_number={number}")["items"]
    assert len(popups) == 1
    assert web_account.get(f"/api/v1/tickets/{number}")["status"] == "resolved"


def test_a_canned_reply_is_picked_with_the_keyboard_and_filled_for_the_ticket(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str], system: HelpDesk
) -> None:
    marker = uuid.uuid4().hex[:8]
    for title, text in (
        (
            f"Reset hasła {marker}",
            "Dzień dobry {{user_name}},\nhasło w {{ticket_number}} zresetowane. {{agent_name}}",
        ),
        (f"Reset konta {marker}", "Konto odblokowane."),
    ):
        saved = httpx.post(
            f"{system.gateway_url}{CANNED}",
            json={"title": title, "text": {"pl": text, "en": "Hello {{user_name}}"}},
            headers=agent_headers,
            timeout=30,
        )
        assert saved.status_code == 201, saved.text
    number = web_account.create_ticket("Nie mogę się zalogować", "Hasło nie działa.")
    page.sign_in(web_account.token)
    user_tab, _console_tab = open_console(page)
    open_ticket_in_console(page, web_account.account_id, number)
    page.find(".agent-reply textarea").send_keys("Na wstępie: ")

    picker = page.find(".canned-picker input[role=combobox]")
    picker.click()
    picker.send_keys(f"reset {marker}")
    page.wait(lambda _: len(page.all(".canned-option")) == 2)
    assert picker.get_attribute("aria-expanded") == "true"
    first = ".canned-option[aria-selected=true] .canned-option-title"
    page.wait_text(first, f"Reset hasła {marker}")
    press_key(page, Keys.ARROW_DOWN)
    page.wait_text(first, f"Reset konta {marker}")
    active = page.find(".canned-option[aria-selected=true]").get_attribute("id")
    assert picker.get_attribute("aria-activedescendant") == active
    press_key(page, Keys.ARROW_DOWN)
    page.wait_text(first, f"Reset hasła {marker}")
    look(page, "console-canned-picker")
    assert axe_violations(page, ".agent-reply") == []
    press_key(page, Keys.ESCAPE)
    page.wait(lambda _: picker.get_attribute("aria-expanded") == "false")
    assert not page.all(".canned-option")
    # Without diacritics, as agents type fast: "haslo" finds "hasła" alone.
    picker.send_keys(Keys.CONTROL, "a")
    picker.send_keys(f"haslo {marker}")
    page.wait(lambda _: len(page.all(".canned-option")) == 1)
    page.wait_text(first, f"Reset hasła {marker}")
    press_key(page, Keys.ENTER)

    expected = (
        f"Na wstępie: Dzień dobry Anna Testowa,\nhasło w {number} zresetowane. Ewa (wsparcie)"
    )
    reply_box = page.find(".agent-reply textarea")
    page.wait(lambda _: reply_box.get_attribute("value") == expected)
    # Enter picked; it sent nothing, and the caret waits after the text for more.
    assert len(web_account.get(f"/api/v1/tickets/{number}")["messages"]) == 1
    assert page.driver.switch_to.active_element == reply_box
    look(page, "console-canned-inserted")
    page.press("Wyślij odpowiedź", ".agent-reply")
    page.wait_text(".pane-detail .hd-success", "Odpowiedź wysłana")

    page.switch_to(user_tab)
    page.wait_text(".hd-popup-text", "Dzień dobry Anna Testowa")
    assert number in page.find(".hd-popup-text").text


def test_agents_keep_the_list_of_canned_replies_in_the_console(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str], system: HelpDesk
) -> None:
    title = f"Godziny pracy {uuid.uuid4().hex[:8]}"
    page.sign_in(web_account.token)
    open_console(page)
    page.press("Gotowe odpowiedzi", ".hd-subtabs")
    page.find(".canned-form input[name=canned_title]").send_keys(title)
    page.find(".canned-form textarea[name=canned_pl]").send_keys(
        "Dzień dobry {{imie}}, pracujemy 8-17."
    )
    page.press("Zapisz", ".canned-form")
    page.wait_text(".canned-manager [role=alert]", "Nieznany symbol zastępczy")
    look(page, "console-canned-refused")
    # The server's refusal, which the browser logs: the only error of the page.
    assert [line for line in page.console_errors() if "canned-replies" not in line] == []
    field = page.find(".canned-form textarea[name=canned_pl]")
    field.clear()
    field.send_keys("Dzień dobry {{user_name}}, pracujemy 8-17.")
    page.press("Zapisz", ".canned-form")
    page.wait_text(".canned-manager .hd-success", "Zapisano")
    page.wait_text(".canned-entry h3", title)
    look(page, "console-canned-list")
    assert axe_violations(page, "#side-pane") == []

    entry = f'.canned-entry button[aria-label="Edytuj: {title}"]'
    page.click(entry)
    page.wait_text(".canned-form h3", f"Edycja: {title}")
    page.find(".canned-form textarea[name=canned_en]").send_keys(
        "Hello {{user_name}}, we work 8-17."
    )
    page.press("Zapisz", ".canned-form")
    page.wait_text(".canned-manager .hd-success", "Zapisano")
    items = httpx.get(f"{system.gateway_url}{CANNED}", headers=agent_headers, timeout=30).json()
    [saved] = [item for item in items["items"] if item["title"] == title]
    assert saved["text"] == {
        "pl": "Dzień dobry {{user_name}}, pracujemy 8-17.",
        "en": "Hello {{user_name}}, we work 8-17.",
    }
    page.click(f'.canned-entry button[aria-label="Usuń: {title}"]')
    page.wait_text(".canned-manager .hd-success", "Usunięto")
    page.wait(lambda _: title not in page.find(".canned-manager").text)
    items = httpx.get(f"{system.gateway_url}{CANNED}", headers=agent_headers, timeout=30).json()
    assert title not in [item["title"] for item in items["items"]]


def test_a_ticket_written_in_the_english_help_menu_gets_the_english_canned_reply(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str], system: HelpDesk
) -> None:
    saved = httpx.post(
        f"{system.gateway_url}{CANNED}",
        json={
            "title": f"Podziękowanie {uuid.uuid4().hex[:8]}",
            "text": {"pl": "Dziękujemy, {{user_name}}.", "en": "Thank you, {{user_name}}."},
        },
        headers=agent_headers,
        timeout=30,
    ).json()
    page.sign_in(web_account.token)
    page.open_help()
    page.click(".hd-lang")
    page.open_help("ticket")
    page.find("input[name=subject]").send_keys("Invoice correction")
    page.find("textarea[name=message]").send_keys("Please correct the VAT number.")
    page.wait_settled(".hd-suggestions")
    page.press("Send message")
    number = page.wait_text(".hd-ticket-number", r"^HD-\d+$")
    # Back to Polish: the browser (and its stored language) serves the module's next test.
    page.click(".hd-lang")
    page.wait_text(".hd-title", "^Pomoc$")

    filled = httpx.get(
        f"{system.gateway_url}/api/v1/agent/tickets/{number}/canned-replies/{saved['id']}",
        headers=agent_headers,
        timeout=30,
    ).json()
    assert (filled["lang"], filled["text"]) == ("en", "Thank you, Anna Testowa.")
