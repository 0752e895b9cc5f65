"""The demo host page a new user sees first: on a phone too, and its support-hours panel."""

from tests.support.web import Browser, WebAccount, axe_violations, look, phone


def test_on_a_phone_the_page_fits_the_screen_and_the_help_button_is_on_it(
    resizable: Browser,
) -> None:
    page = resizable
    phone(page)
    page.open_page("/")
    button = page.find("#help-slot .hd-help-button")
    page.wait(lambda _: button.is_enabled())
    look(page)
    page.screenshot("host-page-phone")
    width = page.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide on a 375 px screen"
    box = button.rect
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert box["y"] >= 0 and box["y"] + box["height"] <= 740
    # Only "?" shows on a phone: the button must still be called Pomoc.
    assert button.accessible_name == "Pomoc"
    # The wide table of arrivals scrolls inside its card instead of widening the page.
    table = page.find(".card table")
    card = page.find(".card")
    assert card.rect["x"] + card.rect["width"] <= 375 < table.rect["width"] + 375

    button.click()
    page.find(".hd-panel")
    look(page)
    page.wait_text(".hd-title", "Pomoc")
    page.screenshot("host-page-phone-help-open")
    assert page.driver.execute_script("return document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []


def test_round_the_clock_support_says_nothing_of_holidays_and_sentences_end(
    page: Browser, web_account: WebAccount
) -> None:
    # The test system runs support `always` (tests/conftest.py), with the Polish holidays.
    page.sign_in(web_account.token)
    page.open_help()
    page.click(".hd-footer .hd-link-button")
    look(page)
    panel = page.wait_text(".hd-hours-view", "Godziny pracy wsparcia")
    assert "Całą dobę, każdego dnia" in panel
    assert "dni ustawowo wolne" not in panel
    assert "Strefa czasowa: Europe/Warsaw." in panel
    page.screenshot("hours-always")
