"""The console as an agent works a ticket: takes it ("Przypisz do mnie"), gives it to a
colleague and back to nobody, raises its importance, tags it; the queue's views, search and
tag filter find it."""

import uuid

import httpx

from tests.support.system import bearer, make_token
from tests.support.web import Browser, WebAccount, axe_violations, look, open_console

# The console's demo agent in these tests (open_console signs in as her).
CONSOLE_AGENT = "ewa-support"


def colleague_seen(gateway_url: str) -> tuple[str, str]:
    """Another agent who has used the desk: their id and name."""
    agent_id = f"piotr-{uuid.uuid4().hex[:6]}"
    name = f"Piotr {agent_id[-6:]}"
    headers = bearer(make_token("agent", "support", agent_id, name))
    httpx.get(f"{gateway_url}/api/v1/agent/agents", headers=headers, timeout=30).raise_for_status()
    return agent_id, name


def agent_view(account: WebAccount, number: str) -> dict[str, object]:
    headers = bearer(make_token("agent", "support", "observer", "Obserwator"))
    response = httpx.get(
        f"{account.gateway_url}/api/v1/agent/tickets/{number}", headers=headers, timeout=30
    )
    response.raise_for_status()
    ticket: dict[str, object] = response.json()
    return ticket


def row(number: str) -> str:
    return f'.queue-item[data-number="{number}"]'


def test_the_agent_takes_tags_prioritises_reassigns_and_unassigns_a_ticket(
    page: Browser, web_account: WebAccount
) -> None:
    marker = f"druk{uuid.uuid4().hex[:6]}"
    number = web_account.create_ticket(
        f"Nie działa drukarka fiskalna {marker}", "Paragon się nie drukuje."
    )
    colleague_id, colleague = colleague_seen(web_account.gateway_url)
    page.sign_in(web_account.token)
    open_console(page)

    # Words in another inflection, without diacritics, find it in the whole desk.
    page.type_into(".queue-filters input[name=queue_q]", f"drukarki {marker}")
    page.click(row(number))
    page.wait_text(".pane-detail h2", number)
    page.wait_text(".assignee-name", "^Nieprzypisane$")

    page.press("Przypisz do mnie", ".assign-form")
    page.wait_text(".assignee-name", r"^Ewa \(wsparcie\)$")
    page.wait_text(f"{row(number)} .queue-assignee", r"Ewa \(wsparcie\)")
    assert agent_view(web_account, number)["assignee"] == {
        "id": CONSOLE_AGENT,
        "name": "Ewa (wsparcie)",
    }

    page.type_into(".tag-form input[name=tag]", "Fiskalne ")
    page.press("Dodaj", ".tag-form")
    page.wait_text(".triage .tag-list", "fiskalne")
    page.wait_text(f"{row(number)} .tag-list", "fiskalne")
    page.select(".importance-form select[name=importance]", "critical")
    page.press("Zapisz", ".importance-form")
    page.wait_text(".hd-preview-head .importance", "(?i)^krytyczn")
    ticket = agent_view(web_account, number)
    assert (ticket["tags"], ticket["importance"]) == (["fiskalne"], "critical")
    look(page, "console-assignment")
    assert axe_violations(page, ".console-grid") == []

    # "Moje": hers now; given to a colleague, it leaves her view.
    page.click('.queue-views [data-view="mine"]')
    page.wait_text('.queue-views [aria-pressed="true"]', "Moje")
    page.find(row(number))
    page.select(".assign-form select[name=assignee]", colleague_id)
    page.press("Przypisz", ".assign-form")
    page.wait_text(".assignee-name", f"^{colleague}$")
    page.wait(lambda _: not page.all(row(number)))
    assert agent_view(web_account, number)["assignee"] == {"id": colleague_id, "name": colleague}

    page.click('.queue-views [data-view="unassigned"]')
    page.press("Usuń przypisanie", ".assign-form")
    page.wait_text(".assignee-name", "^Nieprzypisane$")
    page.find(row(number))
    page.click(".triage .tag-remove")
    page.wait(lambda _: not page.all(".triage .tag-list"))
    ticket = agent_view(web_account, number)
    assert (ticket["assignee"], ticket["tags"]) == (None, [])


def test_the_queue_finds_words_of_messages_and_narrows_by_a_suggested_tag(
    page: Browser, web_account: WebAccount, agent_headers: dict[str, str]
) -> None:
    marker = f"cena{uuid.uuid4().hex[:6]}"
    tag = f"ota-{marker}"
    tagged = web_account.create_ticket(f"Kanał {marker}", "Ceny nie docierają do Booking.")
    other = web_account.create_ticket(f"Kanał {marker}", "Ceny pokoi są zerowe.")
    httpx.patch(
        f"{web_account.gateway_url}/api/v1/agent/tickets/{tagged}",
        json={"add_tags": [tag]},
        headers=agent_headers,
        timeout=30,
    ).raise_for_status()
    page.sign_in(web_account.token)
    open_console(page)

    page.type_into(".queue-filters input[name=queue_q]", f"cenami {marker}")
    page.find(row(tagged))
    page.find(row(other))
    page.type_into(".queue-filters input[name=queue_tag]", tag[:-2])
    # The tags in use are offered as the agent types.
    page.wait(
        lambda driver: driver.find_elements(
            "css selector", f'#queue_tag-suggestions option[value="{tag}"]'
        )
    )
    page.type_into(".queue-filters input[name=queue_tag]", tag)
    page.wait(lambda _: not page.all(row(other)))
    page.wait_text(f"{row(tagged)} .tag-list", tag)
    look(page, "console-queue-search")
