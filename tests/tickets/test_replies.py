"""Preview and replies: messages in order, statuses that follow replies, closed tickets."""

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from shared.tickets import MESSAGE_MAX, THREAD_BYTES_MAX, THREAD_MAX
from tests.support.events import EventLog, ticket_events_settled
from tests.support.system import Account, bearer
from tests.support.tickets import new_ticket, reply, status_of


async def test_preview_shows_every_message_in_order_with_authors(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna", "Anna Kowalska")
    number = await new_ticket(gateway, anna)
    await reply(gateway, number, agent, "Sprawdzamy to.", agent=True)
    await reply(gateway, number, account.user("piotr", "Piotr Nowak"), "Dziękuję", agent=False)
    ticket = (await gateway.get(f"/api/v1/tickets/{number}", headers=anna)).json()
    assert [m["body"] for m in ticket["messages"]] == [
        "Brak synchronizacji cen.",
        "Sprawdzamy to.",
        "Dziękuję",
    ]
    assert [m["author"]["role"] for m in ticket["messages"]] == ["user", "agent", "user"]
    assert ticket["messages"][2]["author"]["name"] == "Piotr Nowak"
    assert ticket["updated_at"] == ticket["messages"][2]["created_at"]


async def test_agent_reply_moves_new_to_in_progress_and_user_reply_reopens_waiting(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    await reply(gateway, number, agent, "Prosimy o zrzut ekranu.", agent=True)
    assert await status_of(gateway, number, anna) == "in_progress"
    await gateway.patch(
        f"/api/v1/agent/tickets/{number}", json={"status": "awaiting_reply"}, headers=agent
    )
    assert await status_of(gateway, number, anna) == "awaiting_reply"
    answered = await reply(gateway, number, anna, "W załączeniu.", agent=False)
    assert answered.status_code == 201
    assert await status_of(gateway, number, anna) == "in_progress"


async def test_reply_to_closed_ticket_is_409(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], database: object
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    await gateway.patch(f"/api/v1/agent/tickets/{number}", json={"status": "closed"}, headers=agent)
    refused = await reply(gateway, number, anna, "Jeszcze jedno", agent=False)
    assert refused.status_code == 409
    assert "new ticket" in refused.json()["detail"]
    stored = await database["tickets"].find_one({"_id": number})  # type: ignore[index]
    assert len(stored["messages"]) == 1


async def test_reply_validation_is_422(gateway: httpx.AsyncClient, account: Account) -> None:
    number = await new_ticket(gateway, account.user())
    for text in ("", "   ", "x" * 20_001):
        response = await reply(gateway, number, account.user(), text, agent=False)
        assert response.status_code == 422


async def test_unknown_ticket_is_404(gateway: httpx.AsyncClient, account: Account) -> None:
    assert (
        await gateway.get("/api/v1/tickets/HD-999999", headers=account.user())
    ).status_code == 404
    response = await reply(gateway, "HD-999999", account.user(), "?", agent=False)
    assert response.status_code == 404


async def test_reply_with_same_idempotency_key_is_stored_once(
    gateway: httpx.AsyncClient, account: Account, event_log: EventLog, database: Any
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    headers = {**anna, "Idempotency-Key": "reply-1"}
    responses = await asyncio.gather(
        *(
            gateway.post(
                f"/api/v1/tickets/{number}/replies", data={"message": "Raz"}, headers=headers
            )
            for _ in range(3)
        )
    )
    assert {response.status_code for response in responses} == {201}
    assert len({response.json()["id"] for response in responses}) == 1
    ticket = (await gateway.get(f"/api/v1/tickets/{number}", headers=anna)).json()
    assert [m["body"] for m in ticket["messages"]] == ["Brak synchronizacji cen.", "Raz"]
    await ticket_events_settled(event_log, database, number)
    assert len(event_log.of_type("reply.posted", ticket_number=number)) == 1


async def test_reply_posted_event_names_author_owner_and_text(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], event_log: EventLog
) -> None:
    number = await new_ticket(gateway, account.user("anna"))
    await reply(gateway, number, agent, "Gotowe, proszę sprawdzić.", agent=True)
    [event] = await event_log.wait_for("reply.posted", ticket_number=number)
    payload = event["payload"]
    assert payload["author"]["role"] == "agent"
    assert payload["ticket_owner_id"] == "anna"
    assert payload["account_id"] == account.account_id
    assert payload["body"] == "Gotowe, proszę sprawdzić."
    assert payload["ticket_subject"] == "Channel manager"
    assert payload["status"] == "in_progress"
    assert payload["attachment"] is None


async def test_same_person_id_and_key_from_another_account_is_another_reply(
    gateway: httpx.AsyncClient, account: Account, token: Callable[..., str]
) -> None:
    # An agent of the support account may carry the same id as the ticket's user.
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    agent_anna = bearer(token("agent", "support", "anna", "Anna (wsparcie)"))
    key = {"Idempotency-Key": "reply-1"}
    mine = await gateway.post(
        f"/api/v1/tickets/{number}/replies", data={"message": "Od Anny"}, headers={**anna, **key}
    )
    support = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies",
        data={"message": "Od wsparcia"},
        headers={**agent_anna, **key},
    )
    assert (mine.status_code, support.status_code) == (201, 201)
    assert mine.json()["id"] != support.json()["id"]
    ticket = (await gateway.get(f"/api/v1/tickets/{number}", headers=anna)).json()
    assert [m["body"] for m in ticket["messages"]][1:] == ["Od Anny", "Od wsparcia"]


async def test_a_full_thread_takes_no_more_replies(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], database: Any
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    tickets = database["tickets"]
    stored = await tickets.find_one({"_id": number})
    first = stored["messages"][0]
    thread = [{**first, "id": f"m{n}", "idem": f"seed:{n}"} for n in range(THREAD_MAX)]
    await tickets.update_one({"_id": number}, {"$set": {"messages": thread}})
    for path, headers in ((f"tickets/{number}", anna), (f"agent/tickets/{number}", agent)):
        refused = await gateway.post(
            f"/api/v1/{path}/replies", data={"message": "Jeszcze jedno"}, headers=headers
        )
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "ticket_thread_full"
    ticket = (await gateway.get(f"/api/v1/tickets/{number}", headers=anna)).json()
    assert len(ticket["messages"]) == THREAD_MAX


async def test_concurrent_replies_of_user_and_agent_are_all_kept_each_with_its_event(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], event_log: EventLog
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    texts = [f"Wiadomość {n}" for n in range(10)]
    responses = await asyncio.gather(
        *(
            reply(gateway, number, agent if n % 2 else anna, text, n % 2 == 1)
            for n, text in enumerate(texts)
        )
    )
    assert {response.status_code for response in responses} == {201}
    ticket = (await gateway.get(f"/api/v1/tickets/{number}", headers=anna)).json()
    assert sorted(m["body"] for m in ticket["messages"][1:]) == sorted(texts)
    for text in texts:
        await event_log.wait_for("reply.posted", ticket_number=number, body=text)


async def test_a_thread_full_in_bytes_takes_no_more_replies(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], database: Any
) -> None:
    # Few messages, but each of the longest kind in the widest characters (4 bytes each):
    # at 500 of them the document would be far past MongoDB's 16 MB.
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    tickets = database["tickets"]
    first = (await tickets.find_one({"_id": number}))["messages"][0]
    wide = "\U0001f600" * MESSAGE_MAX
    thread = [first] + [
        {**first, "id": f"m{n}", "idem": f"seed:{n}", "body": wide}
        for n in range(THREAD_BYTES_MAX // len(wide.encode()) + 1)
    ]
    await tickets.update_one({"_id": number}, {"$set": {"messages": thread}})
    refused = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies", data={"message": "Jeszcze"}, headers=agent
    )
    assert refused.status_code == 409, refused.text[:300]
    assert refused.json()["code"] == "ticket_thread_full"


async def test_a_ticket_too_large_to_write_is_a_409_not_a_500(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], database: Any
) -> None:
    # Whatever else makes the document large (here a field of 15.9 MB), a write past the
    # server's 16 MB is refused as a full ticket, never an internal error.
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    tickets = database["tickets"]
    await tickets.update_one({"_id": number}, {"$set": {"padding": "x" * 16_650_000}})
    refused = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies",
        data={"message": "\U0001f600" * MESSAGE_MAX},
        headers=agent,
    )
    assert refused.status_code == 409, refused.text[:300]
    assert refused.json()["code"] == "ticket_thread_full"
