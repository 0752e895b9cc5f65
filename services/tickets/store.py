"""Every MongoDB call of the tickets service (motor), and the indexes its screens need.

One document per ticket, its messages embedded: a reply, the ticket's new status and the
event announcing it are one single-document write (no multi-document transactions),
versioned so concurrent changes never overwrite each other.
"""

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from shared.database import database_answers, declare_indexes, find_page
from shared.outbox import OUTBOX_INDEX
from shared.versioned import replace_versioned

ATTACHMENT_BUCKET = "attachments"
# Heavy fields a list screen never shows.
LIST_PROJECTION = {"messages": 0, "outbox": 0}
# `updated_at` again, as integer milliseconds since the epoch: the history's sort key and
# date filter. NX-27017 compares datetimes in Python over a full scan (a day of 100,000
# tickets: 960 ms), but ranges of integers in SQL on an index.
UPDATED_MS = "updated_ms"

# Every screen's query has an index: history by account with each filter combination,
# newest update first, and the agents' queue by SLA due time.
INDEXES: list[list[tuple[str, int]]] = [
    [("account_id", ASCENDING), (UPDATED_MS, DESCENDING)],
    [("account_id", ASCENDING), ("status", ASCENDING), (UPDATED_MS, DESCENDING)],
    [("account_id", ASCENDING), ("subject", ASCENDING), (UPDATED_MS, DESCENDING)],
    [
        ("account_id", ASCENDING),
        ("status", ASCENDING),
        ("subject", ASCENDING),
        (UPDATED_MS, DESCENDING),
    ],
    [("status", ASCENDING), ("sla_due_at", ASCENDING)],
    [("queue_state", ASCENDING), ("sla_due_at", ASCENDING)],
    # Single-field indexes of the equality fields: redundant on MongoDB (the compound
    # prefixes serve), but NX-27017 only keeps an equality on a field index-friendly when
    # an index is named after that field alone; without them every history query scans.
    [("account_id", ASCENDING)],
    [("status", ASCENDING)],
    [("subject", ASCENDING)],
    [("queue_state", ASCENDING)],
]


class TicketStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.database = database
        self.tickets: AsyncIOMotorCollection[Any] = database["tickets"]
        self.counters: AsyncIOMotorCollection[Any] = database["counters"]
        self.creation_keys: AsyncIOMotorCollection[Any] = database["ticket_creation_keys"]
        self.reads: AsyncIOMotorCollection[Any] = database["ticket_reads"]
        self.files: AsyncIOMotorCollection[Any] = database[f"{ATTACHMENT_BUCKET}.files"]
        self.chunks: AsyncIOMotorCollection[Any] = database[f"{ATTACHMENT_BUCKET}.chunks"]
        self.links: AsyncIOMotorCollection[Any] = database["attachment_links"]

    async def ensure_indexes(self) -> None:
        await declare_indexes(self.tickets, [*map(IndexModel, INDEXES), OUTBOX_INDEX])
        await self._backfill_updated_ms()

    async def _backfill_updated_ms(self) -> None:
        """Give tickets written before `updated_ms` existed their sort key."""
        missing = self.tickets.find({UPDATED_MS: {"$exists": False}}, {"updated_at": 1})
        async for ticket in missing:
            # Only if unchanged since read: a concurrent write brings its own key.
            await self.tickets.update_one(
                {"_id": ticket["_id"], "updated_at": ticket["updated_at"]},
                {"$set": {UPDATED_MS: epoch_ms(ticket["updated_at"])}},
            )

    async def answers(self) -> bool:
        return await database_answers(self.database)

    async def next_sequence(self, name: str, count: int = 1) -> int:
        """The next value of the counter; with `count`, the last of that many in a row."""
        counter = await self.counters.find_one_and_update(
            {"_id": name},
            {"$inc": {"value": count}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        value: int = counter["value"]
        return value

    async def insert(self, document: dict[str, Any]) -> None:
        await self.tickets.insert_one(_with_sort_key(document))

    async def insert_many(self, documents: list[dict[str, Any]]) -> None:
        """Bulk insert of whole tickets (seeding), each with its sort key."""
        await self.tickets.insert_many([_with_sort_key(document) for document in documents])

    async def reserve_key(self, key: str, at: datetime) -> bool:
        """Claim an Idempotency-Key; False if an earlier request claimed it."""
        try:
            await self.creation_keys.insert_one({"_id": key, "number": None, "reserved_at": at})
        except DuplicateKeyError:
            return False
        return True

    async def complete_key(self, key: str, number: str, at: datetime) -> None:
        await self.creation_keys.replace_one(
            {"_id": key}, {"_id": key, "number": number, "reserved_at": at}
        )

    async def take_over_key(self, stale: dict[str, Any], at: datetime) -> bool:
        """Claim a dead request's reservation; exactly one retry wins (atomic replace)."""
        result = await self.creation_keys.replace_one(
            {"_id": stale["_id"], "reserved_at": stale["reserved_at"], "number": None},
            {"_id": stale["_id"], "number": None, "reserved_at": at},
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

    async def replace(self, document: dict[str, Any]) -> bool:
        """Write the changed ticket unless someone changed it meanwhile."""
        return await replace_versioned(self.tickets, _with_sort_key(document))

    async def mark_read(self, number: str, reader: str, at: datetime) -> None:
        # Read marks live apart from the ticket: opening a ticket never contends with
        # a reply being written to it.
        mark_id = f"{number}:{reader}"
        await self.reads.replace_one(
            {"_id": mark_id},
            {"_id": mark_id, "number": number, "reader": reader, "at": at},
            upsert=True,
        )

    async def read_marks(self, numbers: list[str], reader: str) -> dict[str, datetime]:
        ids = [f"{number}:{reader}" for number in numbers]
        cursor = self.reads.find({"_id": {"$in": ids}})
        return {mark["number"]: mark["at"] async for mark in cursor}

    async def page(
        self,
        query: dict[str, Any],
        sort: list[tuple[str, int]],
        skip: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        return await find_page(
            self.tickets, _plain_equalities(query), sort, skip, limit, LIST_PROJECTION
        )

    async def subjects(self, account_id: str) -> list[str]:
        criteria = {"account_id": account_id}
        values: list[Any] = await self.tickets.distinct("subject", criteria)
        if not all(isinstance(value, str) for value in values):
            # NX-27017's distinct answers numeric-looking text ("0", "012") as numbers,
            # losing what was stored; the documents themselves still hold the text.
            cursor = self.tickets.find(criteria, {"subject": 1, "_id": 0})
            values = list({document["subject"] async for document in cursor})
        return sorted(values, key=str.casefold)

    async def explain(self, query: dict[str, Any], sort: list[tuple[str, int]]) -> dict[str, Any]:
        result: dict[str, Any] = await self.database.command(
            "explain", {"find": "tickets", "filter": query, "sort": dict(sort), "limit": 20}
        )
        return result

    async def ticket_referencing(self, attachment_id: str) -> dict[str, Any] | None:
        """The ticket one of whose messages carries the attachment (a scan: used only when
        an upload's link is missing, e.g. after a crash between saving and linking)."""
        document: dict[str, Any] | None = await self.tickets.find_one(
            {"messages.attachment.id": attachment_id}, {"_id": 1, "account_id": 1}
        )
        return document

    async def attachment_file(self, attachment_id: str) -> dict[str, Any] | None:
        try:
            file_id = ObjectId(attachment_id)
        except InvalidId:
            return None
        document: dict[str, Any] | None = await self.files.find_one({"_id": file_id})
        return document

    async def attachment_link(self, attachment_id: str) -> str | None:
        """The ticket an upload belongs to, if one claimed it."""
        link = await self.links.find_one({"_id": attachment_id})
        return link["number"] if link else None

    async def link_attachment(self, attachment_id: str, number: str) -> bool:
        """Claim an upload for a ticket; False if another ticket claimed it first.

        The claim is its own document keyed by the upload's id (insert-unique, so exactly
        one ticket wins) rather than a field of the GridFS file: NX-27017 accepts no
        updates of GridFS files documents.
        """
        try:
            await self.links.insert_one({"_id": attachment_id, "number": number})
        except DuplicateKeyError:
            return await self.attachment_link(attachment_id) == number
        return True

    async def purge_orphan_attachments(self, uploaded_before: datetime) -> int:
        """Remove uploads that no ticket or reply linked (an abandoned form, a failed send)."""
        cutoff_ms = int(uploaded_before.timestamp() * 1000)
        candidates = self.files.find({"metadata.uploaded_at_ms": {"$lt": cutoff_ms}}, {"_id": 1})
        removed = 0
        async for candidate in candidates:
            attachment_id = str(candidate["_id"])
            if await self.attachment_link(attachment_id):
                continue
            if ticket := await self.ticket_referencing(attachment_id):
                # Saved but not linked (a crash in between): link it now, never delete it.
                await self.link_attachment(attachment_id, ticket["_id"])
                continue
            await self.chunks.delete_many({"files_id": candidate["_id"]})
            await self.files.delete_one({"_id": candidate["_id"]})
            removed += 1
        return removed


def _plain_equalities(query: dict[str, Any]) -> dict[str, Any]:
    """The query with its equalities spelled `{"$eq": value}`.

    The same match on MongoDB (every field here is a scalar), but NX-27017 then compares
    the field plainly instead of OR-ing an array-containment test that no index serves:
    its `count` of 100,000 tickets scanned the table (150-330 ms) and now walks the index.
    """
    return {
        field: {"$eq": value} if isinstance(value, str) else value for field, value in query.items()
    }


def epoch_ms(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)


def _with_sort_key(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, UPDATED_MS: epoch_ms(document["updated_at"])}
