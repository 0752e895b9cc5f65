"""Every MongoDB call of the tickets service (motor), and the indexes its screens need.

One document per ticket, its messages embedded: a reply, the ticket's new status and the
event announcing it are one single-document update (no multi-document transactions).
"""

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any

import bson
from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DocumentTooLarge, DuplicateKeyError, WriteError

from services.tickets.agent_store import AgentStore
from services.tickets.canned_store import CannedReplyStore
from services.tickets.knowledge.store import KnowledgeStore
from services.tickets.models import (
    KeyReservation,
    QueueFilters,
    StoredMessage,
    StoredTicket,
    TicketSummary,
)
from services.tickets.note_store import NoteStore
from services.tickets.rating_store import RatingStore
from services.tickets.report_store import REPORT_INDEXES, ReportStore
from services.tickets.search import SEARCH_VERSION, ticket_terms
from shared.attachments import AttachmentStore
from shared.counters import Counter
from shared.database import database_answers, declare_indexes, find_page
from shared.events import Event
from shared.outbox import OUTBOX_INDEX, pushing_events, with_events
from shared.pages import Total
from shared.triage import TAG_SUGGESTIONS_MAX
from shared.versioned import update_versioned
from shared.vocabulary import TicketStatus

TICKET_COUNTER = "ticket"
SEARCH_TERMS = "search_terms"
# Which analysis made a ticket's terms (services/tickets/search.py).
SEARCH_VERSION_FIELD = "search_version"
# Heavy fields a list screen never shows.
LIST_PROJECTION = {"messages": 0, "outbox": 0, SEARCH_TERMS: 0}
# Tickets given their terms per round of the backfill.
BACKFILL_BATCH = 200
# Newest update first; the number breaks ties, so pages never overlap.
HISTORY_ORDER = [("updated_at", DESCENDING), ("_id", DESCENDING)]
# Most urgent first.
QUEUE_ORDER = [("sla_due_at", ASCENDING), ("_id", ASCENDING)]
ACCOUNT = ("account_id", ASCENDING)
ASSIGNEE_ID = "assignee.id"
TAGS = "tags"
# Written with every change of status: whether a resolution began, stands or ended.
RESOLUTION_FIELDS = ("resolutions", "resolved_at", "closed_at")
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
# queue's views by assignee ("mine", "unassigned": a null id) and its tag filter have
# their own, and its search looks one term up like the history's, most urgent first; the
# queue's other filters (importance, account, creation days) narrow those rows. The history's
# search looks one term up in the account's tickets (a multikey index: one entry per
# term), newest first; its other words and filters narrow those rows. The backfill finds
# the tickets whose terms are missing or of an older analysis by their version.
INDEXES: list[list[tuple[str, int]]] = [
    [ACCOUNT, *HISTORY_ORDER],
    [ACCOUNT, ("status", ASCENDING), *HISTORY_ORDER],
    [ACCOUNT, ("subject", ASCENDING), *HISTORY_ORDER],
    [ACCOUNT, ("status", ASCENDING), ("subject", ASCENDING), *HISTORY_ORDER],
    [ACCOUNT, (SEARCH_TERMS, ASCENDING), *HISTORY_ORDER],
    [("status", ASCENDING), *QUEUE_ORDER],
    [(ASSIGNEE_ID, ASCENDING), ("status", ASCENDING), *QUEUE_ORDER],
    [(TAGS, ASCENDING), ("status", ASCENDING), *QUEUE_ORDER],
    [(SEARCH_TERMS, ASCENDING), *QUEUE_ORDER],
    [(SEARCH_VERSION_FIELD, ASCENDING)],
]


class TicketStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.database = database
        self.tickets: AsyncIOMotorCollection[Any] = database["tickets"]
        self.creation_keys: AsyncIOMotorCollection[Any] = database["ticket_creation_keys"]
        self.reads: AsyncIOMotorCollection[Any] = database["ticket_reads"]
        self.attachments = AttachmentStore(database)
        self.ratings = RatingStore(database)
        self.reports = ReportStore(database)
        self.notes = NoteStore(database)
        self.canned_replies = CannedReplyStore(database)
        self.knowledge = KnowledgeStore(database)
        self.agents = AgentStore(database)
        self.numbers = Counter(database["counters"], TICKET_COUNTER)

    async def ensure_indexes(self) -> None:
        """Indexes, and the ticket counter: created once, before anyone asks for a number."""
        await declare_indexes(
            self.tickets, [*map(IndexModel, INDEXES), *REPORT_INDEXES, OUTBOX_INDEX]
        )
        await self.attachments.ensure_indexes()
        await self.ratings.ensure_indexes()
        await self.notes.ensure_indexes()
        await self.knowledge.ensure_indexes()
        await self.agents.ensure_indexes()
        await self.numbers.create()

    async def answers(self) -> bool:
        return await database_answers(self.database)

    async def insert(self, ticket: StoredTicket, event: Event[Any]) -> None:
        """Save a new ticket with the event that announces it."""
        await self.tickets.insert_one(with_events(ticket_document(ticket), event))

    async def insert_seeded(self, tickets: list[StoredTicket]) -> None:
        """Bulk insert of whole tickets without events (seeding: nobody is told)."""
        await self.tickets.insert_many([with_events(ticket_document(t)) for t in tickets])

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

    async def take_over_key(self, stale: KeyReservation, at: datetime) -> bool:
        """Claim a dead request's reservation; exactly one retry wins (atomic update)."""
        result = await self.creation_keys.update_one(
            {"_id": stale.key, "reserved_at": stale.reserved_at, "number": None},
            {"$set": {"reserved_at": at}},
        )
        return result.matched_count == 1

    async def ticket_with_key(self, key: str) -> StoredTicket | None:
        """A scan, used only to recover a reservation whose request died after saving."""
        document = await self.tickets.find_one({"creation_key": key})
        return StoredTicket.model_validate(document) if document else None

    async def key_reservation(self, key: str) -> KeyReservation | None:
        document = await self.creation_keys.find_one({"_id": key})
        return KeyReservation.model_validate({**document, "key": key}) if document else None

    async def get(self, number: str) -> StoredTicket | None:
        document = await self.tickets.find_one({"_id": number}, {SEARCH_TERMS: 0})
        return StoredTicket.model_validate(document) if document else None

    async def append_reply(self, replied: StoredTicket, *events: Event[Any]) -> StoredTicket | None:
        """Write a reply: `replied` is the ticket as decided from the one read (its version),
        the reply its last message. The ticket as written; None if it changed meanwhile
        (decide again)."""
        update = {
            "$push": {"messages": replied.messages[-1].model_dump()},
            "$set": {
                **_fields(
                    replied,
                    "status",
                    "updated_at",
                    "sla_due_at",
                    "last_support_reply_at",
                    *RESOLUTION_FIELDS,
                ),
                **search_fields(replied),
            },
        }
        return await self._write_versioned(replied, update, *events)

    async def update(self, updated: StoredTicket, *events: Event[Any]) -> StoredTicket | None:
        """Write support's change of a ticket (status, subject, importance, assignee, tags)
        decided from the ticket read (its version). The ticket as written; None if it
        changed meanwhile (decide again)."""
        fields = _fields(
            updated,
            "status",
            "subject",
            "importance",
            "assignee",
            TAGS,
            "updated_at",
            "sla_due_at",
            *RESOLUTION_FIELDS,
        )
        # A new subject is searched for, the old one no longer (unless the thread has it).
        update = {"$set": {**fields, **search_fields(updated)}}
        return await self._write_versioned(updated, update, *events)

    async def _write_versioned(
        self, ticket: StoredTicket, update: dict[str, Any], *events: Event[Any]
    ) -> StoredTicket | None:
        with _too_large_refused():
            written = await update_versioned(
                self.tickets, ticket.number, ticket.version, pushing_events(update, *events)
            )
        return ticket.model_copy(update={"version": ticket.version + 1}) if written else None

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
        words: list[list[str]],
        skip: int,
        limit: int,
    ) -> tuple[list[TicketSummary], Total]:
        """One page of an account's tickets, newest update first, and how many match;
        `updated` is a range [from, to); `words` the search's terms (services/tickets/search.py),
        for each word the ones any of which a ticket must have."""
        query = history_query(account_id, status, subject, updated, words)
        return await self._page(query, HISTORY_ORDER, skip, limit)

    async def page_queue(
        self, filters: QueueFilters, skip: int, limit: int
    ) -> tuple[list[TicketSummary], Total]:
        """One page of the agents' queue, most urgent first, and how many match."""
        return await self._page(queue_query(filters), QUEUE_ORDER, skip, limit)

    async def _page(
        self, query: dict[str, Any], order: list[tuple[str, int]], skip: int, limit: int
    ) -> tuple[list[TicketSummary], Total]:
        rows, total = await find_page(self.tickets, query, order, skip, limit, LIST_PROJECTION)
        return [TicketSummary.model_validate(row) for row in rows], total

    async def subjects(self, account_id: str) -> list[str]:
        values: list[str] = await self.tickets.distinct("subject", {"account_id": account_id})
        return sorted(values, key=str.casefold)

    async def tags(self, prefix: str) -> list[str]:
        """Tags given to tickets, those starting with `prefix` (alphabetical, a few)."""
        # An anchored regex is a range of the tags index; "^" alone: every tagged ticket.
        query = {TAGS: {"$regex": f"^{_literal(prefix)}"}}
        values: list[str] = await self.tickets.distinct(TAGS, query)
        # A ticket found by one tag brings its others along: keep only those that match.
        return sorted(tag for tag in values if tag.startswith(prefix))[:TAG_SUGGESTIONS_MAX]

    async def backfill_search_terms(self) -> int:
        """Give the tickets stored without terms (before search, or by an older analysis)
        theirs; how many were given. Idempotent: a ticket once given them is not found again.

        A ticket changed between the read and the write is left alone: its writer stored its
        terms with the change (or, an instance of an older release, leaves it to the next round).
        """
        done = 0
        while True:
            batch = [
                StoredTicket.model_validate(document)
                async for document in self.tickets.find(
                    outdated_search_query(), {"outbox": 0, SEARCH_TERMS: 0}
                ).limit(BACKFILL_BATCH)
            ]
            given = 0
            for ticket in batch:
                result = await self.tickets.update_one(
                    {"_id": ticket.number, "version": ticket.version},
                    {"$set": search_fields(ticket)},
                )
                given += result.modified_count
            done += given
            if len(batch) < BACKFILL_BATCH or not given:
                return done

    async def ticket_referencing(self, attachment_id: str) -> TicketSummary | None:
        """The ticket one of whose messages carries the attachment (a scan: used only when
        an upload's claim is missing, e.g. after a crash between saving and claiming)."""
        document = await self.tickets.find_one(
            {"messages.attachment.id": attachment_id}, LIST_PROJECTION
        )
        return TicketSummary.model_validate(document) if document else None

    async def purge_orphan_attachments(self, uploaded_before: datetime) -> int:
        """Remove uploads that no ticket or reply claimed (an abandoned form, a failed send)."""
        removed = 0
        for attachment_id in await self.attachments.unclaimed(uploaded_before):
            if ticket := await self.ticket_referencing(attachment_id):
                # Saved but not claimed (a crash in between): claim it now, never delete it.
                await self.attachments.claim(attachment_id, ticket.number)
                continue
            await self.attachments.delete(attachment_id)
            removed += 1
        return removed


