"""Support's "reply and set status": one change of the ticket, one event, one pop-up."""

from typing import Any

import httpx
from motor.motor_asyncio import AsyncIOMotorDatabase

from tests.support.database import count
from tests.support.events import EventLog
from tests.support.popups import about
from tests.support.sockets import OpenStream, stays_quiet
from tests.support.system import Account
from tests.support.tickets import new_ticket, status_of


async def test_a_reply_that_sets_a_status_makes_one_pop_up(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
    event_log: EventLog,
    open_stream: OpenStream,
) -> None:
    user = account.user("anna")
    number = await new_ticket(gateway, user)
    tab = await open_stream(account.account_id, "anna")
    response = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies",
        data={"message": "Proszę przesłać zrzut ekranu.", "status": "awaiting_reply"},
        headers=agent,
    )
    assert response.status_code == 201, response.text

    popup = (await tab.expect("popup.created", where=about(number)))["data"]
    assert "Proszę przesłać zrzut ekranu." in popup["body"]
    assert "czeka na Twoją odpowiedź" in popup["body"]
    await stays_quiet(tab, "popup.created", about(number))
    assert await count(database["popups"], {"ticket_number": number}) == 1
    assert await status_of(gateway, number, user) == "awaiting_reply"
    [posted] = event_log.of_type("reply.posted", ticket_number=number)
    assert (posted["payload"]["previous_status"], posted["payload"]["status"]) == (
        "new",
        "awaiting_reply",
    )
    assert event_log.of_type("ticket.updated", number=number) == []


async def test_only_support_sets_a_status_with_a_reply(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    user = account.user()
    number = await new_ticket(gateway, user)
    response = await gateway.post(
        f"/api/v1/tickets/{number}/replies",
        data={"message": "Zamykam.", "status": "closed"},
        headers=user,
    )
    assert (response.status_code, response.json()["code"]) == (403, "status_agents_only")
    assert await status_of(gateway, number, user) == "new"
