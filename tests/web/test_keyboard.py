"""The whole Help menu with the keyboard alone: Tab, Shift+Tab, Enter, typing and Escape."""

from selenium.webdriver.common.keys import Keys

from tests.support.web import Browser, WebAccount, active, look, press_key, tab_to, type_slowly


def enter_section(page: Browser, section: str) -> None:
    """From anywhere in the panel, back (Shift+Tab) to the section's tab, and Enter."""
    tab_to(page, f'.hd-tab[data-section="{section}"]', backwards=True)
    press_key(page, Keys.ENTER)
    look(page)


def test_every_section_is_reachable_and_usable_with_the_keyboard_alone(
    page: Browser, web_account: WebAccount
) -> None:
    earlier = web_account.create_ticket("Zmiana ceny pokoju")
    page.sign_in(web_account.token)
    page.find("main h1").click()
    help_button = tab_to(page, ".hd-help-button")
    press_key(page, Keys.ENTER)
    look(page, "keyboard-home")
    assert active(page).get_attribute("class").startswith("hd-card hd-card-faq")

    # FAQ: Enter on its card, type at once, open a result.
    press_key(page, Keys.ENTER)
    type_slowly(page, "faktura")
    page.wait_text(".hd-result-title", "(?i)faktur")
    tab_to(page, ".hd-result")
    press_key(page, Keys.ENTER)
    look(page, "keyboard-faq-article")
    assert page.find(".hd-article h3") == active(page)

    # Chat: its section, then its window, where the first field has focus.
    enter_section(page, "chat")
    assert "hd-open-chat" in active(page).get_attribute("class")
    press_key(page, Keys.ENTER)
    look(page)
    # The name comes filled in from the sign-in; the phone number is typed.
    assert active(page) == page.find(".hd-chat-window input[name=name]")
    assert active(page).get_attribute("value") == "Anna Testowa"
    press_key(page, Keys.TAB)
    type_slowly(page, "+48 600 123 456")
    assert page.find(".hd-chat-window input[name=phone]").get_attribute("value") == (
        "+48 600 123 456"
    )
    look(page, "keyboard-chat")
    tab_to(page, ".hd-help-button", backwards=True)
    press_key(page, Keys.ENTER)
    look(page)

    # New ticket: every field and the send button.
    enter_section(page, "ticket")
    type_slowly(page, "Klawiatura: zmiana terminu")
    tab_to(page, "textarea[name=message]")
    type_slowly(page, "Gość prosi o zmianę terminu pobytu.")
    tab_to(page, "select[name=importance]")
    press_key(page, Keys.ARROW_DOWN)
    tab_to(page, ".hd-ticket button[type=submit]")
    press_key(page, Keys.ENTER)
    number = page.wait_text(".hd-ticket-number", r"^HD-\d+$")
    look(page, "keyboard-ticket-sent")
    assert web_account.get(f"/api/v1/tickets/{number}")["importance"] == "high"

    # History: Preview of the earlier ticket, and a reply.
    enter_section(page, "history")
    page.find(f'tr[data-number="{earlier}"]')
    tab_to(page, f'tr[data-number="{earlier}"] .hd-preview-button')
    press_key(page, Keys.ENTER)
    page.wait_text(".hd-preview h3", earlier)
    tab_to(page, ".hd-reply textarea")
    type_slowly(page, "Dziękuję, to wszystko.")
    tab_to(page, ".hd-reply button[type=submit]")
    press_key(page, Keys.ENTER)
    page.wait_text(".hd-success", "Odpowiedź wysłana")
    look(page, "keyboard-history-reply")

    press_key(page, Keys.ESCAPE)
    page.wait_gone(".hd-panel")
    assert active(page) == help_button


def test_escape_closes_the_menu_when_a_redraw_took_the_focus_away(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    page.open_help("history")
    page.find(".hd-history")
    # What a redraw of the focused control does: the focus falls to the page's body.
    page.driver.execute_script("document.activeElement.blur()")
    press_key(page, Keys.ESCAPE)
    page.wait_gone(".hd-panel")
    assert active(page).get_attribute("class") == "hd-help-button"
