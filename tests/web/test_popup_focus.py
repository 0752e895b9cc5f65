"""A pop-up never turns keys meant for something else into an action: with the focus
anywhere on the host page (a rich-text editor in an iframe, a checkbox), it is announced
and waits for F2 or a click."""

import re
import uuid

from selenium.webdriver.common.keys import Keys

from tests.support.web import (
    Browser,
    WebAccount,
    active,
    announce_to,
    look,
    popup_state,
    press_key,
    tab_to,
    type_slowly,
)


def untouched(account: WebAccount, title: str) -> bool:
    state = popup_state(account, title)
    return (state["read"], state["seen"], state["deleted"], state["snoozed_until"]) == (
        False,
        False,
        False,
        None,
    )


def test_typing_in_the_host_pages_iframe_editor_while_a_popup_arrives_loses_nothing(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page.sign_in(web_account.token)
    # A hotel system's rich-text editor: an editable document in an iframe, whose keys
    # never reach the host page's listeners.
    page.driver.execute_script(
        """
        const frame = document.createElement("iframe");
        frame.id = "host-editor";
        frame.title = "Notatka do rezerwacji";
        frame.style.cssText = "width: 30rem; height: 8rem; border: 1px solid #555";
        frame.srcdoc = '<body contenteditable="true"></body>';
        document.querySelector("main").prepend(frame);
        """
    )
    page.find("#host-editor")
    look(page)
    page.click("#host-editor")
    first, rest = "Gość prosi ", "o późne wymeldowanie i fakturę na firmę"
    type_slowly(page, first)
    title = f"Edytor {uuid.uuid4().hex[:6]}"
    announce_to(web_account, agent_headers, title)
    type_slowly(page, rest, pause=0.08)
    look(page, "popup-arrived-while-typing-in-iframe")
    typed = page.driver.execute_script(
        "return document.querySelector('#host-editor').contentDocument.body.textContent"
    )
    assert typed.replace("\xa0", " ") == first + rest
    assert untouched(web_account, title)
    assert active(page).get_attribute("id") == "host-editor"
    assert page.find(".hd-popup h2").text == title
    assert not page.all(".hd-panel")
    assert title in page.find(".hd-popup-announcer").get_attribute("textContent")


def test_space_on_a_focused_host_checkbox_after_a_popup_arrives_toggles_the_checkbox(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    page.sign_in(web_account.token)
    page.driver.execute_script(
        """
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = "host-late-checkout";
        label.append(box, " Późne wymeldowanie");
        document.querySelector("main").prepend(label);
        """
    )
    page.find("main h1").click()
    tab_to(page, "#host-late-checkout")
    # The keyboard user reads the form for a while: no key pressed recently.
    look(page)
    look(page)
    title = f"Pole wyboru {uuid.uuid4().hex[:6]}"
    announce_to(web_account, agent_headers, title)
    page.wait_text(".hd-popup h2", re.escape(title))
    look(page, "popup-arrived-on-a-checkbox")
    press_key(page, Keys.SPACE)
    look(page)
    assert page.find("#host-late-checkout").is_selected()
    assert active(page).get_attribute("id") == "host-late-checkout"
    assert untouched(web_account, title)
    assert not page.all(".hd-panel")
    # F2 takes the user to the pop-up when they choose.
    press_key(page, Keys.F2)
    look(page)
    assert active(page).get_attribute("data-action") == "preview"
