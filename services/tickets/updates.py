"""Changing a ticket: replies, and support's changes (status, subject, importance, assignee,
tags). Each is decided from the ticket as read and written with its events, unless the
ticket changed meanwhile: then it is read and decided again."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.tickets import domain, triage
from services.tickets.agent_directory import AgentsSeen
from services.tickets.models import StoredMessage, StoredTicket
from services.tickets.reading import agent_ticket_detail, visible_ticket
from services.tickets.store import TicketTooLarge, stored_size
from services.tickets.writing import TicketWriting
from shared.events import (
    Event,
    ReplyPosted,
    ReplyPostedPayload,
    TicketChanges,
    TicketTriaged,
    TicketTriagedPayload,
    TicketUpdated,
    TicketUpdatedPayload,
)
from shared.logging import correlation_id
from shared.people import Caller
from shared.tickets import AgentTicketDetail, Message, PostReply, UpdateTicket
from shared.triage import TriageChanges
from shared.versioned import retry_on_conflict
from shared.vocabulary import TicketStatus

# The ticket as decided from the one read, and the events announcing it; None: no change.
Decision = tuple[StoredTicket, list[Event[Any]]] | None


class Write(Protocol):
    """The store's write of one kind of change; None if the ticket changed meanwhile."""

    def __call__(
        self, ticket: StoredTicket, /, *events: Event[Any]
    ) -> Awaitable[StoredTicket | None]: ...


@dataclass
class TicketUpdates(TicketWriting):
    # Who a ticket can be assigned to.
    agents: AgentsSeen

    async def reply(self, command: PostReply) -> Message:
        caller = command.caller
        idem = f"{caller.person_key}:{command.idempotency_key or uuid.uuid4().hex}"
        legacy = (
            domain.legacy_person_key(caller, command.idempotency_key)
            if command.idempotency_key
            else None
        )
        message_id = uuid.uuid4().hex

        async def add_reply(ticket: StoredTicket) -> Decision:
            if _reply_with_key(ticket, caller, idem, legacy):
                return None
            status = domain.status_after_reply(ticket.status, caller, command.status)
            attachment = await self.attachments.checked(command.attachment, caller, ticket)
            now = self.clock()
            message = StoredMessage.written(
                caller, command.message, attachment, now, idem, message_id
            )
            domain.ensure_room_in_thread(
                len(ticket.messages),
                sum(map(stored_size, ticket.messages)),
                stored_size(message),
            )
            replied = ticket.model_copy(
                update={
                    **_resolution(ticket, status, now),
                    "status": status,
                    "updated_at": now,
                    "sla_due_at": self._next_due(
                        ticket, status, now, restart=caller.role == "agent"
                    ),
                    "messages": [*ticket.messages, message],
                    "last_support_reply_at": (
                        now if caller.role == "agent" else ticket.last_support_reply_at
                    ),
                }
            )
            return replied, [_reply_posted(ticket, message, status)]

        ticket = await self._change(command.number, caller, add_reply, self.store.append_reply)
        stored = _reply_with_key(ticket, caller, idem, legacy)
        assert stored is not None
        await self.attachments.claim(stored.attachment, ticket.number)
        if caller.role == "user":
            await self.store.mark_read(ticket.number, domain.reader_key(caller), self.clock())
        return stored.view()

    async def update(self, command: UpdateTicket) -> AgentTicketDetail:
        """What users see (status, subject, importance) and support's own view (assignee,
        tags) in one write: `ticket.updated` tells the user, `ticket.triaged` the agents."""
        await self.agents.seen(command.caller)
        wanted = await self._triage(command)

        async def apply(ticket: StoredTicket) -> Decision:
            changes = TicketChanges(
                status=command.status if command.status != ticket.status else None,
                subject=command.subject if command.subject != ticket.subject else None,
            )
            triaged = triage.decide(ticket, wanted)
            if changes.status is None and changes.subject is None and triaged is None:
                return None
            now = self.clock()
            updated = self._changed(ticket, changes, triaged[0] if triaged else {}, now)
            events: list[Event[Any]] = []
            if changes.status or changes.subject:
                events.append(_ticket_updated(updated, changes, command))
            if triaged:
                events.append(_ticket_triaged(updated, triaged[1], command))
            return updated, events

        ticket = await self._change(command.number, command.caller, apply, self.store.update)
        detail = agent_ticket_detail(ticket)
        detail.ratings = await self.store.ratings.ticket_ratings(ticket.number)
        return detail

    async def _triage(self, command: UpdateTicket) -> triage.Triage:
        """Support's request, its assignee looked up in the directory (before any write)."""
        agent_id = command.assign.agent_id if command.assign else None
        return triage.Triage(
            importance=command.importance,
            assign=command.assign is not None,
            assignee=await self.agents.assignee(agent_id) if agent_id else None,
            add_tags=command.add_tags,
            remove_tags=command.remove_tags,
        )

    def _changed(
        self,
        ticket: StoredTicket,
        changes: TicketChanges,
        triaged: dict[str, Any],
        now: datetime,
    ) -> StoredTicket:
        """The ticket after the change. Its update time is what users see change: status,
        subject, importance; support's assignee and tags alone leave it."""
        status: TicketStatus = changes.status or ticket.status
        importance = triaged.get("importance", ticket.importance)
        due = self._next_due(ticket, status, now, restart=False)
        if importance != ticket.importance:
            due = domain.sla_due_after_importance(status, importance, due, now, self.sla)
        seen_by_user = changes.status or changes.subject or "importance" in triaged
        return ticket.model_copy(
            update={
                **_resolution(ticket, status, now),
                **triaged,
                "status": status,
                "subject": changes.subject or ticket.subject,
                "updated_at": now if seen_by_user else ticket.updated_at,
                "sla_due_at": due,
            }
        )

    async def _change(
        self,
        number: str,
        caller: Caller,
        decide: Callable[[StoredTicket], Awaitable[Decision]],
        write: Write,
    ) -> StoredTicket:
        """Read a ticket, decide its change and write it with its event, unless someone
        else changed the ticket meanwhile: then read and decide again."""

        async def attempt() -> StoredTicket | None:
            ticket = await visible_ticket(self.store, number, caller)
            decision = await decide(ticket)
            if decision is None:
                return ticket
            changed, events = decision
            try:
                written = await write(changed, *events)
            except TicketTooLarge:
                # Past the thread's bounds something else made the document this large:
                # still the client's request the ticket cannot take, not our failure.
                raise domain.thread_full() from None
            if written is not None:
                self.events_written()
            return written

        return await retry_on_conflict(
            attempt, "the ticket is being changed by others right now; please retry"
        )

    def _next_due(
        self, ticket: StoredTicket, status: TicketStatus, now: datetime, restart: bool
    ) -> datetime | None:
        return domain.next_sla_due(
            status, ticket.importance, ticket.sla_due_at, now, self.sla, restart
        )


