"""Creating a ticket, once per Idempotency-Key however often the client retries."""

import asyncio
import uuid
from datetime import datetime, timedelta

from services.tickets import domain
from services.tickets.models import StoredMessage, StoredTicket
from services.tickets.reading import ticket_detail
from services.tickets.writing import TicketWriting
from shared.errors import Unavailable
from shared.events import AttachmentRef, TicketCreated, TicketCreatedPayload
from shared.logging import correlation_id
from shared.people import Caller
from shared.tickets import CreateTicket, TicketDetail
from shared.versioned import FIRST_VERSION

# A retry that finds its key reserved waits this long for the first request to finish.
KEY_WAIT_ATTEMPTS = 30
KEY_WAIT_SECONDS = 0.1
# A reservation without a ticket after this long belongs to a request that died.
STALE_RESERVATION = timedelta(seconds=10)


def new_ticket(
    command: CreateTicket,
    number: str,
    now: datetime,
    sla: domain.SlaPolicy,
    attachment: AttachmentRef | None = None,
    creation_key: str | None = None,
) -> tuple[StoredTicket, TicketCreated]:
    """The ticket and its event as `create` writes them; bulk seeding builds its tickets
    with it too, so they are exactly what the service would store."""
    caller = command.caller
    sla_due_at = sla.due_at(command.importance, now)
    first = StoredMessage.written(
        caller, command.message, attachment, now, idem=creation_key or uuid.uuid4().hex
    )
    ticket = StoredTicket(
        number=number,
        account_id=caller.account_id,
        author=caller.as_author(),
        subject=command.subject,
        importance=command.importance,
        status="new",
        created_at=now,
        updated_at=now,
        sla_due_at=sla_due_at,
        first_response_due_at=sla_due_at,
        messages=[first],
        last_support_reply_at=None,
        creation_key=creation_key,
        version=FIRST_VERSION,
        lang=command.lang,
    )
    event = TicketCreated(
        correlation_id=correlation_id.get(),
        payload=TicketCreatedPayload(
            number=number,
            account_id=caller.account_id,
            author=caller.as_author(),
            subject=command.subject,
            importance=command.importance,
            status="new",
            sla_due_at=sla_due_at,
            attachment=attachment,
        ),
    )
    return ticket, event


class TicketCreation(TicketWriting):
    async def create(self, command: CreateTicket) -> TicketDetail:
        caller = command.caller
        key = f"{caller.person_key}:{command.idempotency_key}" if command.idempotency_key else None
        if command.idempotency_key and (
            earlier := await self._ticket_for_legacy_key(caller, command.idempotency_key)
        ):
            return earlier
        # The key is reserved by _id before anything else: a lookup by _id is served by
        # the primary key on every MongoDB-wire server, and exactly one request wins it.
        if key and not await self.store.reserve_key(key, self.clock()):
            existing = await self._ticket_for_key(key)
            if existing is not None:
                return existing
        attachment = await self.attachments.checked(command.attachment, caller)
        number = domain.ticket_number(await self.store.numbers.next())
        ticket, event = new_ticket(command, number, self.clock(), self.sla, attachment, key)
        await self.store.insert(ticket, event)
        if key:
            await self.store.complete_key(key, number, self.clock())
        await self.attachments.claim(attachment, number)
        # No read mark for the author: without one a ticket is unread only once support
        # replies, exactly as with a mark at its creation, and it saves a write.
        self.events_written()
        return ticket_detail(ticket, None)

    async def _ticket_for_legacy_key(
        self, caller: Caller, idempotency_key: str
    ) -> TicketDetail | None:
        """The ticket a request before the upgrade created with this key, if the caller's.

        Looked up before the new key is reserved: a reservation left without a ticket
        would later be taken over and create a second one.
        """
        legacy = domain.legacy_person_key(caller, idempotency_key)
        reservation = await self.store.key_reservation(legacy)
        if reservation is None or not reservation.number:
            return None
        ticket = await self.store.get(reservation.number)
        if ticket is None or not domain.owns_legacy_keys(ticket.account_id, caller):
            return None
        return ticket_detail(ticket, None)

    async def _ticket_for_key(self, key: str) -> TicketDetail | None:
        """The ticket another request with the same key created (or is creating now).

        None when that request died half-way (its process killed, or its handler cancelled
        by a broker outage) and this one took its reservation over: it creates the ticket.
        """
        for _attempt in range(KEY_WAIT_ATTEMPTS):
            reservation = await self.store.key_reservation(key)
            if reservation is None:
                break
            if reservation.number:
                ticket = await self.store.get(reservation.number)
                if ticket is not None:
                    return ticket_detail(ticket, None)
            elif self.clock() - reservation.reserved_at > STALE_RESERVATION:
                if ticket := await self.store.ticket_with_key(key):
                    await self.store.complete_key(key, ticket.number, self.clock())
                    return ticket_detail(ticket, None)
                if await self.store.take_over_key(reservation, self.clock()):
                    return None
            await asyncio.sleep(KEY_WAIT_SECONDS)
        # Within the gateway's deadline: the client hears 503 and retries with the same key.
        raise Unavailable("a request with this Idempotency-Key is still in progress; retry")
