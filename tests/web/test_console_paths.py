"""The ops console's paths: reply and set status at once, and announcements to one user."""

import uuid

from tests.support.system import HelpDesk, make_token
from tests.support.web import Browser, WebAccount, look, open_console


def open_ticket_in_console(page: Browser, account_id: str, number: str) -> None:
    page.find(".queue-list, #queue-pane .hd-empty")
    page.type_into(".queue-filters input[name=queue_account_id]", account_id)
    page.click(f'.queue-item[data-number="{number}"]')
    page.wait_text(".pane-detail h2", number)


def test_reply_and_set_status_is_one_action_and_one_pop_up(
    page: Browser, web_account: WebAccount
) -> None:
    number = web_account.create_ticket("Brak faktury w raporcie", "Faktura FV/12 nie jest ujęta.")
    page.sign_in(web_account.token)
    user_tab, _console_tab = open_console(page)
    open_ticket_in_console(page, web_account.account_id, number)

    # Only spaces are no reply: said in place, nothing is sent.
    page.find(".agent-reply textarea").send_keys("   ")
    page.press("Wyślij odpowiedź", ".agent-reply")
    look(page)
    page.wait_text(".agent-reply .hd-field-error", "Wpisz treść odpowiedzi")

    page.driver.switch_to.active_element.send_keys("Proszę potwierdzić numer faktury.")
    page.wait_gone(".agent-reply .hd-field-error")
    page.select(".agent-reply select[name=reply_status]", "awaiting_reply")
    page.screenshot("console-reply-with-status")
    page.press("Odpowiedz i ustaw status", ".agent-reply")
    page.wait_text(".pane-detail .hd-success", "Odpowiedź wysłana")
    page.wait_text(".pane-detail .hd-preview-head .hd-badge", "Czeka na odpowiedź")

    page.switch_to(user_tab)
    popup = page.find(".hd-popup")
    page.wait_text(".hd-popup-text", "Proszę potwierdzić numer faktury.")
    assert "czeka na Twoją odpowiedź" in page.find(".hd-popup-text").text
    assert number in popup.text
    look(page)
    # One pop-up, and nothing else waiting behind it.
    assert len(page.all(".hd-popup")) == 1 and not page.all(".hd-popup .hd-waiting")
    page.screenshot("popup-reply-with-status")
    popups = web_account.get(f"/api/v1/popups?state=all&ticket_number={number}")["items"]
    assert len(popups) == 1
    assert web_account.get(f"/api/v1/tickets/{number}")["status"] == "awaiting_reply"
    page.press("Podgląd", ".hd-popup-actions")
    page.wait_gone(".hd-popup")


def test_an_announcement_to_an_unknown_user_is_refused_and_fields_are_not_cross_filled(
    page: Browser, web_account: WebAccount
) -> None:
    page.sign_in(web_account.token)
    open_console(page)
    # The queue redraws its filters once it has loaded: type after that, as a person would.
    page.find(".queue-list, #queue-pane .hd-empty")
    queue_account = page.find(".queue-filters input[name=queue_account_id]")
    assert queue_account.get_attribute("autocomplete") == "off"
    queue_account.send_keys(web_account.account_id)

    page.press("Ogłoszenie", ".hd-subtabs")
    page.find(".announcer input[value=user]").click()
    account = page.find(".announcer input[name=announce_account_id]")
    user = page.find(".announcer input[name=announce_user_id]")
    look(page)
    # The queue's filter and the recipient are different fields to the browser too.
    assert account.get_attribute("value") == "" and user.get_attribute("value") == ""
    # Found again: the queue redraws its filters as the agent types.
    filter_id = page.find(".queue-filters input[name=queue_account_id]").get_attribute("id")
    assert account.get_attribute("id") != filter_id
    assert {account.get_attribute("autocomplete"), user.get_attribute("autocomplete")} == {"off"}

    title = f"Aktualizacja {uuid.uuid4().hex[:6]}"
    page.find(".announcer input[name=title]").send_keys(title)
    page.find(".announcer textarea[name=body]").send_keys("Nowa wersja modułu raportów.")
    account.send_keys(web_account.account_id)
    user.send_keys("nie-ma-takiego")
    page.press("Wyślij pop-up", ".announcer")
    look(page)
    page.wait_text(".announcer .hd-error", "Nie znamy takiego użytkownika")
    page.screenshot("console-announcement-unknown-user")
    # The browser logged the 404; it is the refusal this test asked for.
    assert all("announcements" in line for line in page.console_errors())

    # The user signed in to the Help menu in the other tab: they are known.
    user = page.find(".announcer input[name=announce_user_id]")
    user.clear()
    user.send_keys(web_account.user_id)
    page.press("Wyślij pop-up", ".announcer")
    page.wait_text(".announcer .hd-success", "wysłane")
    page.driver.close()
    page.switch_to(page.driver.window_handles[0])
    page.wait_text(".hd-popup h2", title)
    page.press("Usuń", ".hd-popup-actions")
    page.wait_gone(".hd-popup")


# The next queue request the console sends answers `delay` ms late, as on a slow network.
SLOW_NEXT_QUEUE_LOAD = """
const delay = arguments[0];
const fetchNow = window.fetch.bind(window);
window.slowLoad = { sent: false, answered: false };
window.fetch = async (url, init) => {
  const queueLoad = String(url).includes("/api/v1/agent/tickets?");
  if (window.slowLoad.sent || !queueLoad) return fetchNow(url, init);
  window.slowLoad.sent = true;
  const response = await fetchNow(url, init);
  await new Promise((resolve) => setTimeout(resolve, delay));
  setTimeout(() => (window.slowLoad.answered = true), 100);
  return response;
};
"""


def test_a_late_answer_to_an_older_filter_does_not_replace_the_newer_one(
    page: Browser, web_account: WebAccount, system: HelpDesk
) -> None:
    """The agent narrows the queue twice; the first answer arrives last and is dropped."""
    mine = web_account.create_ticket("Nie drukuje się paragon", "Drukarka fiskalna milczy.")
    other_account = f"hotel-{uuid.uuid4().hex[:10]}"
    other = WebAccount(
        other_account,
        "user-other",
        make_token("user", other_account, "user-other", "Jan"),
        system.gateway_url,
    )
    other.create_ticket("Inny hotel, inny problem")
    open_console(page)
    page.find(".queue-list, #queue-pane .hd-empty")

    page.driver.execute_script(SLOW_NEXT_QUEUE_LOAD, 2500)
    page.select(".queue-filters select[name=queue_status]", "new")
    page.wait(lambda driver: driver.execute_script("return window.slowLoad.sent"))
    page.type_into(".queue-filters input[name=queue_account_id]", web_account.account_id)
    page.find(f'.queue-item[data-number="{mine}"]')
    page.wait(lambda driver: driver.execute_script("return window.slowLoad.answered"))

    shown = {item.get_attribute("data-number") for item in page.all(".queue-item")}
    assert shown == {mine}, "the late answer of the status-only filter replaced the newer one"
