"""The relay takes out only what it published: events written meanwhile stay pending."""

import logging
import uuid
from typing import Any

import pytest
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo import monitoring

from shared.events import TicketCreated
from shared.outbox import OUTBOX_FIELD, PENDING_FLAG, OutboxRelay, pushing_events, with_events
from shared.publishing import PublishFailed
from tests.support.events import ticket_created
from tests.support.system import HelpDesk
from tests.support.waiting import eventually


def created(number: str) -> TicketCreated:
    return ticket_created(number, "hotel-relay")


async def test_an_event_written_while_the_relay_publishes_stays_and_leaves_next_round(
    database: AsyncIOMotorDatabase[Any],
) -> None:
    collection = database[f"relay_{uuid.uuid4().hex[:8]}"]
    first, second = created("HD-1"), created("HD-1")
    await collection.insert_one(with_events({"_id": "HD-1"}, first))
    published: list[str] = []

    async def publish(event: dict[str, Any]) -> None:
        published.append(event["event_id"])
        if len(published) == 1:
            # A concurrent write adds its event between the relay's read and its removal.
            await collection.update_one({"_id": "HD-1"}, pushing_events({}, second))

    relay = OutboxRelay(collection, publish)
    assert await relay.relay_pending() == 1
    document = await collection.find_one({"_id": "HD-1"})
    assert [entry["event_id"] for entry in document[OUTBOX_FIELD]] == [str(second.event_id)]
    assert document[PENDING_FLAG] is True

    assert await relay.relay_pending() == 1
    document = await collection.find_one({"_id": "HD-1"})
    assert (document[OUTBOX_FIELD], document[PENDING_FLAG]) == ([], False)
    assert published == [str(first.event_id), str(second.event_id)]


class Writes(monitoring.CommandListener):
    """The write commands a client sends, by name."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in {"update", "delete", "insert"}:
            self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_a_round_takes_every_published_event_out_in_one_database_write(
    system: HelpDesk,
) -> None:
    writes = Writes()
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(
        system.settings.mongo_url, tz_aware=True, event_listeners=[writes]
    )
    try:
        collection = client[system.env["HELPDESK_MONGO_DB"]][f"relay_{uuid.uuid4().hex[:8]}"]
        numbers = [f"HD-{index}" for index in range(20)]
        await collection.insert_many(
            [with_events({"_id": number}, created(number)) for number in numbers]
        )
        published: list[str] = []

        async def publish(event: dict[str, Any]) -> None:
            published.append(event["event_id"])

        writes.names.clear()
        assert await OutboxRelay(collection, publish).relay_pending() == len(numbers)
        # Before: two updates for each document (its events out, then its flag).
        assert writes.names == ["update"]
        assert len(published) == len(numbers)
        left = await collection.count_documents({PENDING_FLAG: True})
        assert left == 0
        assert await collection.count_documents({OUTBOX_FIELD: {"$size": 0}}) == len(numbers)
    finally:
        client.close()


async def test_a_paused_relay_says_why_the_broker_did_not_take_an_event(
    database: AsyncIOMotorDatabase[Any], caplog: pytest.LogCaptureFixture
) -> None:
    collection = database[f"relay_{uuid.uuid4().hex[:8]}"]
    await collection.insert_one(with_events({"_id": "HD-1"}, created("HD-1")))

    async def publish(event: dict[str, Any]) -> None:
        raise PublishFailed(f"event {event['event_id']} not confirmed") from TimeoutError()

    def paused() -> list[logging.LogRecord]:
        return [record for record in caplog.records if record.getMessage() == "outbox relay paused"]

    async def said() -> bool:
        return bool(paused())

    relay = OutboxRelay(collection, publish)
    with caplog.at_level(logging.WARNING, logger="helpdesk.outbox"):
        relay.start()
        try:
            await eventually(said, within=30)
        finally:
            await relay.stop()
    record = paused()[0]
    assert (record.error, record.cause) == ("PublishFailed", "TimeoutError")  # type: ignore[attr-defined]
    # The event stays for the next round.
    assert await collection.count_documents({PENDING_FLAG: True}) == 1
