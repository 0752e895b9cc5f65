"""No event is lost between a database write and its publish."""

import asyncio
import json
from typing import Any

import aio_pika
import pytest

from shared.people import Caller
from shared.tickets import CreateTicket
from shared.topology import EVENTS_EXCHANGE
from tests.support.events import outbox_drained
from tests.support.system import HelpDesk, rabbitmqctl
from tests.support.tickets import ticket_service


@pytest.mark.disruptive
async def test_ticket_saved_while_broker_is_down_is_announced_after_it_returns(
    system: HelpDesk, database: Any
) -> None:
    # A durable queue of the test's own survives the broker restart, so the event cannot
    # slip by before the test starts listening again.
    connection = await aio_pika.connect(system.settings.rabbitmq_url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange(
        EVENTS_EXCHANGE.name, aio_pika.ExchangeType.TOPIC, durable=True
    )
    watch = await channel.declare_queue("test.outbox-watch", durable=True)
    await watch.bind(exchange, "ticket.created")
    await connection.close()

    rabbitmqctl("stop_app")
    try:
        caller = Caller(role="user", id="anna", name="Anna", account_id="hotel-outage")
        ticket = await ticket_service(database).create(
            CreateTicket(
                caller=caller,
                subject="Zapisany w czasie awarii",
                message="...",
                importance="normal",
            )
        )
        stored = await database["tickets"].find_one({"_id": ticket.number})
        assert stored["outbox_pending"]
        assert [event["type"] for event in stored["outbox"]] == ["ticket.created"]
    finally:
        rabbitmqctl("start_app")

    # The running tickets service's relay finds the pending event and publishes it.
    connection = await aio_pika.connect_robust(system.settings.rabbitmq_url)
    try:
        channel = await connection.channel()
        watch = await channel.declare_queue("test.outbox-watch", durable=True)
        received: list[dict[str, Any]] = []
        async with asyncio.timeout(60):
            while not any(e["payload"]["number"] == ticket.number for e in received):
                message = await watch.get(no_ack=True, fail=False)
                if message is None:
                    await asyncio.sleep(0.25)
                    continue
                received.append(json.loads(message.body))
        await outbox_drained(database, ticket.number)
        await watch.delete(if_unused=False, if_empty=False)
    finally:
        await connection.close()
    assert [e["payload"]["number"] for e in received].count(ticket.number) == 1
