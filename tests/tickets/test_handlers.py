"""The tickets service's handlers on the in-memory broker: the reply each command gets and
the events its outbox relay sends, in milliseconds (no RabbitMQ, no gateway, no process)."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from motor.motor_asyncio import AsyncIOMotorDatabase

from services.tickets.handlers import build_router
from shared.outbox import OutboxRelay
from shared.people import Caller
from shared.routes import CREATE_TICKET, GET_TICKET, POST_REPLY, UPDATE_TICKET
from shared.tickets import CreateTicket, GetTicket, PostReply, UpdateTicket
from tests.support.in_memory import InMemoryBus
from tests.support.tickets import ticket_service

AGENT = Caller(role="agent", id="ewa", name="Ewa", account_id="support")


@pytest.fixture(scope="module")
async def tickets(own_database: AsyncIOMotorDatabase[Any]) -> AsyncIterator[InMemoryBus]:
    bus = InMemoryBus("tickets")
    service = ticket_service(own_database)
    await service.store.ensure_indexes()
    bus.relays.append(OutboxRelay(service.store.tickets, bus.publish))
    bus.broker.include_router(build_router(service))
    async with bus.running():
        yield bus


async def created(tickets: InMemoryBus, caller: Caller) -> str:
    command = CreateTicket(
        caller=caller, subject="Faktura", message="Błędny NIP.", importance="high"
    )
    reply = await tickets.ask(CREATE_TICKET, command)
    assert reply.ok, reply.error
    number: str = reply.result["number"]
    await tickets.relayed()
    return number


async def test_create_answers_the_new_ticket_and_relays_ticket_created(
    tickets: InMemoryBus, anna: Caller
) -> None:
    command = CreateTicket(caller=anna, subject="Faktura", message="Błędny NIP.", importance="high")
    reply = await tickets.ask(CREATE_TICKET, command)
    assert reply.ok and reply.error is None
    ticket = reply.result
    assert ticket["number"].startswith("HD-")
    assert (ticket["status"], ticket["importance"], ticket["account_id"]) == (
        "new",
        "high",
        anna.account_id,
    )
    assert [message["body"] for message in ticket["messages"]] == ["Błędny NIP."]
    [event] = await tickets.relayed()
    assert event["type"] == "ticket.created"
    assert event["payload"]["number"] == ticket["number"]
    assert event["payload"]["author"] == {"role": "user", "id": "anna", "name": "Anna"}
    assert event["payload"]["sla_due_at"] == ticket["sla_due_at"]


async def test_supports_reply_answers_the_message_and_relays_reply_posted_with_the_new_status(
    tickets: InMemoryBus, anna: Caller
) -> None:
    number = await created(tickets, anna)
    command = PostReply(caller=AGENT, number=number, message="Poprawione.", status="resolved")
    reply = await tickets.ask(POST_REPLY, command)
    assert reply.ok, reply.error
    assert reply.result["body"] == "Poprawione."
    assert reply.result["author"]["role"] == "agent"
    [event] = await tickets.relayed()
    assert event["type"] == "reply.posted"
    assert event["payload"]["ticket_number"] == number
    assert event["payload"]["ticket_owner_id"] == "anna"
    assert (event["payload"]["previous_status"], event["payload"]["status"]) == ("new", "resolved")


async def test_a_reply_to_a_closed_ticket_is_refused_with_its_code_and_relays_nothing(
    tickets: InMemoryBus, anna: Caller
) -> None:
    number = await created(tickets, anna)
    closed = await tickets.ask(
        UPDATE_TICKET, UpdateTicket(caller=AGENT, number=number, status="closed")
    )
    assert closed.ok and closed.result["status"] == "closed"
    assert [event["type"] for event in await tickets.relayed()] == ["ticket.updated"]

    reply = await tickets.ask(POST_REPLY, PostReply(caller=anna, number=number, message="Halo?"))
    assert not reply.ok and reply.error is not None
    assert (reply.error.kind, reply.error.code) == ("conflict", "ticket_closed")
    assert await tickets.relayed() == []


async def test_another_accounts_ticket_is_not_found(tickets: InMemoryBus, anna: Caller) -> None:
    number = await created(tickets, anna)
    stranger = anna.model_copy(update={"account_id": f"hotel-{uuid.uuid4().hex[:8]}"})
    reply = await tickets.ask(GET_TICKET, GetTicket(caller=stranger, number=number))
    assert not reply.ok and reply.error is not None
    assert (reply.error.kind, reply.error.code) == ("not_found", "ticket_not_found")
    own = await tickets.ask(GET_TICKET, GetTicket(caller=anna, number=number))
    assert own.ok and own.result["number"] == number
