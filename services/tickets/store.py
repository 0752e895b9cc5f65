"""Every MongoDB call of the tickets service (motor), and the indexes its screens need.

One document per ticket, its messages embedded: a reply, the ticket's new status and the
event announcing it are one single-document update (no multi-document transactions).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DocumentTooLarge, DuplicateKeyError, WriteError

from shared.attachments import AttachmentStore
from shared.database import create_counter, database_answers, declare_indexes, find_page
from shared.events import Event
from shared.outbox import OUTBOX_INDEX, pushing_events, with_events
from shared.versioned import update_versioned
from shared.vocabulary import TicketStatus

TICKET_COUNTER = "ticket"
# Heavy fields a list screen never shows.
LIST_PROJECTION = {"messages": 0, "outbox": 0}
# Newest update first; the number breaks ties, so pages never overlap.
HISTORY_ORDER = [("updated_at", DESCENDING), ("_id", DESCENDING)]
# Most urgent first.
QUEUE_ORDER = [("sla_due_at", ASCENDING), ("_id", ASCENDING)]
ACCOUNT = ("account_id", ASCENDING)
# The server's refusals of a document over its limit (BSONObjectTooLarge and kin); pymongo
# itself raises DocumentTooLarge before sending one far over it.
TOO_LARGE_CODES = frozenset({10334, 17419, 17420})


class TicketTooLarge(Exception):
    """The changed ticket would be larger than a document may be."""


@contextmanager
def _too_large_refused() -> Iterator[None]:
    try:
        yield
    except DocumentTooLarge:
        raise TicketTooLarge() from None
    except WriteError as error:
        if error.code in TOO_LARGE_CODES:
            raise TicketTooLarge() from None
        raise


# Every screen's query is served by an index that also gives its order: the history by
# account with each combination of its equality filters (the date filter is a range on
# the sort key), and the agents' queue by status (one or several) then SLA due time. The
# queue's other filters (importance, account, text) narrow those rows.
INDEXES: list[list[tuple[str, int]]] = [
    [ACCOUNT, *HISTORY_ORDER],
    [ACCOUNT, ("status", ASCENDING), *HISTORY_ORDER],
    [ACCOUNT, ("subject", ASCENDING), *HISTORY_ORDER],
    [ACCOUNT, ("status", ASCENDING), ("subject", ASCENDING), *HISTORY_ORDER],
    [("status", ASCENDING), *QUEUE_ORDER],
]


class TicketStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.database = database
        self.tickets: AsyncIOMotorCollection[Any] = database["tickets"]
        self.counters: AsyncIOMotorCollection[Any] = database["counters"]
        self.creation_keys: AsyncIOMotorCollection[Any] = database["ticket_creation_keys"]
        self.reads: AsyncIOMotorCollection[Any] = database["ticket_reads"]
        self.attachments = AttachmentStore(database)

    async def ensure_indexes(self) -> None:
        """Indexes, and the ticket counter: created once, before anyone asks for a number."""
        await declare_indexes(self.tickets, [*map(IndexModel, INDEXES), OUTBOX_INDEX])
        await self.attachments.ensure_indexes()
        await create_counter(self.counters, TICKET_COUNTER)

    async def answers(self) -> bool:
        return await database_answers(self.database)

    async def next_sequence(self, count: int = 1) -> int:
        """The next ticket sequence number; with `count`, the last of that many in a row."""
        # Upsert only as a fallback (see create_counter).
        counter = await self.counters.find_one_and_update(
            {"_id": TICKET_COUNTER},
            {"$inc": {"value": count}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        value: int = counter["value"]
        return value

    async def insert(self, document: dict[str, Any], event: Event[Any]) -> None:
        """Save a new ticket with the event that announces it."""
        await self.tickets.insert_one(with_events(document, event))

    async def insert_many(self, documents: list[dict[str, Any]]) -> None:
        """Bulk insert of whole tickets without events (seeding)."""
        await self.tickets.insert_many(documents)

    async def reserve_key(self, key: str, at: datetime) -> bool:
        """Claim an Idempotency-Key; False if an earlier request claimed it."""
        try:
            await self.creation_keys.insert_one({"_id": key, "number": None, "reserved_at": at})
        except DuplicateKeyError:
            return False
        return True

    async def complete_key(self, key: str, number: str, at: datetime) -> None:
        await self.creation_keys.update_one(
            {"_id": key}, {"$set": {"number": number, "reserved_at": at}}
        )

    async def take_over_key(self, stale: dict[str, Any], at: datetime) -> bool:
        """Claim a dead request's reservation; exactly one retry wins (atomic update)."""
        result = await self.creation_keys.update_one(
            {"_id": stale["_id"], "reserved_at": stale["reserved_at"], "number": None},
            {"$set": {"reserved_at": at}},
        )
        return result.matched_count == 1

    async def ticket_with_key(self, key: str) -> dict[str, Any] | None:
        """A scan, used only to recover a reservation whose request died after saving."""
        document: dict[str, Any] | None = await self.tickets.find_one({"creation_key": key})
        return document

    async def key_reservation(self, key: str) -> dict[str, Any] | None:
        document: dict[str, Any] | None = await self.creation_keys.find_one({"_id": key})
        return document

    async def get(self, number: str) -> dict[str, Any] | None:
        document: dict[str, Any] | None = await self.tickets.find_one({"_id": number})
        return document

    async def append_reply(
        self,
        ticket: dict[str, Any],
        message: dict[str, Any],
        changes: dict[str, Any],
        event: Event[Any],
    ) -> bool:
        """Add a message and the ticket's new state, decided from `ticket` as read; False if
        the ticket changed meanwhile (decide again)."""
        update = {"$push": {"messages": message}, "$set": changes}
        with _too_large_refused():
            return await update_versioned(self.tickets, ticket, pushing_events(update, event))

    async def change(
        self, ticket: dict[str, Any], changes: dict[str, Any], event: Event[Any]
    ) -> bool:
        """Change the ticket's fields as decided from `ticket` as read; False if it changed
        meanwhile (decide again)."""
        update = pushing_events({"$set": changes}, event)
        with _too_large_refused():
            return await update_versioned(self.tickets, ticket, update)

    async def mark_read(self, number: str, reader: str, at: datetime) -> None:
        # Read marks live apart from the ticket: opening a ticket never contends with
        # a reply being written to it.
        mark_id = f"{number}:{reader}"
        await self.reads.update_one(
            {"_id": mark_id},
            {"$set": {"number": number, "reader": reader, "at": at}},
            upsert=True,
        )

    async def read_marks(
        self, numbers: list[str], reader: str, legacy_reader: str | None = None
    ) -> dict[str, datetime]:
        """When the reader last opened each ticket; a mark under `legacy_reader` (the key
        before it named the account) counts where the reader has none, and is copied to
        the reader's key on the way."""
        ids = [f"{number}:{reader}" for number in numbers]
        if legacy_reader is not None:
            ids += [f"{number}:{legacy_reader}" for number in numbers]
        marks = [mark async for mark in self.reads.find({"_id": {"$in": ids}})]
        found = {mark["number"]: mark["at"] for mark in marks if mark["reader"] == reader}
        for mark in marks:
            if mark["reader"] != reader and mark["number"] not in found:
                found[mark["number"]] = mark["at"]
                await self._copy_mark(mark["number"], reader, mark["at"])
        return found

    async def _copy_mark(self, number: str, reader: str, at: datetime) -> None:
        mark = {"_id": f"{number}:{reader}", "number": number, "reader": reader, "at": at}
        # A duplicate: the reader opened the ticket meanwhile, and that mark is newer.
        with suppress(DuplicateKeyError):
            await self.reads.insert_one(mark)

    async def page_history(
        self,
        account_id: str,
        status: TicketStatus | None,
        subject: str | None,
        updated: tuple[datetime, datetime] | None,
        skip: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of an account's tickets, newest update first, and how many match;
        `updated` is a range [from, to)."""
        return await find_page(
            self.tickets,
            history_query(account_id, status, subject, updated),
            HISTORY_ORDER,
            skip,
            limit,
            LIST_PROJECTION,
        )

    async def page_queue(
        self,
        statuses: Iterable[TicketStatus],
        importance: str | None,
        account_id: str | None,
        text: str | None,
        skip: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the agents' queue, most urgent first, and how many match."""
        return await find_page(
            self.tickets,
            queue_query(statuses, importance, account_id, text),
            QUEUE_ORDER,
            skip,
            limit,
            LIST_PROJECTION,
        )

    async def subjects(self, account_id: str) -> list[str]:
        values: list[str] = await self.tickets.distinct("subject", {"account_id": account_id})
        return sorted(values, key=str.casefold)

    async def ticket_referencing(self, attachment_id: str) -> dict[str, Any] | None:
        """The ticket one of whose messages carries the attachment (a scan: used only when
        an upload's claim is missing, e.g. after a crash between saving and claiming)."""
        document: dict[str, Any] | None = await self.tickets.find_one(
            {"messages.attachment.id": attachment_id}, {"_id": 1, "account_id": 1}
        )
        return document

    async def purge_orphan_attachments(self, uploaded_before: datetime) -> int:
        """Remove uploads that no ticket or reply claimed (an abandoned form, a failed send)."""
        removed = 0
        for attachment_id in await self.attachments.unclaimed(uploaded_before):
            if ticket := await self.ticket_referencing(attachment_id):
                # Saved but not claimed (a crash in between): claim it now, never delete it.
                await self.attachments.claim(attachment_id, ticket["_id"])
                continue
            await self.attachments.delete(attachment_id)
            removed += 1
        return removed


def history_query(
    account_id: str,
    status: TicketStatus | None,
    subject: str | None,
    updated: tuple[datetime, datetime] | None,
) -> dict[str, Any]:
    query: dict[str, Any] = {"account_id": account_id}
    if status:
        query["status"] = status
    if subject:
        query["subject"] = subject
    if updated:
        query["updated_at"] = {"$gte": updated[0], "$lt": updated[1]}
    return query


def queue_query(
    statuses: Iterable[TicketStatus],
    importance: str | None,
    account_id: str | None,
    text: str | None,
) -> dict[str, Any]:
    query: dict[str, Any] = {"status": {"$in": sorted(statuses)}}
    if importance:
        query["importance"] = importance
    if account_id:
        query["account_id"] = account_id
    if text:
        query["subject"] = {"$regex": _literal(text), "$options": "i"}
    return query


def _literal(text: str) -> str:
    """Escape regex metacharacters: agents search subjects for text, not patterns."""
    return "".join(f"\\{char}" if char in r".^$*+?{}[]\|()" else char for char in text)
