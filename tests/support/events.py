"""Events on the bus as a test sees them, and the barrier that says none is still to come."""

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import aio_pika
import pytest

from shared.events import TicketCreated, TicketCreatedPayload
from shared.outbox import PENDING_FLAG
from shared.people import Author
from shared.topology import EVENTS_EXCHANGE
from tests.support.waiting import eventually

# Sent by a test to its own queue only; never on the help desk's exchanges.
MARKER = "test.marker"


def ticket_created(number: str, account_id: str) -> TicketCreated:
    """A ticket.created of ticket `number`, for tests of the outbox and its publisher."""
    return TicketCreated(
        payload=TicketCreatedPayload(
            number=number,
            account_id=account_id,
            author=Author(id="anna", name="Anna", role="user"),
            subject="S",
            importance="low",
            status="new",
            sla_due_at=datetime.now(UTC),
        )
    )


class EventLog:
    """Every domain event published on the bus while a test runs, as decoded JSON."""

    def __init__(self, channel: aio_pika.abc.AbstractChannel, queue_name: str) -> None:
        self.channel = channel
        self.queue_name = queue_name
        self.events: list[dict[str, Any]] = []

    def of_type(self, event_type: str, **payload: Any) -> list[dict[str, Any]]:
        return [
            event
            for event in self.events
            if event["type"] == event_type
            and all(event["payload"].get(key) == value for key, value in payload.items())
        ]

    async def wait_for(
        self, event_type: str, count: int = 1, within: float = 10.0, **payload: Any
    ) -> list[dict[str, Any]]:
        deadline = asyncio.get_running_loop().time() + within
        while len(self.of_type(event_type, **payload)) < count:
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"expected {count} {event_type} {payload}, got {self.events}")
            await asyncio.sleep(0.05)
        return self.of_type(event_type, **payload)

    async def settled(self, within: float = 10.0) -> None:
        """Every event the broker confirmed before this call is in the log.

        A marker sent now to the log's queue lands behind them (a queue keeps the order in
        which messages reached it), so once it is read, so are they.
        """
        marker = uuid.uuid4().hex
        body = json.dumps({"type": MARKER, "payload": {"marker": marker}}).encode()
        await self.channel.default_exchange.publish(
            aio_pika.Message(body), routing_key=self.queue_name
        )
        await self.wait_for(MARKER, within=within, marker=marker)


async def outbox_drained(database: Any, number: str, within: float = 10.0) -> None:
    """Until the tickets service's relay has published (confirmed) every event the ticket
    wrote so far and emptied its outbox."""
    pending = {"_id": number, PENDING_FLAG: True}

    async def drained() -> bool:
        return not await database["tickets"].count_documents(pending)

    await eventually(drained, within)


async def ticket_events_settled(event_log: EventLog, database: Any, number: str) -> None:
    """Every event ticket `number` has written so far is in `event_log`: what a test counts
    next is final, with no sleep to hope it is."""
    await outbox_drained(database, number)
    await event_log.settled()


class DurableWatch:
    """Events of one routing key kept in a durable queue of the test's own.

    Unlike `event_log`, it survives a broker restart, so nothing published while the test
    was not listening can slip by.
    """

    def __init__(self, url: str, routing_key: str) -> None:
        self.url = url
        self.routing_key = routing_key
        self.queue_name = f"test.watch.{uuid.uuid4().hex[:8]}"
        self.events: list[dict[str, Any]] = []

    async def declare(self) -> None:
        connection = await aio_pika.connect(self.url)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange(
                EVENTS_EXCHANGE.name, aio_pika.ExchangeType.TOPIC, durable=True
            )
            queue = await channel.declare_queue(self.queue_name, durable=True)
            await queue.bind(exchange, self.routing_key)

    async def collect_until(
        self, done: Callable[[list[dict[str, Any]]], bool], within: float = 60
    ) -> list[dict[str, Any]]:
        connection = await aio_pika.connect_robust(self.url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(self.queue_name, durable=True)
            deadline = time.monotonic() + within
            while not done(self.events):
                if time.monotonic() > deadline:
                    pytest.fail(f"{self.routing_key}: condition not met; got {self.events}")
                message = await queue.get(no_ack=True, fail=False)
                if message is None:
                    await asyncio.sleep(0.25)
                else:
                    self.events.append(json.loads(message.body))
            await queue.delete(if_unused=False, if_empty=False)
        return self.events
