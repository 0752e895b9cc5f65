"""Every MongoDB call for internal notes (motor).

Notes live in a collection of their own, `ticket_notes`, not in the ticket's document:
every user read path (a ticket's preview, the history and its search terms, the events
that become pop-ups and e-mail copies) reads or publishes the ticket document, so a note
kept there would be one forgotten projection away from a user. Here no user path reads
this collection at all, and the ticket's size bounds and outbox stay the thread's alone.
"""

from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, IndexModel

from shared.database import declare_indexes
from shared.events import NoteAdded
from shared.notes import InternalNote
from shared.outbox import OUTBOX_FIELD, OUTBOX_INDEX, PENDING_FLAG, with_events

# A ticket's notes in the order they were written.
TICKET_ORDER = [("ticket_number", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)]
INDEXES = [IndexModel(TICKET_ORDER), OUTBOX_INDEX]
# What a reader of notes gets: the note, not the event that announced it.
NOTE_PROJECTION = {OUTBOX_FIELD: 0, PENDING_FLAG: 0}


class NoteStore:
    def __init__(self, database: AsyncIOMotorDatabase[Any]) -> None:
        self.notes: AsyncIOMotorCollection[Any] = database["ticket_notes"]

    async def ensure_indexes(self) -> None:
        await declare_indexes(self.notes, INDEXES)

    async def insert(self, note: InternalNote, event: NoteAdded) -> None:
        """Save a new note with the event that tells the other agents' consoles."""
        fields = note.model_dump(exclude={"id"})
        await self.notes.insert_one(with_events({"_id": note.id, **fields}, event))

    async def count(self, ticket_number: str) -> int:
        counted: int = await self.notes.count_documents({"ticket_number": ticket_number})
        return counted

    async def of_ticket(self, ticket_number: str, limit: int) -> list[InternalNote]:
        query = {"ticket_number": ticket_number}
        cursor = self.notes.find(query, NOTE_PROJECTION).sort(TICKET_ORDER).limit(limit)
        return [InternalNote.model_validate({**doc, "id": doc["_id"]}) async for doc in cursor]
