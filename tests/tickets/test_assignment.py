"""Assignment: the agents seen, taking a ticket, reassigning and unassigning it, the queue's
views by assignee, and the event that tells the other agents."""

import uuid
from typing import Any

import httpx

from tests.support.events import EventLog, ticket_events_settled
from tests.support.system import Account, bearer, make_token
from tests.support.tickets import new_ticket


def new_agent(name: str) -> tuple[str, dict[str, str]]:
    """An agent of the test's own: their id and headers."""
    agent_id = f"agent-{uuid.uuid4().hex[:8]}"
    return agent_id, bearer(make_token("agent", "support", agent_id, name))


async def change(
    gateway: httpx.AsyncClient, number: str, agent: dict[str, str], **body: Any
) -> dict[str, Any]:
    response = await gateway.patch(f"/api/v1/agent/tickets/{number}", json=body, headers=agent)
    assert response.status_code == 200, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


async def queue_numbers(
    gateway: httpx.AsyncClient, agent: dict[str, str], **params: str
) -> list[str]:
    response = await gateway.get("/api/v1/agent/tickets", params=params, headers=agent)
    assert response.status_code == 200, response.text
    return [row["number"] for row in response.json()["items"]]


async def test_agents_who_used_the_desk_are_offered_as_assignees_with_the_caller_marked(
    gateway: httpx.AsyncClient,
) -> None:
    ewa_id, ewa = new_agent("Ewa Nowak")
    piotr_id, piotr = new_agent("Piotr Wiśniewski")
    # Piotr looks at the queue once: from then on he can be given tickets.
    assert (await gateway.get("/api/v1/agent/tickets", headers=piotr)).status_code == 200
    response = await gateway.get("/api/v1/agent/agents", headers=ewa)
    assert response.status_code == 200, response.text
    directory = response.json()
    assert directory["me"] == ewa_id
    seen = {agent["id"]: agent["name"] for agent in directory["items"]}
    assert seen[ewa_id] == "Ewa Nowak" and seen[piotr_id] == "Piotr Wiśniewski"
    names = [agent["name"] for agent in directory["items"]]
    assert names == sorted(names)


async def test_assign_to_me_then_reassign_then_unassign(
    gateway: httpx.AsyncClient, account: Account, event_log: EventLog, database: Any
) -> None:
    ewa_id, ewa = new_agent("Ewa Nowak")
    piotr_id, piotr = new_agent("Piotr Wiśniewski")
    await gateway.get("/api/v1/agent/agents", headers=piotr)
    number = await new_ticket(gateway, account.user("anna"), "Nie działa drukarka fiskalna")
    before = (await gateway.get(f"/api/v1/agent/tickets/{number}", headers=ewa)).json()
    assert before["assignee"] is None and before["tags"] == []

    taken = await change(gateway, number, ewa, assignee_id=ewa_id)
    assert taken["assignee"] == {"id": ewa_id, "name": "Ewa Nowak"}
    # Support's own view: the user sees no update of their ticket.
    assert taken["updated_at"] == before["updated_at"]
    [event] = await event_log.wait_for("ticket.triaged", number=number)
    assert event["payload"]["assignee"] == {"id": ewa_id, "name": "Ewa Nowak"}
    assert event["payload"]["changes"]["assignee"] == {"id": ewa_id, "name": "Ewa Nowak"}
    assert event["payload"]["changed_by"]["id"] == ewa_id

    given = await change(gateway, number, ewa, assignee_id=piotr_id)
    assert given["assignee"] == {"id": piotr_id, "name": "Piotr Wiśniewski"}
    shown = (await gateway.get(f"/api/v1/agent/tickets/{number}", headers=piotr)).json()
    assert shown["assignee"]["id"] == piotr_id

    dropped = await change(gateway, number, piotr, assignee_id=None)
    assert dropped["assignee"] is None
    # The same assignee again is no change: no event.
    await change(gateway, number, piotr, assignee_id=None)
    await ticket_events_settled(event_log, database, number)
    triaged = event_log.of_type("ticket.triaged", number=number)
    assert [e["payload"]["changes"]["unassigned"] for e in triaged] == [False, False, True]
    assert not event_log.of_type("ticket.updated", number=number)