def _ticket_updated(
    updated: StoredTicket, changes: TicketChanges, command: UpdateTicket
) -> TicketUpdated:
    return TicketUpdated(
        correlation_id=correlation_id.get(),
        payload=TicketUpdatedPayload(
            number=updated.number,
            account_id=updated.account_id,
            ticket_owner_id=updated.author.id,
            subject=updated.subject,
            status=updated.status,
            changes=changes,
            changed_by=command.caller.as_author(),
        ),
    )


def _ticket_triaged(
    updated: StoredTicket, changes: TriageChanges, command: UpdateTicket
) -> TicketTriaged:
    return TicketTriaged(
        correlation_id=correlation_id.get(),
        payload=TicketTriagedPayload(
            number=updated.number,
            account_id=updated.account_id,
            assignee=updated.assignee,
            importance=updated.importance,
            tags=updated.tags,
            changes=changes,
            changed_by=command.caller.as_author(),
        ),
    )


def _resolution(ticket: StoredTicket, status: TicketStatus, now: datetime) -> dict[str, Any]:
    """The ticket's resolution fields (closing included) once it is in `status`."""
    resolutions, resolved_at = domain.resolution_after(
        ticket.status, status, ticket.resolutions, ticket.resolved_at, now
    )
    closed_at = domain.closed_after(status, ticket.closed_at, now)
    return {"resolutions": resolutions, "resolved_at": resolved_at, "closed_at": closed_at}


def _reply_posted(ticket: StoredTicket, reply: StoredMessage, status: TicketStatus) -> ReplyPosted:
    """The event of a reply to `ticket` as read, which leaves it in `status`."""
    return ReplyPosted(
        correlation_id=correlation_id.get(),
        payload=ReplyPostedPayload(
            ticket_number=ticket.number,
            account_id=ticket.account_id,
            ticket_owner_id=ticket.author.id,
            ticket_subject=ticket.subject,
            message_id=reply.id,
            author=reply.author,
            body=reply.body,
            attachment=reply.attachment,
            status=status,
            previous_status=ticket.status,
        ),
    )


def _reply_with_key(
    ticket: StoredTicket, caller: Caller, idem: str, legacy: str | None
) -> StoredMessage | None:
    """The caller's message posted with this key, under its key of either shape (a legacy
    one only if the caller wrote it: the user id alone names no account)."""
    for message in ticket.messages:
        if message.idem == idem:
            return message
        if (
            legacy is not None
            and message.idem == legacy
            and (message.author.role, message.author.id) == (caller.role, caller.id)
        ):
            return message
    return None
