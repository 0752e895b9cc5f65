"""Canned replies: the agents' shared list of ready answers, and one filled for a ticket."""

import uuid

from services.tickets import domain
from services.tickets.canned_store import CannedReplyStore
from services.tickets.reading import visible_ticket
from services.tickets.store import TicketStore
from shared.canned_replies import (
    CANNED_REPLIES_MAX,
    CannedReplies,
    CannedRepliesQuery,
    CannedReply,
    CannedReplyRef,
    FillCannedReply,
    FilledReply,
    SaveCannedReply,
    fill_placeholders,
)
from shared.clock import Clock
from shared.errors import Conflict, NotFound


class CannedReplyList:
    def __init__(self, tickets: TicketStore, replies: CannedReplyStore, clock: Clock) -> None:
        self.tickets = tickets
        self.replies = replies
        self.clock = clock

    async def list(self, query: CannedRepliesQuery) -> CannedReplies:
        domain.ensure_agent(query.caller)
        replies = await self.replies.all(CANNED_REPLIES_MAX)
        return CannedReplies(items=sorted(replies, key=lambda reply: reply.title.casefold()))

    async def save(self, command: SaveCannedReply) -> CannedReply:
        domain.ensure_agent(command.caller)
        reply = CannedReply(
            **command.draft.model_dump(),
            id=command.id or uuid.uuid4().hex,
            updated_at=self.clock(),
            updated_by=command.caller.as_author(),
        )
        if command.id is None:
            if await self.replies.count() >= CANNED_REPLIES_MAX:
                raise Conflict(
                    f"the list holds at most {CANNED_REPLIES_MAX} canned replies",
                    "canned_replies_full",
                )
            await self.replies.insert(reply)
        elif not await self.replies.replace(reply):
            raise _not_found(command.id)
        return reply

    async def delete(self, command: CannedReplyRef) -> None:
        domain.ensure_agent(command.caller)
        if not await self.replies.delete(command.id):
            raise _not_found(command.id)

    async def fill(self, query: FillCannedReply) -> FilledReply:
        """The reply's text for the ticket: in its user's language, placeholders filled."""
        domain.ensure_agent(query.caller)
        ticket = await visible_ticket(self.tickets, query.ticket_number, query.caller)
        reply = await self.replies.get(query.id)
        if reply is None:
            raise _not_found(query.id)
        lang, text = reply.text.for_reader(ticket.lang)
        values = {
            "user_name": ticket.author.name,
            "ticket_number": ticket.number,
            "ticket_subject": ticket.subject,
            "agent_name": query.caller.name,
        }
        return FilledReply(
            id=reply.id, title=reply.title, lang=lang, text=fill_placeholders(text, values)
        )


def _not_found(reply_id: str) -> NotFound:
    return NotFound(f"canned reply {reply_id} not found", "canned_reply_not_found")
