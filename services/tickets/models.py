"""The tickets service's records as its store keeps them, typed; store.py maps them to and
from BSON documents (field names as stored, dates as BSON dates)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from shared.events import AttachmentRef
from shared.people import Author, Caller
from shared.tickets import Message
from shared.triage import Assignee
from shared.vocabulary import Importance, Lang, TicketStatus


class StoredMessage(Message):
    """One message of a ticket's thread (the ticket's own text first, then the replies),
    as the API shows it plus what only the store keeps."""

    # The person-scoped Idempotency-Key it was posted with, so a retry finds it.
    idem: str | None = None

    @classmethod
    def written(
        cls,
        caller: Caller,
        body: str,
        attachment: AttachmentRef | None,
        now: datetime,
        idem: str,
        message_id: str | None = None,
    ) -> "StoredMessage":
        return cls(
            id=message_id or uuid.uuid4().hex,
            author=caller.as_author(),
            body=body,
            attachment=attachment,
            created_at=now,
            idem=idem,
        )

    def view(self) -> Message:
        """The message as the API shows it (without its key)."""
        return Message.model_validate(self.model_dump(exclude={"idem"}))


class TicketSummary(BaseModel):
    """A ticket as list screens read it: everything but its thread."""

    number: str
    account_id: str
    author: Author
    subject: str
    importance: Importance
    status: TicketStatus
    created_at: datetime
    updated_at: datetime
    # None while the SLA clock is stopped (the user has the ball, or the ticket is closed).
    sla_due_at: datetime | None = None
    last_support_reply_at: datetime | None = None
    # Support's own view; tickets stored before assignment read as nobody's, untagged.
    assignee: Assignee | None = None
    tags: list[str] = []


class StoredTicket(TicketSummary):
    """A whole ticket: one document, its thread embedded."""

    messages: list[StoredMessage]
    # The person-scoped Idempotency-Key of the create; none without a key (and on tickets
    # stored before keys were kept on them).
    creation_key: str | None = None
    # Counted up by every change (shared.versioned): a change decided from what was read
    # is written only if the ticket is still at the version read.
    version: int
    # How many times support resolved it, and when the resolution that stands began (none
    # once the ticket is reopened): each resolution is rated on its own. Tickets stored
    # before ratings read as never resolved.
    resolutions: int = 0
    resolved_at: datetime | None = None
    # When support closed it (none once reopened), for the report's tickets closed without
    # being resolved; and its first-response target as set at creation, which the SLA clock
    # (`sla_due_at`) moves on. Both kept since the tickets report: none on older tickets.
    closed_at: datetime | None = None
    first_response_due_at: datetime | None = None
    # The user's language when the ticket was written; none on tickets stored before.
    lang: Lang | None = None


class KeyReservation(BaseModel):
    """An Idempotency-Key claimed by a create; the ticket's number once it is saved."""

    key: str
    number: str | None = None
    reserved_at: datetime


@dataclass(frozen=True)
class QueueFilters:
    """The agents' queue narrowed: each filter as the store matches it (None: any)."""

    statuses: tuple[TicketStatus, ...]
    importance: Importance | None = None
    account_id: str | None = None
    # The search's terms: for each word, the ones any of which a ticket must have.
    words: tuple[tuple[str, ...], ...] = ()
    # An agent's id; `unassigned` asks for nobody's tickets instead.
    assignee_id: str | None = None
    unassigned: bool = False
    tag: str | None = None
    # Created in [from, to).
    created: tuple[datetime, datetime] | None = None
