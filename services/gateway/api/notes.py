"""Internal notes on a ticket: agents only, never shown to the hotel's users."""

from typing import Any

from fastapi import APIRouter, status

from services.gateway.deps import CurrentAgent, Rpc
from services.gateway.openapi import refusal
from shared.notes import AddNote, InternalNote, NotesQuery, NoteText, TicketNotes
from shared.routes import ADD_NOTE, TICKET_NOTES

router = APIRouter(prefix="/api/v1/agent/tickets", tags=["agent"])

ERRORS: dict[int | str, dict[str, Any]] = {
    404: refusal("no such ticket (ticket_not_found)"),
    422: {"description": "an empty or too long note"},
}


@router.get("/{number}/notes", responses=ERRORS)
async def ticket_notes(agent: CurrentAgent, rpc: Rpc, number: str) -> TicketNotes:
    """The ticket's internal notes, oldest first."""
    return await rpc.call(TICKET_NOTES, NotesQuery(caller=agent, number=number))


@router.post(
    "/{number}/notes",
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 409: refusal("the ticket has all the notes it may (ticket_notes_full)")},
)
async def add_note(agent: CurrentAgent, rpc: Rpc, number: str, note: NoteText) -> InternalNote:
    """Write an internal note: for agents only; no pop-up, e-mail or event tells the user."""
    return await rpc.call(ADD_NOTE, AddNote(caller=agent, number=number, body=note.body))
