"""Domain events that cross the bus: one pydantic model each, in the common envelope.

The routing key equals the event type. Adding a field is compatible; removing or renaming
one needs a new `version`.
"""

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, Field

from shared.clock import utcnow
from shared.people import Author
from shared.triage import Assignee, TriageChanges
from shared.vocabulary import Importance, TicketStatus

PayloadT = TypeVar("PayloadT", bound=BaseModel)


class Event(BaseModel, Generic[PayloadT]):
    event_id: UUID = Field(default_factory=uuid4)
    type: str
    version: int = 1
    occurred_at: datetime = Field(default_factory=utcnow)
    correlation_id: str | None = None
    payload: PayloadT


def event_type(kind: type[Event[Any]]) -> str:
    """An event class's type, which is also its routing key."""
    default: str = kind.model_fields["type"].default
    return default


class AttachmentRef(BaseModel):
    """Claim-check: the file lives in the attachment store; only this travels."""

    id: str
    filename: str
    content_type: str
    size: int


class TicketCreatedPayload(BaseModel):
    number: str
    account_id: str
    author: Author
    subject: str
    importance: Importance
    status: TicketStatus
    sla_due_at: datetime
    attachment: AttachmentRef | None = None


class TicketCreated(Event[TicketCreatedPayload]):
    type: Literal["ticket.created"] = "ticket.created"


class ReplyPostedPayload(BaseModel):
    ticket_number: str
    account_id: str
    ticket_owner_id: str
    ticket_subject: str
    message_id: str
    author: Author
    body: str
    attachment: AttachmentRef | None = None
    status: TicketStatus
    # The status before the reply: it differs when support replied and set a status at once.
    previous_status: TicketStatus | None = None


class ReplyPosted(Event[ReplyPostedPayload]):
    type: Literal["reply.posted"] = "reply.posted"


class TicketChanges(BaseModel):
    status: TicketStatus | None = None
    subject: str | None = None


class TicketUpdatedPayload(BaseModel):
    number: str
    account_id: str
    ticket_owner_id: str
    subject: str
    status: TicketStatus
    changes: TicketChanges
    changed_by: Author


class TicketUpdated(Event[TicketUpdatedPayload]):
    type: Literal["ticket.updated"] = "ticket.updated"


class TicketTriagedPayload(BaseModel):
    """Support's view of a ticket changed (assignee, importance, tags): for agents only,
    never pushed to users (their `ticket.updated` carries what they see)."""

    number: str
    account_id: str
    assignee: Assignee | None
    importance: Importance
    tags: list[str]
    changes: TriageChanges
    changed_by: Author


class TicketTriaged(Event[TicketTriagedPayload]):
    type: Literal["ticket.triaged"] = "ticket.triaged"


class NoteAddedPayload(BaseModel):
    """That an agent wrote an internal note on a ticket, for the other agents' consoles.

    Deliberately without the note's text or the ticket's account and owner: a consumer
    that reaches users can find nothing here to show them, and the consoles read the
    note itself through the agents' API.
    """

    ticket_number: str
    note_id: str
    author: Author


class NoteAdded(Event[NoteAddedPayload]):
    type: Literal["note.added"] = "note.added"


class Popup(BaseModel):
    """A pop-up as its user sees it (the API's item)."""

    number: str
    title: str
    body: str
    ticket_number: str | None = None
    # The status the pop-up announces the ticket is in now (support resolved it, asks for
    # an answer); none when it announces no change of status. `resolved` asks for a rating.
    ticket_status: TicketStatus | None = None
    created_at: datetime
    read: bool
    # Closed (its close button, Esc) since it last popped up: it stays unread, and pops up
    # again only when a reminder falls due.
    seen: bool = False
    snoozed_until: datetime | None = None
    deleted: bool


class PopupView(Popup):
    """Every pop-up event carries the pop-up as it is after the change, and whose it is."""

    account_id: str
    user_id: str


class PopupCreated(Event[PopupView]):
    type: Literal["popup.created"] = "popup.created"


class PopupSnoozed(Event[PopupView]):
    type: Literal["popup.snoozed"] = "popup.snoozed"


class PopupReminded(Event[PopupView]):
    type: Literal["popup.reminded"] = "popup.reminded"


class PopupRead(Event[PopupView]):
    type: Literal["popup.read"] = "popup.read"


class PopupDeleted(Event[PopupView]):
    type: Literal["popup.deleted"] = "popup.deleted"


class PopupSeen(Event[PopupView]):
    """Closed with its close button or Esc: the user's other tabs close it too."""

    type: Literal["popup.seen"] = "popup.seen"


PopupEvent = PopupCreated | PopupSnoozed | PopupReminded | PopupRead | PopupDeleted | PopupSeen
POPUP_EVENTS: tuple[type[PopupEvent], ...] = (
    PopupCreated,
    PopupSnoozed,
    PopupReminded,
    PopupRead,
    PopupDeleted,
    PopupSeen,
)


class AnnouncementPayload(BaseModel):
    """An agent's announcement; no user_id and no account_id means everyone."""

    announcement_id: str
    title: str
    body: str
    user_id: str | None = None
    account_id: str | None = None
    created_at: datetime

    def reaches(self, account_id: str, user_id: str) -> bool:
        """Everyone, one account, or one user of one account.

        A user id alone reaches nobody: ids are unique only within a hotel (such
        announcements were accepted once; they are refused now).
        """
        if self.user_id is not None and self.account_id is None:
            return False
        return self.account_id in (None, account_id) and self.user_id in (None, user_id)


class AnnouncementPublished(Event[AnnouncementPayload]):
    type: Literal["announcement.published"] = "announcement.published"
