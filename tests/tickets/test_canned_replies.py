"""Canned replies through the gateway: the shared list kept by agents, placeholders checked
when saved, and a reply filled for one ticket in its user's language."""

import uuid
from typing import Any

import httpx

from shared.canned_replies import PLACEHOLDER_UNKNOWN
from tests.support.system import Account, bearer, make_token

URL = "/api/v1/agent/canned-replies"


def texts(pl: str, en: str | None = None) -> dict[str, Any]:
    return {"title": f"Powitanie {uuid.uuid4().hex[:8]}", "text": {"pl": pl, "en": en}}


async def save(gateway: httpx.AsyncClient, agent: dict[str, str], body: dict[str, Any]) -> Any:
    response = await gateway.post(URL, json=body, headers=agent)
    assert response.status_code == 201, response.text
    return response.json()


async def listed(gateway: httpx.AsyncClient, agent: dict[str, str]) -> dict[str, Any]:
    response = await gateway.get(URL, headers=agent)
    assert response.status_code == 200, response.text
    return {reply["id"]: reply for reply in response.json()["items"]}


async def test_agents_add_change_and_delete_a_shared_canned_reply(
    gateway: httpx.AsyncClient, agent: dict[str, str]
) -> None:
    body = texts("  Dzień dobry {{user_name}},\nsprawdzamy.  ")
    added = await save(gateway, agent, body)
    assert added["title"] == body["title"]
    assert added["text"] == {"pl": "Dzień dobry {{user_name}},\nsprawdzamy.", "en": None}
    assert added["updated_by"]["role"] == "agent"
    # Shared: another agent sees it and may change it.
    marek = bearer(make_token("agent", "support", "marek", "Marek"))
    assert (await listed(gateway, marek))[added["id"]]["title"] == body["title"]

    changed = await gateway.put(
        f"{URL}/{added['id']}",
        json={"title": body["title"], "text": {"pl": "Witamy", "en": "Welcome {{user_name}}"}},
        headers=marek,
    )

    assert changed.status_code == 200, changed.text
    now = (await listed(gateway, agent))[added["id"]]
    assert now["text"] == {"pl": "Witamy", "en": "Welcome {{user_name}}"}
    assert now["updated_by"]["name"] == "Marek"
    deleted = await gateway.delete(f"{URL}/{added['id']}", headers=agent)
    assert deleted.status_code == 204, deleted.text
    assert added["id"] not in await listed(gateway, agent)
    for gone in (
        await gateway.delete(f"{URL}/{added['id']}", headers=agent),
        await gateway.put(f"{URL}/{added['id']}", json=body, headers=agent),
    ):
        assert (gone.status_code, gone.json()["code"]) == (404, "canned_reply_not_found")


async def test_an_unknown_placeholder_is_refused_and_nothing_is_saved(
    gateway: httpx.AsyncClient, agent: dict[str, str]
) -> None:
    before = await listed(gateway, agent)
    kept = await save(gateway, agent, texts("Dzień dobry {{user_name}}"))
    refusals = [
        await gateway.post(URL, json=texts("Dzień dobry {{imie}}"), headers=agent),
        await gateway.post(URL, json=texts("Dzień dobry", "Hello {{username}}"), headers=agent),
        await gateway.put(f"{URL}/{kept['id']}", json=texts("{{numer}}"), headers=agent),
    ]
    for refused in refusals:
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == PLACEHOLDER_UNKNOWN
        assert "{{ticket_number}}" in refused.json()["detail"][0]["msg"]
    for bad in ({"title": "", "text": {"pl": "x"}}, {"title": "Bez tekstu", "text": {"pl": " "}}):
        assert (await gateway.post(URL, json=bad, headers=agent)).status_code == 422
    after = await listed(gateway, agent)
    assert set(after) - set(before) == {kept["id"]}
    assert after[kept["id"]]["text"]["pl"] == "Dzień dobry {{user_name}}"


async def test_a_reply_is_filled_for_the_ticket_in_its_users_language(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    both = await save(
        gateway,
        agent,
        texts(
            "Dzień dobry {{user_name}}, w sprawie {{ticket_number}} ({{ticket_subject}})"
            " - {{agent_name}}",
            "Hello {{user_name}}, about {{ticket_number}} ({{ticket_subject}}) - {{agent_name}}",
        ),
    )
    polish_only = await save(gateway, agent, texts("Pozdrawiam, {{agent_name}}"))
    english = await ticket(gateway, account.user("john", "John Smith"), "Invoice", "en")
    polish = await ticket(gateway, account.user("anna", "Anna Kowalska"), "Faktura", "pl")
    unknown = await ticket(gateway, account.user("ola", "Ola Nowak"), "Raport", None)

    async def filled(number: str, reply_id: str) -> tuple[str, str]:
        url = f"/api/v1/agent/tickets/{number}/canned-replies/{reply_id}"
        response = await gateway.get(url, headers=agent)
        assert response.status_code == 200, response.text
        return response.json()["lang"], response.json()["text"]

    assert await filled(english, both["id"]) == (
        "en",
        f"Hello John Smith, about {english} (Invoice) - Ewa",
    )
    assert await filled(polish, both["id"]) == (
        "pl",
        f"Dzień dobry Anna Kowalska, w sprawie {polish} (Faktura) - Ewa",
    )
    assert (await filled(unknown, both["id"]))[0] == "pl"
    # No English text: the Polish one, whatever the user's language.
    assert await filled(english, polish_only["id"]) == ("pl", "Pozdrawiam, Ewa")
    missing = await gateway.get(
        f"/api/v1/agent/tickets/HD-999999/canned-replies/{both['id']}", headers=agent
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "ticket_not_found")
    anna_reads = await gateway.get(
        f"/api/v1/agent/tickets/{polish}/canned-replies/{both['id']}",
        headers=account.user("anna"),
    )
    assert anna_reads.status_code == 403


async def ticket(
    gateway: httpx.AsyncClient, user: dict[str, str], subject: str, lang: str | None
) -> str:
    """A new ticket written in the Help menu set to `lang` (None: a client that says none)."""
    form = {"subject": subject, "message": "Proszę o pomoc.", **({"lang": lang} if lang else {})}
    response = await gateway.post("/api/v1/tickets", data=form, headers=user)
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number
