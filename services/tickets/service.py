"""The tickets service's business functions: each validates, applies the rules, stores."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import bson

from services.tickets import domain
from services.tickets.store import TicketStore, TicketTooLarge
from shared.clock import Clock, stored_utcnow
from shared.errors import Conflict, InvalidRequest, NotFound, Unavailable
from shared.events import (
    AttachmentRef,
    Event,
    ReplyPosted,
    ReplyPostedPayload,
    TicketChanges,
    TicketCreated,
    TicketCreatedPayload,
    TicketUpdated,
    TicketUpdatedPayload,
)
from shared.logging import correlation_id
from shared.people import Caller
from shared.tickets import (
    AgentQueueQuery,
    AttachmentQuery,
    CreateTicket,
    GetTicket,
    HistoryPage,
    HistoryQuery,
    HistoryRow,
    Message,
    PostReply,
    QueuePage,
    QueueRow,
    SubjectsQuery,
    TicketDetail,
    UpdateTicket,
)
from shared.versioned import FIRST_VERSION, VERSION, retry_on_conflict
from shared.vocabulary import TicketStatus

# A retry that finds its key reserved waits this long for the first request to finish.
KEY_WAIT_ATTEMPTS = 30
KEY_WAIT_SECONDS = 0.1
# A reservation without a ticket after this long belongs to a request that died.
STALE_RESERVATION = timedelta(seconds=10)
# Uploads nobody linked within this time are removed by the orphan purge.
ORPHAN_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class TicketChange:
    """A change decided from the ticket as read: fields to set, maybe a new message, and the
    event that announces it."""

    fields: dict[str, Any]
    event: Event[Any]
    message: dict[str, Any] | None = None


class TicketService:
    def __init__(
        self,
        store: TicketStore,
        sla: domain.SlaPolicy,
        events_written: Callable[[], None],
        clock: Clock = stored_utcnow,
    ) -> None:
        self.store = store
        self.sla = sla
        self.events_written = events_written
        self.clock = clock

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
        attachment = await self._checked_attachment(command.attachment, caller)
        number = domain.ticket_number(await self.store.next_sequence())
        document, event = self.new_ticket(command, number, attachment, key)
        await self.store.insert(document, event)
        if key:
            await self.store.complete_key(key, number, self.clock())
        await self._claim(attachment, number)
        # No read mark for the author: without one a ticket is unread only once support
        # replies, exactly as with a mark at its creation, and it saves a write.
        self.events_written()
        return self._detail(document, None)

    async def _ticket_for_legacy_key(
        self, caller: Caller, idempotency_key: str
    ) -> TicketDetail | None:
        """The ticket a request before the upgrade created with this key, if the caller's.

        Looked up before the new key is reserved: a reservation left without a ticket
        would later be taken over and create a second one.
        """
        legacy = domain.legacy_person_key(caller, idempotency_key)
        reservation = await self.store.key_reservation(legacy)
        if reservation is None or not reservation.get("number"):
            return None
        ticket = await self.store.get(reservation["number"])
        if ticket is None or not domain.owns_legacy_keys(ticket["account_id"], caller):
            return None
        return self._detail(ticket, None)

    async def _ticket_for_key(self, key: str) -> TicketDetail | None:
        """The ticket another request with the same key created (or is creating now).

        None when that request died half-way (its process killed, or its handler cancelled
        by a broker outage) and this one took its reservation over: it creates the ticket.
        """
        for _attempt in range(KEY_WAIT_ATTEMPTS):
            reservation = await self.store.key_reservation(key)
            if reservation is None:
                break
            if reservation.get("number"):
                ticket = await self.store.get(reservation["number"])
                if ticket is not None:
                    return self._detail(ticket, None)
            elif self.clock() - reservation["reserved_at"] > STALE_RESERVATION:
                if ticket := await self.store.ticket_with_key(key):
                    await self.store.complete_key(key, ticket["number"], self.clock())
                    return self._detail(ticket, None)
                if await self.store.take_over_key(reservation, self.clock()):
                    return None
            await asyncio.sleep(KEY_WAIT_SECONDS)
        # Within the gateway's deadline: the client hears 503 and retries with the same key.
        raise Unavailable("a request with this Idempotency-Key is still in progress; retry")

    def new_ticket(
        self,
        command: CreateTicket,
        number: str,
        attachment: AttachmentRef | None,
        creation_key: str | None,
    ) -> tuple[dict[str, Any], TicketCreated]:
        """The ticket document and its event as `create` writes them; bulk seeding builds
        its tickets with it too, so they are exactly what the service would store."""
        caller = command.caller
        now = self.clock()
        sla_due_at = self.sla.due_at(command.importance, now)
        message = self._message(
            caller, command.message, attachment, now, idem=creation_key or uuid.uuid4().hex
        )
        document = {
            "_id": number,
            "number": number,
            "account_id": caller.account_id,
            "author": caller.as_author().model_dump(),
            "subject": command.subject,
            "importance": command.importance,
            "status": "new",
            "created_at": now,
            "updated_at": now,
            "sla_due_at": sla_due_at,
            "messages": [message],
            "last_support_reply_at": None,
            "creation_key": creation_key,
            VERSION: FIRST_VERSION,
        }
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
        return document, event

    async def reply(self, command: PostReply) -> Message:
        caller = command.caller
        idem = f"{caller.person_key}:{command.idempotency_key or uuid.uuid4().hex}"
        legacy = (
            domain.legacy_person_key(caller, command.idempotency_key)
            if command.idempotency_key
            else None
        )
        message_id = uuid.uuid4().hex

        async def add_reply(ticket: dict[str, Any]) -> TicketChange | None:
            if _reply_with_key(ticket, caller, idem, legacy):
                return None
            status = domain.status_after_reply(ticket["status"], caller, command.status)
            attachment = await self._checked_attachment(command.attachment, caller, ticket)
            now = self.clock()
            message = self._message(caller, command.message, attachment, now, idem=idem)
            message["id"] = message_id
            domain.ensure_room_in_thread(
                len(ticket["messages"]),
                sum(map(_stored_size, ticket["messages"])),
                _stored_size(message),
            )
            fields = {
                "status": status,
                "updated_at": now,
                "sla_due_at": self._next_due(ticket, status, now, restart=caller.role == "agent"),
            }
            if caller.role == "agent":
                fields["last_support_reply_at"] = now
            event = ReplyPosted(
                correlation_id=correlation_id.get(),
                payload=ReplyPostedPayload(
                    ticket_number=ticket["number"],
                    account_id=ticket["account_id"],
                    ticket_owner_id=ticket["author"]["id"],
                    ticket_subject=ticket["subject"],
                    message_id=message_id,
                    author=caller.as_author(),
                    body=message["body"],
                    attachment=attachment,
                    status=status,
                    previous_status=ticket["status"],
                ),
            )
            return TicketChange(fields, event, message)

        ticket = await self._change(command.number, caller, add_reply)
        stored = _reply_with_key(ticket, caller, idem, legacy)
        assert stored is not None
        if stored["attachment"]:
            await self.store.attachments.claim(stored["attachment"]["id"], ticket["number"])
        if caller.role == "user":
            await self.store.mark_read(ticket["number"], domain.reader_key(caller), self.clock())
        return Message.model_validate(stored)

    async def get(self, query: GetTicket) -> TicketDetail:
        ticket = await self._visible_ticket(query.number, query.caller)
        reader = domain.reader_key(query.caller)
        legacy = (
            domain.legacy_reader_key(query.caller)
            if domain.owns_legacy_keys(ticket["account_id"], query.caller)
            else None
        )
        marks = await self.store.read_marks([ticket["number"]], reader, legacy)
        read_at = marks.get(ticket["number"])
        detail = self._detail(ticket, read_at)
        if query.caller.role == "user":
            # Opening the ticket is reading it: support's replies are no longer unread.
            await self.store.mark_read(ticket["number"], reader, self.clock())
        return detail

    async def update(self, command: UpdateTicket) -> TicketDetail:
        async def apply(ticket: dict[str, Any]) -> TicketChange | None:
            changes = TicketChanges(
                status=command.status if command.status != ticket["status"] else None,
                subject=command.subject if command.subject != ticket["subject"] else None,
            )
            if changes.status is None and changes.subject is None:
                return None
            now = self.clock()
            status: TicketStatus = changes.status or ticket["status"]
            fields = {
                **changes.model_dump(exclude_none=True),
                "updated_at": now,
                "sla_due_at": self._next_due(ticket, status, now, restart=False),
            }
            event = TicketUpdated(
                correlation_id=correlation_id.get(),
                payload=TicketUpdatedPayload(
                    number=ticket["number"],
                    account_id=ticket["account_id"],
                    ticket_owner_id=ticket["author"]["id"],
                    subject=fields.get("subject", ticket["subject"]),
                    status=status,
                    changes=changes,
                    changed_by=command.caller.as_author(),
                ),
            )
            return TicketChange(fields, event)

        ticket = await self._change(command.number, command.caller, apply)
        return self._detail(ticket, None)

    async def _change(
        self,
        number: str,
        caller: Caller,
        apply: Callable[[dict[str, Any]], Awaitable[TicketChange | None]],
    ) -> dict[str, Any]:
        """Read a ticket, decide its change and write it with its event, unless someone
        else changed the ticket meanwhile: then read and decide again."""

        async def attempt() -> dict[str, Any] | None:
            ticket = await self._visible_ticket(number, caller)
            change = await apply(ticket)
            if change is None:
                return ticket
            changed = {**ticket, **change.fields}
            try:
                if change.message is None:
                    written = await self.store.change(ticket, change.fields, change.event)
                else:
                    changed["messages"] = [*ticket["messages"], change.message]
                    written = await self.store.append_reply(
                        ticket, change.message, change.fields, change.event
                    )
            except TicketTooLarge:
                # Past the thread's bounds something else made the document this large:
                # still the client's request the ticket cannot take, not our failure.
                raise domain.thread_full() from None
            if not written:
                return None
            self.events_written()
            return changed

        return await retry_on_conflict(
            attempt, "the ticket is being changed by others right now; please retry"
        )

    async def history(self, query: HistoryQuery) -> HistoryPage:
        updated = None
        if query.day:
            # The calendar day in the support time zone, as the user sees dates.
            start = datetime.combine(query.day, time.min, self.sla.calendar.tz)
            updated = (start, start + timedelta(days=1))
        skip = (query.page - 1) * query.page_size
        rows, total = await self.store.page_history(
            query.caller.account_id,
            query.status,
            query.subject,
            updated,
            skip,
            query.page_size,
        )
        reader = domain.reader_key(query.caller)
        # Every row is of the caller's account: its legacy marks are the caller's.
        read_marks = await self.store.read_marks(
            [row["number"] for row in rows], reader, domain.legacy_reader_key(query.caller)
        )
        return HistoryPage(
            items=[
                HistoryRow(
                    ordinal=skip + index + 1,
                    number=row["number"],
                    subject=row["subject"],
                    author=row["author"],
                    status=row["status"],
                    importance=row["importance"],
                    updated_at=row["updated_at"],
                    unread=domain.is_unread(
                        row.get("last_support_reply_at"), read_marks.get(row["number"])
                    ),
                )
                for index, row in enumerate(rows)
            ],
            total=total,
            page=query.page,
            page_size=query.page_size,
        )

    async def subjects(self, query: SubjectsQuery) -> list[str]:
        return await self.store.subjects(query.caller.account_id)

    async def queue(self, query: AgentQueueQuery) -> QueuePage:
        # By default the tickets where support has the ball.
        statuses = [query.status] if query.status else domain.WAITING_ON_SUPPORT
        text = query.text.strip() if query.text else None
        skip = (query.page - 1) * query.page_size
        rows, total = await self.store.page_queue(
            statuses, query.importance, query.account_id, text or None, skip, query.page_size
        )
        return QueuePage(
            items=[QueueRow.model_validate(row) for row in rows],
            total=total,
            page=query.page,
            page_size=query.page_size,
        )

    async def attachment(self, query: AttachmentQuery) -> AttachmentRef:
        """The attachment's metadata, if the caller may download it."""
        missing = NotFound("attachment not found", "attachment_not_found")
        file = await self.store.attachments.file(query.attachment_id)
        if file is None:
            raise missing
        ticket = (
            await self.store.get(file.ticket_number)
            if file.ticket_number
            else await self.store.ticket_referencing(query.attachment_id)
        )
        if ticket is None:
            raise missing
        if query.caller.role != "agent" and ticket["account_id"] != query.caller.account_id:
            raise missing
        return file.ref

    async def purge_orphan_attachments(self, grace: timedelta = ORPHAN_GRACE) -> int:
        return await self.store.purge_orphan_attachments(self.clock() - grace)

    async def _visible_ticket(self, number: str, caller: Caller) -> dict[str, Any]:
        ticket = await self.store.get(number)
        if ticket is None:
            raise NotFound(f"ticket {number} not found", "ticket_not_found")
        domain.ensure_visible(ticket["account_id"], caller, number)
        return ticket

    async def _checked_attachment(
        self,
        attachment: AttachmentRef | None,
        caller: Caller,
        ticket: dict[str, Any] | None = None,
    ) -> AttachmentRef | None:
        """The upload must exist, come from the caller's account and be nobody else's."""
        if attachment is None:
            return None
        file = await self.store.attachments.file(attachment.id)
        if file is None or file.account_id != caller.account_id:
            raise InvalidRequest(
                "the attachment was not found; upload it again", "attachment_missing"
            )
        claimed_by = file.ticket_number
        if claimed_by is not None and (ticket is None or claimed_by != ticket["number"]):
            raise Conflict("this attachment belongs to another ticket already", "attachment_taken")
        return file.ref

    async def _claim(self, attachment: AttachmentRef | None, number: str) -> None:
        if attachment is not None:
            await self.store.attachments.claim(attachment.id, number)

    def _next_due(
        self, ticket: dict[str, Any], status: TicketStatus, now: datetime, restart: bool
    ) -> datetime | None:
        return domain.next_sla_due(
            status, ticket["importance"], ticket.get("sla_due_at"), now, self.sla, restart
        )

    @staticmethod
    def _message(
        caller: Caller,
        body: str,
        attachment: AttachmentRef | None,
        now: datetime,
        idem: str,
    ) -> dict[str, Any]:
        return {
            "id": uuid.uuid4().hex,
            "author": caller.as_author().model_dump(),
            "body": body,
            "attachment": attachment.model_dump() if attachment else None,
            "created_at": now,
            "idem": idem,
        }

    def _detail(self, ticket: dict[str, Any], read_at: datetime | None) -> TicketDetail:
        """The ticket as its reader sees it; `read_at` is when that reader last opened it."""
        first = ticket["messages"][0]
        due = ticket.get("sla_due_at")
        return TicketDetail(
            number=ticket["number"],
            subject=ticket["subject"],
            message=first["body"],
            importance=ticket["importance"],
            status=ticket["status"],
            created_at=ticket["created_at"],
            updated_at=ticket["updated_at"],
            account_id=ticket["account_id"],
            author=ticket["author"],
            attachment=first.get("attachment"),
            sla_due_at=due,
            expected_answer_by=due,
            messages=[Message.model_validate(message) for message in ticket["messages"]],
            unread=domain.is_unread(ticket.get("last_support_reply_at"), read_at),
        )


def _reply_with_key(
    ticket: dict[str, Any], caller: Caller, idem: str, legacy: str | None
) -> dict[str, Any] | None:
    """The caller's message posted with this key, under its key of either shape (a legacy
    one only if the caller wrote it: the user id alone names no account)."""
    message: dict[str, Any]
    for message in ticket["messages"]:
        if message.get("idem") == idem:
            return message
        author = message["author"]
        if (
            legacy is not None
            and message.get("idem") == legacy
            and (author["role"], author["id"]) == (caller.role, caller.id)
        ):
            return message
    return None


def _stored_size(message: dict[str, Any]) -> int:
    """A message's bytes in the ticket document."""
    return len(bson.encode(message))
