"""A service publishes only the event types the topology says it sends; each event goes
confirmed to the events exchange, and then a live copy to the gateways' exchange whose
refusal never holds the event back."""

import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aio_pika
import pytest
from faststream.rabbit import RabbitBroker

from shared.events import TicketCreated, event_type
from shared.publishing import PublishFailed, UndeclaredEvent, event_publisher
from shared.service import declare_event_topology
from shared.settings import Settings
from shared.signing import BusSigner
from shared.topology import EVENTS_EXCHANGE, LIVE_EXCHANGE, PUBLISHED_EVENTS
from tests.support.events import ticket_created
from tests.support.system import private_vhost

SIGNER = BusSigner("a-key-for-this-test-only-" + "x" * 32)
CREATED = event_type(TicketCreated)


def created(number: str) -> dict[str, Any]:
    """A ticket.created as the outbox hands it to the publisher."""
    return ticket_created(number, "hotel-publishing").model_dump(mode="json")


async def test_an_event_of_a_type_the_service_does_not_send_is_refused_before_it_leaves() -> None:
    assert TicketCreated not in PUBLISHED_EVENTS["notifications"]
    # Never connected: anything but the refusal would fail on the broker instead.
    publish = event_publisher(RabbitBroker(), "notifications", 1.0, SIGNER)
    with pytest.raises(UndeclaredEvent):
        await publish({"type": CREATED, "event_id": "event-1"})


@pytest.fixture
def vhost_url(base_settings: Settings) -> Iterator[str]:
    with private_vhost(base_settings.rabbitmq_url, "publishing") as url:
        yield url


@pytest.fixture
async def channel(vhost_url: str) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        yield await connection.channel()


async def refusing(channel: aio_pika.abc.AbstractChannel, exchange: str) -> None:
    """A queue on `exchange` that refuses every ticket.created: the broker nacks a confirmed
    publish routed to it, as it does one routed to a queue whose node died while its record
    lingers in the cluster (the gateways' push queues are such queues)."""
    queue = await channel.declare_queue(
        exclusive=True, arguments={"x-max-length": 0, "x-overflow": "reject-publish"}
    )
    await queue.bind(exchange, CREATED)


async def test_a_refused_live_copy_leaves_its_event_published_and_a_refused_event_does_not(
    vhost_url: str, channel: aio_pika.abc.AbstractChannel, caplog: pytest.LogCaptureFixture
) -> None:
    broker = RabbitBroker(vhost_url, logger=None)
    publish = event_publisher(broker, "tickets", 10.0, SIGNER)
    await broker.start()
    try:
        await declare_event_topology(broker)
        kept = await channel.declare_queue(exclusive=True)
        await kept.bind(EVENTS_EXCHANGE.name, CREATED)
        live = await channel.declare_queue(exclusive=True)
        await live.bind(LIVE_EXCHANGE.name, CREATED)
        await refusing(channel, LIVE_EXCHANGE.name)

        first = created("HD-1")
        with caplog.at_level(logging.INFO, logger="helpdesk.publishing"):
            await publish(first)
        delivered = await kept.get(timeout=10)
        assert json.loads(delivered.body)["event_id"] == first["event_id"]
        assert delivered.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        copy = await live.get(timeout=10)
        assert copy.body == delivered.body
        assert SIGNER.verify(CREATED, dict(copy.headers), copy.body, max_age=None)
        (refused,) = [r for r in caplog.records if r.getMessage() == "live copy not confirmed"]
        assert (refused.event_type, refused.cause) == (CREATED, "DeliveryError")  # type: ignore[attr-defined]

        # What a refusing push queue did when it was bound to the events exchange: the
        # event failed, and stayed in the outbox for as long as the refusals lasted.
        await refusing(channel, EVENTS_EXCHANGE.name)
        with pytest.raises(PublishFailed):
            await publish(created("HD-2"))
    finally:
        await broker.stop()
