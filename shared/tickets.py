"""The contract between the gateway and the tickets service: commands, queries, views."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.events import AttachmentRef
from shared.people import Author, Caller
from shared.vocabulary import Importance, TicketStatus

SUBJECT_MAX = 200
MESSAGE_MAX = 20_000
IDEMPOTENCY_KEY_MAX = 200
# Messages in one ticket's thread, the first included: a conversation this long belongs in
# a new ticket, and the cap bounds the one document that holds them (16 MB in MongoDB).
THREAD_MAX = 500
PAGE_SIZE_MAX = 100
# Nobody pages this deep; the bound keeps skip() inside the server's integer range
# (found by fuzzing: page=44154432879039553536 was a 500).
PAGE_MAX = 10_000

# Whitespace-only text is no subject and no message: strip before checking the length.
Subject = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SUBJECT_MAX)
]
MessageBody = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MESSAGE_MAX)
]
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=IDEMPOTENCY_KEY_MAX)]


class CreateTicket(BaseModel):
    caller: Caller
    subject: Subject
    message: MessageBody
    importance: Importance
    attachment: AttachmentRef | None = None
    idempotency_key: IdempotencyKey | None = None


class PostReply(BaseModel):
    caller: Caller
    number: str
    message: MessageBody
    attachment: AttachmentRef | None = None
    idempotency_key: IdempotencyKey | None = None


class GetTicket(BaseModel):
    caller: Caller
    number: str


class HistoryQuery(BaseModel):
    """The account's history: filters a user picks, newest update first."""

    caller: Caller
    day: date | None = None
    subject: str | None = None
    status: TicketStatus | None = None
    page: int = Field(default=1, ge=1, le=PAGE_MAX)
    page_size: int = Field(default=20, ge=1, le=PAGE_SIZE_MAX)


class SubjectsQuery(BaseModel):
    caller: Caller


class AgentQueueQuery(BaseModel):
    caller: Caller
    status: TicketStatus | None = None
    importance: Importance | None = None
    account_id: str | None = None
    text: str | None = Field(default=None, max_length=SUBJECT_MAX)
    page: int = Field(default=1, ge=1, le=PAGE_MAX)
    page_size: int = Field(default=20, ge=1, le=PAGE_SIZE_MAX)


class UpdateTicket(BaseModel):
    caller: Caller
    number: str
    status: TicketStatus | None = None
    subject: Subject | None = None


class AttachmentQuery(BaseModel):
    caller: Caller
    attachment_id: str


class Message(BaseModel):
    id: str
    author: Author
    body: str
    attachment: AttachmentRef | None = None
    created_at: datetime


class Ticket(BaseModel):
    number: str
    subject: str
    message: str
    importance: Importance
    status: TicketStatus
    created_at: datetime
    updated_at: datetime
    account_id: str
    author: Author
    attachment: AttachmentRef | None = None
    sla_due_at: datetime | None
    expected_answer_by: datetime | None


class TicketDetail(Ticket):
    messages: list[Message]
    unread: bool = False


class HistoryRow(BaseModel):
    ordinal: int
    number: str
    subject: str
    status: TicketStatus
    importance: Importance
    updated_at: datetime
    unread: bool


class HistoryPage(BaseModel):
    items: list[HistoryRow]
    total: int
    page: int
    page_size: int


class QueueRow(BaseModel):
    number: str
    account_id: str
    author: Author
    subject: str
    status: TicketStatus
    importance: Importance
    created_at: datetime
    updated_at: datetime
    sla_due_at: datetime | None


class QueuePage(BaseModel):
    items: list[QueueRow]
    total: int
    page: int
    page_size: int
