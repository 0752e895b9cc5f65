"""Transactional outbox without multi-document transactions.

A pending event rides in the very document whose change it announces (`outbox` array,
`outbox_pending` flag, both written by the same single-document update), so a write and
its event are saved together or not at all. The relay publishes pending events with
publisher confirms and only then removes them; if the broker is down it keeps retrying.
A crash between publish and removal re-publishes: consumers are idempotent on event_id.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection
from pymongo.errors import PyMongoError

from shared.events import Event

PublishEvent = Callable[[dict[str, Any]], Awaitable[None]]

OUTBOX_FIELD = "outbox"
PENDING_FLAG = "outbox_pending"
BATCH = 100
# The relay also rescans on this period, for events left by a crash or a broker outage.
SCAN_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 10.0

logger = logging.getLogger("helpdesk.outbox")


def outbox_push(*events: Event[Any]) -> dict[str, Any]:
    """The update operators that add events to a document's outbox, for the same update."""
    return {
        "$push": {OUTBOX_FIELD: {"$each": [event.model_dump(mode="json") for event in events]}},
    }


def outbox_fields(*events: Event[Any]) -> dict[str, Any]:
    """The outbox fields of a new document that announces itself."""
    return {
        OUTBOX_FIELD: [event.model_dump(mode="json") for event in events],
        PENDING_FLAG: bool(events),
    }


PENDING_SET = {PENDING_FLAG: True}


class OutboxRelay:
    def __init__(self, collection: AsyncIOMotorCollection[Any], publish: PublishEvent) -> None:
        self.collection = collection
        self.publish = publish
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(PENDING_FLAG)

    def wake(self) -> None:
        """Called after a write that added events, so they leave at once, not at the scan."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def relay_pending(self) -> int:
        """Publish every pending event once; returns how many left the outbox."""
        sent = 0
        cursor = self.collection.find(PENDING_SET, {OUTBOX_FIELD: 1}).limit(BATCH)
        async for document in cursor:
            for event in document.get(OUTBOX_FIELD, []):
                await self.publish(event)
                await self.collection.update_one(
                    {"_id": document["_id"]},
                    {"$pull": {OUTBOX_FIELD: {"event_id": event["event_id"]}}},
                )
                sent += 1
            # Cleared only if nothing new was pushed meanwhile (same-document atomicity).
            await self.collection.update_one(
                {"_id": document["_id"], OUTBOX_FIELD: {"$size": 0}},
                {"$set": {PENDING_FLAG: False}},
            )
        return sent

    async def _run(self) -> None:
        backoff = SCAN_SECONDS
        while True:
            try:
                self._wake.clear()
                sent = await self.relay_pending()
                if sent:
                    logger.info("outbox relayed", extra={"events": sent})
                backoff = SCAN_SECONDS
            except (PyMongoError, OSError, TimeoutError, ConnectionError) as error:
                # Broker or database away: keep the events and try again, more slowly.
                logger.warning(
                    "outbox relay paused", extra={"error": type(error).__name__, "retry": backoff}
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), SCAN_SECONDS)
