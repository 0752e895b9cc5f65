"""Transactional outbox without multi-document transactions.

A pending event rides in the very document whose change it announces (`outbox` array,
`outbox_pending` flag), written by the same single-document write, so a change and its
event are saved together or not at all. The relay publishes pending events with publisher
confirms and only then removes them; while the broker is down it keeps retrying. A crash
between publish and removal re-publishes: consumers are idempotent on event_id.

With tracing on, each entry also keeps the `traceparent` of the write that saved it (a
plain string, stored with the entry, never sent in the event's body): the relay publishes
the event in that trace, so its consumers' spans join the request that caused it.

A write adds its events with `$push` in the same update as its change (`with_events` for
an insert, `pushing_events` for an update); the relay takes published events out with
`$pull`, so it never contends with the writers of the document's other fields.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection
from pydantic import BaseModel
from pymongo import IndexModel, UpdateOne
from pymongo.errors import PyMongoError

from shared.events import Event
from shared.tracing import TRACEPARENT, continued_trace, current_traceparent

PublishEvent = Callable[[dict[str, Any]], Awaitable[None]]

OUTBOX_FIELD = "outbox"
PENDING_FLAG = "outbox_pending"
# Declared by the store that owns the collection, with its own indexes (declare_indexes).
OUTBOX_INDEX = IndexModel(PENDING_FLAG)
BATCH = 100
# The relay also rescans on this period, for events left by a crash or a broker outage.
SCAN_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 10.0

logger = logging.getLogger("helpdesk.outbox")


def with_events(document: dict[str, Any], *events: Event[Any]) -> dict[str, Any]:
    """The document with these events added to its outbox, to be written in one go."""
    traceparent = current_traceparent()
    entries = [_entry(event, traceparent) for event in events]
    outbox = [*document.get(OUTBOX_FIELD, []), *entries]
    return {**document, OUTBOX_FIELD: outbox, PENDING_FLAG: bool(outbox)}


def pushing_events(update: dict[str, Any], *events: Event[Any]) -> dict[str, Any]:
    """The update operators `update` that also push these events onto the outbox."""
    traceparent = current_traceparent()
    entries = [_entry(event, traceparent) for event in events]
    return {
        **update,
        "$push": {**update.get("$push", {}), OUTBOX_FIELD: {"$each": entries}},
        "$set": {**update.get("$set", {}), PENDING_FLAG: True},
    }


def _entry(event: Event[Any], traceparent: str | None) -> dict[str, Any]:
    entry = event.model_dump(mode="json")
    if traceparent is not None:
        entry[TRACEPARENT] = traceparent
    return entry


class OutboxRelay:
    def __init__(self, collection: AsyncIOMotorCollection[Any], publish: PublishEvent) -> None:
        self.collection = collection
        self.publish = publish
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

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
        cursor = self.collection.find({PENDING_FLAG: True}, {OUTBOX_FIELD: 1}).limit(BATCH)
        documents = [document async for document in cursor]
        if len(documents) == BATCH:
            self._wake.set()
        # Documents are published side by side, so broker confirms overlap instead of
        # costing one round trip after another; within one document the events keep their
        # order. What was confirmed leaves the outbox in one database write per round.
        results = await asyncio.gather(*map(self._publish, documents), return_exceptions=True)
        published = {
            document["_id"]: result
            for document, result in zip(documents, results, strict=True)
            if isinstance(result, list)
        }
        if published:
            await self._remove(published)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return sum(len(event_ids) for event_ids in published.values())

    async def _publish(self, document: dict[str, Any]) -> list[str]:
        published = []
        for entry in document.get(OUTBOX_FIELD, []):
            event = {key: value for key, value in entry.items() if key != TRACEPARENT}
            with continued_trace(entry.get(TRACEPARENT)):
                await self.publish(event)
            published.append(event["event_id"])
        return published

    async def _remove(self, published: dict[Any, list[str]]) -> None:
        """Take the published events out, keeping any that a concurrent write added: a
        document's flag is cleared only while its outbox is empty, each step atomic. One
        ordered bulk write for the round: the pull of a document precedes its flag check."""
        writes = []
        for document_id, event_ids in published.items():
            writes.append(
                UpdateOne(
                    {"_id": document_id},
                    {"$pull": {OUTBOX_FIELD: {"event_id": {"$in": event_ids}}}},
                )
            )
            writes.append(
                UpdateOne(
                    {"_id": document_id, OUTBOX_FIELD: {"$size": 0}},
                    {"$set": {PENDING_FLAG: False}},
                )
            )
        await self.collection.bulk_write(writes, ordered=True)

    async def _run(self) -> None:
        backoff = SCAN_SECONDS
        while True:
            try:
                self._wake.clear()
                sent = await self.relay_pending()
                if sent:
                    logger.info("outbox relayed", extra={"events": sent})
                backoff = SCAN_SECONDS
            except (PyMongoError, ConnectionError) as error:
                # Broker or database away: keep the events and try again, more slowly. The
                # cause's type (never its text, which may quote an event) tells a broker's
                # refusal of an event (DeliveryError, a nack) from a confirm that never came
                # (TimeoutError).
                cause = error.__cause__
                logger.warning(
                    "outbox relay paused",
                    extra={
                        "error": type(error).__name__,
                        "cause": type(cause).__name__ if cause is not None else None,
                        "retry": backoff,
                    },
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            except Exception:
                # This loop is the only way events leave: it must outlive any failure.
                # The traceback is logged as an error; the events stay pending.
                logger.exception("outbox relay failed", extra={"retry": backoff})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), SCAN_SECONDS)


class OutboxBacklog(BaseModel):
    """Events written but not yet confirmed by the broker, in one outbox collection."""

    pending_documents: int
    oldest_age_seconds: float


async def outbox_backlog(collection: AsyncIOMotorCollection[Any]) -> OutboxBacklog:
    """How far the outbox relay is behind: pending documents and the age of the oldest event.

    Pending documents are few while the relay keeps up (it drains them within a second),
    so reading their outboxes is cheap; a large backlog is exactly what this reports.
    """
    cursor = collection.find({PENDING_FLAG: True}, {OUTBOX_FIELD: 1})
    documents = [document async for document in cursor]
    times = [
        datetime.fromisoformat(event["occurred_at"])
        for document in documents
        for event in document.get(OUTBOX_FIELD, [])
    ]
    oldest = (datetime.now(UTC) - min(times)).total_seconds() if times else 0.0
    return OutboxBacklog(pending_documents=len(documents), oldest_age_seconds=max(oldest, 0.0))
