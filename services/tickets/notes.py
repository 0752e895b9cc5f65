"""Internal notes: agents write them on a ticket and read them in the console."""

import uuid
from collections.abc import Callable

from services.tickets import domain
from services.tickets.note_store import NoteStore
from services.tickets.reading import visible_ticket
from services.tickets.store import TicketStore
from shared.clock import Clock
from shared.errors import Conflict
from shared.events import NoteAdded, NoteAddedPayload
from shared.logging import correlation_id
from shared.notes import NOTES_PER_TICKET_MAX, AddNote, InternalNote, NotesQuery, TicketNotes


class InternalNotes:
    def __init__(
        self,
        tickets: TicketStore,
        notes: NoteStore,
        events_written: Callable[[], None],
        clock: Clock,
    ) -> None:
        self.tickets = tickets
        self.notes = notes
        self.events_written = events_written
        self.clock = clock

    async def add(self, command: AddNote) -> InternalNote:
        # Checked here too, not only at the gateway: whoever asks on the bus, a user's
        # request never reaches a note.
        domain.ensure_agent(command.caller)
        ticket = await visible_ticket(self.tickets, command.number, command.caller)
        if await self.notes.count(ticket.number) >= NOTES_PER_TICKET_MAX:
            raise Conflict(
                f"a ticket holds at most {NOTES_PER_TICKET_MAX} notes", "ticket_notes_full"
            )
        note = InternalNote(
            id=uuid.uuid4().hex,
            ticket_number=ticket.number,
            author=command.caller.as_author(),
            body=command.body,
            created_at=self.clock(),
        )
        event = NoteAdded(
            correlation_id=correlation_id.get(),
            payload=NoteAddedPayload(
                ticket_number=note.ticket_number, note_id=note.id, author=note.author
            ),
        )
        await self.notes.insert(note, event)
        self.events_written()
        return note

    async def of_ticket(self, query: NotesQuery) -> TicketNotes:
        domain.ensure_agent(query.caller)
        ticket = await visible_ticket(self.tickets, query.number, query.caller)
        return TicketNotes(items=await self.notes.of_ticket(ticket.number, NOTES_PER_TICKET_MAX))
