"""axe-core finds no serious or critical violation on any screen a person meets."""

import httpx

from tests.support.web import Browser, WebAccount, axe_violations, look, open_console

SECTIONS = ["faq", "chat", "ticket", "history"]


def assert_accessible(found: dict[str, list[str]]) -> None:
    report = [f"{screen}: {problem}" for screen, problems in found.items() for problem in problems]
    assert not report, "\n".join(report)


def test_the_host_page_and_every_section_of_the_help_menu(
    page: Browser, web_account: WebAccount
) -> None:
    web_account.create_ticket("Eksport JPK", "Eksport kończy się błędem.")
    page.sign_in(web_account.token)
    look(page)
    found = {"host page": axe_violations(page)}
    page.open_help()
    look(page)
    found["menu"] = axe_violations(page)
    for section in SECTIONS:
        page.open_help(section)
        look(page)
        found[section] = axe_violations(page)
    page.open_help("faq")
    page.find(".hd-search-input").send_keys("zaliczka")
    page.click(".hd-result")
    page.press("Tak", ".hd-helpful")
    page.find(".hd-helpful-thanks")
    look(page)
    found["article, answered, with related articles"] = axe_violations(page)
    page.click(".hd-footer .hd-link-button")
    look(page)
    found["hours"] = axe_violations(page)
    page.open_help("chat")
    page.press("Rozpocznij czat", ".hd-chat-section")
    look(page)
    found["chat window"] = axe_violations(page)
    assert_accessible(found)


def test_a_pop_up_and_the_console(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    number = web_account.create_ticket("Brak cen w kanale", "Ceny nie docierają do OTA.")
    page.sign_in(web_account.token)
    response = httpx.post(
        f"{web_account.gateway_url}/api/v1/agent/tickets/{number}/replies",
        headers=agent_headers,
        data={"message": "Proszę ponownie połączyć kanał."},
        timeout=30,
    )
    response.raise_for_status()
    page.find(".hd-popup")
    look(page)
    found = {"pop-up": axe_violations(page)}
    page.press("Przypomnij później", ".hd-popup")
    look(page)
    found["pop-up snooze choices"] = axe_violations(page)
    page.click('.hd-snooze-choices [data-minutes="15"]')
    page.wait_gone(".hd-popup")

    open_console(page)
    # The queue holds every test's tickets, soonest SLA first: find this one by its account.
    page.type_into(".queue-filters input[name=queue_account_id]", web_account.account_id)
    page.click(f'.queue-item[data-number="{number}"]')
    page.wait_text(".pane-detail h2", number)
    look(page)
    found["console"] = axe_violations(page)
    page.press("Ogłoszenie", ".hd-subtabs")
    look(page)
    found["console announcement"] = axe_violations(page)
    page.press("Baza wiedzy", ".hd-subtabs")
    page.find(".kb-ratings")
    look(page)
    found["console knowledge base"] = axe_violations(page)
    assert_accessible(found)
