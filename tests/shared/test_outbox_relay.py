"""The relay takes out only what it published: events written meanwhile stay pending."""

import uuid
from datetime import UTC, datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase

from shared.events import TicketCreated, TicketCreatedPayload
from shared.outbox import OUTBOX_FIELD, PENDING_FLAG, OutboxRelay, pushing_events, with_events
from shared.people import Author


def created(number: str) -> TicketCreated:
    return TicketCreated(
        payload=TicketCreatedPayload(
            number=number,
            account_id="hotel-relay",
            author=Author(id="anna", name="Anna", role="user"),
            subject="S",
            importance="low",
            status="new",
            sla_due_at=datetime.now(UTC),
        )
    )


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
