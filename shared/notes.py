"""The contract between the gateway and the tickets service for internal notes.

A note is support's own word on a ticket, for agents only: written and read on agents'
routes, never part of a ticket's thread, an event, a pop-up or an e-mail copy
(services/tickets/note_store.py says where it is kept and why).
"""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from shared.people import Author, Caller
from shared.text import MultiLine

NOTE_MAX = 5000
# Notes on one ticket: a thread of notes longer than this belongs in the ticket itself,
# and the bound keeps the ticket view's one read of them small.
NOTES_PER_TICKET_MAX = 200

NoteBody = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX), MultiLine
]


class NoteText(BaseModel):
    """What an agent writes in the console's note box."""

    body: NoteBody


class AddNote(NoteText):
    caller: Caller
    number: str


class NotesQuery(BaseModel):
    caller: Caller
    number: str


class InternalNote(BaseModel):
    id: str
    ticket_number: str
    author: Author
    body: str
    created_at: datetime


class TicketNotes(BaseModel):
    """A ticket's notes, oldest first, as a thread reads."""

    items: list[InternalNote]