async def test_the_queue_views_mine_unassigned_all_and_one_agents_tickets(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    ewa_id, ewa = new_agent("Ewa Nowak")
    piotr_id, piotr = new_agent("Piotr Wiśniewski")
    await gateway.get("/api/v1/agent/agents", headers=piotr)
    marker = f"widok{uuid.uuid4().hex[:8]}"
    mine = await new_ticket(gateway, account.user(), f"Faktura {marker}", "critical")
    piotrs = await new_ticket(gateway, account.user(), f"Raport {marker}", "high")
    nobodys = await new_ticket(gateway, account.user(), f"Cennik {marker}", "low")
    await change(gateway, mine, ewa, assignee_id=ewa_id)
    await change(gateway, piotrs, ewa, assignee_id=piotr_id)

    assert await queue_numbers(gateway, ewa, view="mine", q=marker) == [mine]
    assert await queue_numbers(gateway, piotr, view="mine", q=marker) == [piotrs]
    assert await queue_numbers(gateway, ewa, view="unassigned", q=marker) == [nobodys]
    assert await queue_numbers(gateway, ewa, view="all", q=marker) == [mine, piotrs, nobodys]
    assert await queue_numbers(gateway, ewa, assignee_id=piotr_id, q=marker) == [piotrs]
    # The default queue (no search) holds them too, each row with its assignee.
    response = await gateway.get(
        "/api/v1/agent/tickets", params={"view": "mine", "page_size": 100}, headers=ewa
    )
    [row] = [row for row in response.json()["items"] if row["number"] == mine]
    assert row["assignee"] == {"id": ewa_id, "name": "Ewa Nowak"}


async def test_assigning_to_an_agent_the_desk_never_saw_is_refused_and_changes_nothing(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], database: Any
) -> None:
    number = await new_ticket(gateway, account.user())
    response = await gateway.patch(
        f"/api/v1/agent/tickets/{number}",
        json={"assignee_id": "nobody-ever", "status": "in_progress", "add_tags": ["vip"]},
        headers=agent,
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "assignee_unknown"
    stored = await database["tickets"].find_one({"_id": number})
    assert stored["status"] == "new" and stored.get("tags", []) == []


async def test_a_view_and_an_assignee_at_once_are_refused(
    gateway: httpx.AsyncClient, agent: dict[str, str]
) -> None:
    response = await gateway.get(
        "/api/v1/agent/tickets", params={"view": "mine", "assignee_id": "x"}, headers=agent
    )
    assert response.status_code == 422
    assert response.json()["code"] == "queue_filters_conflicting"
    bad_view = await gateway.get("/api/v1/agent/tickets", params={"view": "x"}, headers=agent)
    assert bad_view.status_code == 422


async def test_users_never_see_the_assignee_or_the_tags(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    ewa_id, ewa = new_agent("Ewa Tajemnicza")
    await gateway.get("/api/v1/agent/agents", headers=ewa)
    user = account.user("anna")
    number = await new_ticket(gateway, user, "Rezerwacja grupowa")
    await change(gateway, number, ewa, assignee_id=ewa_id, add_tags=["tajnytag"])
    answers = [
        await gateway.get(f"/api/v1/tickets/{number}", headers=user),
        await gateway.get("/api/v1/tickets", headers=user),
        await gateway.get("/api/v1/tickets", params={"q": "tajnytag"}, headers=user),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert "Tajemnicza" not in response.text and "tajnytag" not in response.text
        assert "assignee" not in response.text and '"tags"' not in response.text
    # Even an agent reading through the users' route gets the users' shape.
    through_users_route = await gateway.get(f"/api/v1/tickets/{number}", headers=ewa)
    assert "assignee" not in through_users_route.json()
    # The user's own search does not find the ticket by its tag.
    assert answers[2].json()["items"] == []
    for path in ("/api/v1/agent/agents", "/api/v1/agent/tags", f"/api/v1/agent/tickets/{number}"):
        assert (await gateway.get(path, headers=user)).status_code == 403
