"""The contract between the gateway and the tickets service: commands, queries, views."""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from shared.analysis import tokens
from shared.events import AttachmentRef
from shared.pages import Page
from shared.people import Author, Caller
from shared.ratings import TicketRating
from shared.text import MultiLine, OneLine
from shared.triage import Assignee, AssigneeChange, QueueView, Tag, TagChanges
from shared.vocabulary import Importance, Lang, TicketStatus

SUBJECT_MAX = 200
MESSAGE_MAX = 20_000
IDEMPOTENCY_KEY_MAX = 200
# Messages in one ticket's thread, the first included: a conversation this long belongs in
# a new ticket, and the cap bounds the one document that holds them (16 MB in MongoDB).
THREAD_MAX = 500
# The same bound in bytes (each message as stored, BSON): 500 messages of 20,000 emoji
# would be 40 MB. A ticket document holds its thread and, until relayed, an event per
# reply carrying the same text: twice 6 MB stays well inside MongoDB's 16 MB.
THREAD_BYTES_MAX = 6 * 1024 * 1024
PAGE_SIZE_MAX = 100
# Nobody pages this deep; the bound keeps skip() inside the server's integer range
# (found by fuzzing: page=44154432879039553536 was a 500).
PAGE_MAX = 10_000

# Whitespace-only text is no subject and no message: strip before checking the length.
Subject = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SUBJECT_MAX), OneLine
]
MessageBody = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MESSAGE_MAX), MultiLine
]
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=IDEMPOTENCY_KEY_MAX)]


# History's calendar day: a date a help desk can hold tickets of. Outside it, a day's
# bounds in the support time zone fall outside what a date can hold (9999-12-31 + 1 day).
DAY_MIN = date(2000, 1, 1)
DAY_MAX = date(2099, 12, 31)
DAY_INVALID = "date_invalid"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _calendar_day(value: Any) -> Any:
    """Only YYYY-MM-DD within DAY_MIN..DAY_MAX (pydantic alone takes `0` as 1970-01-01)."""
    refusal = PydanticCustomError(
        DAY_INVALID, f"a day YYYY-MM-DD from {DAY_MIN.isoformat()} to {DAY_MAX.isoformat()}"
    )
    if isinstance(value, str):
        if not _ISO_DAY.fullmatch(value):
            raise refusal
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise refusal from None
    if isinstance(value, date) and not DAY_MIN <= value <= DAY_MAX:
        raise refusal
    return value


CalendarDay = Annotated[
    date,
    BeforeValidator(_calendar_day),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
            "description": f"YYYY-MM-DD, from {DAY_MIN.isoformat()} to {DAY_MAX.isoformat()}",
        }
    ),
]


class CreateTicket(BaseModel):
    caller: Caller
    subject: Subject
    message: MessageBody
    importance: Importance
    attachment: AttachmentRef | None = None
    idempotency_key: IdempotencyKey | None = None
    # The Help menu's language as the ticket was written: canned replies answer in it.
    lang: Lang | None = None


class PostReply(BaseModel):
    caller: Caller
    number: str
    message: MessageBody
    attachment: AttachmentRef | None = None
    idempotency_key: IdempotencyKey | None = None
    # Support's "reply and set status": one change, one event, so the user gets one pop-up.
    status: TicketStatus | None = None


class GetTicket(BaseModel):
    caller: Caller
    number: str


SEARCH_MAX = 200
SEARCH_INVALID = "search_query_invalid"


def _searchable(text: str) -> str:
    """A search has at least one word: punctuation alone finds nothing and filters nothing."""
    if not tokens(text):
        raise PydanticCustomError(SEARCH_INVALID, "type at least one word (letters or digits)")
    return text


# Words to look for in the subjects and messages of the account's tickets.
SearchText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=SEARCH_MAX),
    AfterValidator(_searchable),
]


class HistoryQuery(BaseModel):
    """The account's history: filters a user picks, newest update first."""

    caller: Caller
    day: CalendarDay | None = None
    subject: str | None = None
    text: SearchText | None = None
    status: TicketStatus | None = None
    page: int = Field(default=1, ge=1, le=PAGE_MAX)
    page_size: int = Field(default=20, ge=1, le=PAGE_SIZE_MAX)


class SubjectsQuery(BaseModel):
    caller: Caller


class AgentQueueQuery(BaseModel):
    """The agents' queue: most urgent first, narrowed by any of its filters."""

    caller: Caller
    status: TicketStatus | None = None
    importance: Importance | None = None
    account_id: str | None = None
    # Words in the subject or messages, analysed like the history's search.
    text: SearchText | None = None
    view: QueueView = "all"
    # One agent's tickets (the "all" view only: "mine" and "unassigned" name their own).
    assignee_id: str | None = Field(default=None, min_length=1, max_length=200)
    tag: Tag | None = None
    # Created on these calendar days (support time zone), both included.
    created_from: CalendarDay | None = None
    created_to: CalendarDay | None = None
    page: int = Field(default=1, ge=1, le=PAGE_MAX)
    page_size: int = Field(default=20, ge=1, le=PAGE_SIZE_MAX)


class UpdateTicket(BaseModel):
    """Support's change of a ticket: what users see (status, subject, importance) and
    support's own view (assignee, tags), decided and written as one."""

    caller: Caller
    number: str
    status: TicketStatus | None = None
    subject: Subject | None = None
    importance: Importance | None = None
    assign: AssigneeChange | None = None
    add_tags: TagChanges = []
    remove_tags: TagChanges = []


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
    # One per resolution that was rated, the latest first.
    ratings: list[TicketRating] = []


class AgentTicketDetail(TicketDetail):
    """The ticket as support sees it: also who handles it and its tags (never a user)."""

    assignee: Assignee | None = None
    tags: list[str] = []


class HistoryRow(BaseModel):
    ordinal: int
    number: str
    subject: str
    # Who wrote it: colleagues of one hotel share the account's history.
    author: Author
    status: TicketStatus
    importance: Importance
    updated_at: datetime
    unread: bool


class HistoryPage(Page[HistoryRow]):
    """A page of an account's tickets, newest update first."""


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
    assignee: Assignee | None = None
    tags: list[str] = []


class QueuePage(Page[QueueRow]):
    """A page of the agents' queue, most urgent first."""
