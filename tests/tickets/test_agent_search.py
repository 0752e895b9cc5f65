"""The agents' search across every ticket: words of subjects and messages, Polish-aware like
the users' history search, with the queue's filters (account, status, assignee, tag, days)."""

import uuid
from typing import Any

import httpx

from tests.support.system import Account
from tests.support.tickets import new_ticket


async def found(gateway: httpx.AsyncClient, agent: dict[str, str], **params: str) -> list[str]:
    response = await gateway.get("/api/v1/agent/tickets", params=params, headers=agent)
    assert response.status_code == 200, response.text
    return [row["number"] for row in response.json()["items"]]


async def test_a_word_in_any_inflection_without_diacritics_finds_subjects_and_replies(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, agent: dict[str, str]
) -> None:
    marker = f"szukaj{uuid.uuid4().hex[:8]}"
    in_subject = await new_ticket(
        gateway, account.user(), f"Zgłoszenie drukarki {marker}", message="Nie drukuje."
    )
    in_message = await new_ticket(
        gateway, other_account.user(), f"Pytanie {marker}", message="Drukarka fiskalna stoi."
    )
    in_reply = await new_ticket(gateway, account.user(), f"Inne {marker}", message="Coś.")
    reply = await gateway.post(
        f"/api/v1/agent/tickets/{in_reply}/replies",
        data={"message": "Proszę zrestartować drukarkę."},
        headers=agent,
    )
    assert reply.status_code == 201
    await new_ticket(gateway, account.user(), f"Faktura {marker}", message="Bez związku.")
    # Every word must match; "drukarka" folded and inflected finds all three.
    assert set(await found(gateway, agent, q=f"DRUKARKA {marker}")) == {
        in_subject,
        in_message,
        in_reply,
    }
    assert await found(gateway, agent, q=f"zgloszenie {marker}") == [in_subject]
    # The other filters narrow the search.
    assert set(
        await found(gateway, agent, q=f"drukarka {marker}", account_id=account.account_id)
    ) == {
        in_subject,
        in_reply,
    }


async def test_a_search_looks_through_every_status_unless_one_is_chosen(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    marker = f"status{uuid.uuid4().hex[:8]}"
    open_one = await new_ticket(gateway, account.user(), f"Otwarte {marker}")
    closed = await new_ticket(gateway, account.user(), f"Zamknięte {marker}")
    await gateway.patch(f"/api/v1/agent/tickets/{closed}", json={"status": "closed"}, headers=agent)
    assert set(await found(gateway, agent, q=marker)) == {open_one, closed}
    assert await found(gateway, agent, q=marker, status="closed") == [closed]
    # Without a search the queue is still the tickets where support has the ball.
    assert closed not in await found(gateway, agent, account_id=account.account_id, page_size="100")


async def test_a_search_with_an_agent_a_tag_and_creation_days(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], database: Any
) -> None:
    marker = f"dni{uuid.uuid4().hex[:8]}"
    me = (await gateway.get("/api/v1/agent/agents", headers=agent)).json()["me"]
    old = await new_ticket(gateway, account.user(), f"Stare {marker}")
    new = await new_ticket(gateway, account.user(), f"Nowe {marker}")
    await database["tickets"].update_one(
        {"_id": old}, {"$set": {"created_at": (await _created(database, old)).replace(year=2025)}}
    )
    await gateway.patch(
        f"/api/v1/agent/tickets/{new}", json={"assignee_id": me, "add_tags": ["vip"]}, headers=agent
    )
    day = (await _created(database, new)).date().isoformat()
    assert await found(gateway, agent, q=marker, created_from=day) == [new]
    assert await found(gateway, agent, q=marker, created_to="2025-12-31") == [old]
    assert await found(gateway, agent, q=marker, assignee_id=me, tag="vip") == [new]
    assert await found(gateway, agent, q=marker, view="unassigned") == [old]
    refused = await gateway.get(
        "/api/v1/agent/tickets",
        params={"created_from": "2026-02-01", "created_to": "2026-01-01"},
        headers=agent,
    )
    assert refused.status_code == 422 and refused.json()["code"] == "date_range_invalid"


async def test_a_search_without_a_word_is_refused(
    gateway: httpx.AsyncClient, agent: dict[str, str]
) -> None:
    response = await gateway.get("/api/v1/agent/tickets", params={"q": "?!"}, headers=agent)
    assert response.status_code == 422
    assert response.json()["code"] == "search_query_invalid"
    # An emptied box is no search.
    assert (await gateway.get("/api/v1/agent/tickets", params={"q": " "}, headers=agent)).is_success


async def _created(database: Any, number: str) -> Any:
    document = await database["tickets"].find_one({"_id": number}, {"created_at": 1})
    return document["created_at"]
