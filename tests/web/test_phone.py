"""The Help menu on a phone (375 by 740): every section fits, history's Preview can be reached."""

from collections.abc import Iterator

import pytest

from tests.support.web import (
    Browser,
    WebAccount,
    announce_to,
    delete_active_popups,
    desktop,
    look,
    phone,
)

PHONE_WIDTH = 375


@pytest.fixture
def on_phone(page: Browser) -> Iterator[Browser]:
    """The page, turned into a phone's screen by `phone()` once signed in (the demo host
    page's own header is not the subject here), and back to a desktop's after."""
    yield page
    desktop(page)


def on_a_phone_screen(page: Browser) -> None:
    """A phone's screen, on a host page that fits it: the demo page's own scenery (its
    sign-in picker, its table's column) is made to fit here, as a responsive host would
    be; the demo page's own layout on phones is issue 14's item 10, tested apart."""
    phone(page)
    page.driver.execute_script(
        """
        document.getElementById("demo-picker").style.display = "none";
        document.querySelector(".main").style.minWidth = "0";
        """
    )
    assert page.driver.execute_script("return document.documentElement.scrollWidth") <= (
        PHONE_WIDTH
    )


def within_screen(page: Browser, css: str) -> bool:
    rect = page.driver.execute_script(
        "return arguments[0].getBoundingClientRect().toJSON()", page.find(css)
    )
    return bool(rect["left"] >= 0 and rect["right"] <= PHONE_WIDTH and rect["width"] > 0)


def test_history_preview_is_on_screen_and_opens_on_a_phone(
    on_phone: Browser, web_account: WebAccount
) -> None:
    page = on_phone
    number = web_account.create_ticket(
        "Bardzo długi temat zgłoszenia o rozliczeniu zaliczek grupy konferencyjnej"
    )
    page.sign_in(web_account.token)
    on_a_phone_screen(page)
    page.open_help("history")
    row = f'tr[data-number="{number}"]'
    page.find(row)
    look(page, "phone-history")
    assert within_screen(page, f"{row} .hd-preview-button")
    assert within_screen(page, f"{row} .hd-author")
    assert page.driver.execute_script("return document.documentElement.scrollWidth") <= (
        PHONE_WIDTH
    ) or within_screen(page, ".hd-panel")
    page.click(f"{row} .hd-preview-button")
    page.wait_text(".hd-preview h3", number)
    look(page, "phone-history-preview")
    assert within_screen(page, ".hd-reply button[type=submit]")


def test_every_section_and_a_popup_fit_a_phone(
    on_phone: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page = on_phone
    page.sign_in(web_account.token)
    on_a_phone_screen(page)
    page.open_help("faq")
    page.find(".hd-chapter")
    look(page, "phone-faq")
    assert within_screen(page, ".hd-search-input")
    for section in ("chat", "ticket", "history"):
        page.click(f'.hd-tab[data-section="{section}"]')
        look(page, f"phone-{section}")
        assert within_screen(page, ".hd-panel .hd-body")
    page.click(".hd-panel .hd-icon-button")
    delete_active_popups(web_account.gateway_url, web_account.token)
    announce_to(web_account, agent_headers, "Telefon: nowa wersja systemu")
    page.wait_text(".hd-popup h2", "Telefon")
    look(page, "phone-popup")
    # As wide as a phone at most, every button inside it. (Where the host page itself is
    # wider than the phone, the browser may show it scrolled: that is the host's to fix.)
    dialog = page.find(".hd-popup").rect
    assert dialog["width"] <= PHONE_WIDTH
    for button in (".hd-remind", ".hd-popup-preview", ".hd-popup-delete", ".hd-popup-top button"):
        rect = page.find(f".hd-popup {button}").rect
        assert (
            dialog["x"] <= rect["x"] and rect["x"] + rect["width"] <= dialog["x"] + dialog["width"]
        )