def ticket_document(ticket: StoredTicket) -> dict[str, Any]:
    """The ticket as stored: keyed by its number, with the terms it is searched by."""
    return {"_id": ticket.number, **ticket.model_dump(), **search_fields(ticket)}


def search_fields(ticket: StoredTicket) -> dict[str, Any]:
    """The ticket's search terms as stored, for a `$set` with any change of its text."""
    terms = ticket_terms(ticket.number, ticket.subject, [m.body for m in ticket.messages])
    return {SEARCH_TERMS: terms, SEARCH_VERSION_FIELD: SEARCH_VERSION}


def outdated_search_query() -> dict[str, Any]:
    """Tickets whose terms are missing or made by another analysis than this release's."""
    return {SEARCH_VERSION_FIELD: {"$ne": SEARCH_VERSION}}


def stored_size(message: StoredMessage) -> int:
    """A message's bytes in the ticket document (BSON)."""
    return len(bson.encode(message.model_dump()))


def _fields(ticket: StoredTicket, *names: str) -> dict[str, Any]:
    """These fields of the ticket as stored, for a `$set`."""
    return ticket.model_dump(include=set(names))


def history_query(
    account_id: str,
    status: TicketStatus | None,
    subject: str | None,
    updated: tuple[datetime, datetime] | None,
    words: list[list[str]] | None = None,
) -> dict[str, Any]:
    query: dict[str, Any] = {"account_id": account_id}
    if status:
        query["status"] = status
    if subject:
        query["subject"] = subject
    if updated:
        query["updated_at"] = {"$gte": updated[0], "$lt": updated[1]}
    if words:
        # Every word, each by any of its terms.
        query["$and"] = [{SEARCH_TERMS: {"$in": terms}} for terms in words]
    return query


def queue_query(filters: QueueFilters) -> dict[str, Any]:
    query: dict[str, Any] = {"status": {"$in": sorted(filters.statuses)}}
    if filters.importance:
        query["importance"] = filters.importance
    if filters.account_id:
        query["account_id"] = filters.account_id
    if filters.unassigned:
        # Null also matches tickets stored before assignment, which have no assignee field.
        query[ASSIGNEE_ID] = None
    elif filters.assignee_id:
        query[ASSIGNEE_ID] = filters.assignee_id
    if filters.tag:
        query[TAGS] = filters.tag
    if filters.created:
        query["created_at"] = {"$gte": filters.created[0], "$lt": filters.created[1]}
    if filters.words:
        query["$and"] = [{SEARCH_TERMS: {"$in": list(terms)}} for terms in filters.words]
    return query


def _literal(text: str) -> str:
    """Escape regex metacharacters: a tag's prefix is text, not a pattern."""
    return "".join(f"\\{char}" if char in r".^$*+?{}[]\|()" else char for char in text)
