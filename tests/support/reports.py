"""Tickets of known times for the tickets report's tests, stored as the service stores them."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from pymongo import MongoClient

from services.tickets.models import StoredMessage, StoredTicket
from services.tickets.store import ticket_document
from shared.outbox import with_events
from shared.people import Author
from shared.vocabulary import Importance
from tests.support.system import HelpDesk


@dataclass
class Known:
    """A ticket of known times, as the test decides them."""

    account_id: str
    importance: Importance
    created_at: datetime
    replies: list[tuple[str, datetime]] = field(default_factory=list)
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    first_response_due_at: datetime | None = None

    def stored(self) -> StoredTicket:
        author = Author(role="user", id="anna", name="Anna")
        messages = [self._message(author, self.created_at)] + [
            self._message(Author(role=role, id=role, name=role.title()), at)
            for role, at in self.replies
        ]
        status = (
            "closed" if self.closed_at else "resolved" if self.resolved_at else "awaiting_reply"
        )
        return StoredTicket(
            number=f"RPT-{uuid.uuid4().hex[:12]}",
            account_id=self.account_id,
            author=author,
            subject="Raport",
            importance=self.importance,
            # Out of the agents' queue (and its order): the report reads none of it.
            status=status or "awaiting_reply",
            created_at=self.created_at,
            updated_at=self.created_at,
            messages=messages,
            version=1,
            resolutions=1 if self.resolved_at else 0,
            resolved_at=self.resolved_at,
            closed_at=self.closed_at,
            first_response_due_at=self.first_response_due_at,
        )

    @staticmethod
    def _message(author: Author, at: datetime) -> StoredMessage:
        return StoredMessage(id=uuid.uuid4().hex, author=author, body="…", created_at=at)

    @property
    def first_reply_at(self) -> datetime | None:
        return min((at for role, at in self.replies if role == "agent"), default=None)

    @property
    def done_at(self) -> datetime | None:
        return self.resolved_at or self.closed_at

    def breached(self, now: datetime) -> bool:
        due, reply = self.first_response_due_at, self.first_reply_at
        if due is None:
            return False
        return reply > due if reply else due < now


def store_known(system: HelpDesk, tickets: list[Known]) -> None:
    """Save the tickets as the service stores them (without events: nobody is told), from
    a test that has no event loop (the browser's)."""
    client: MongoClient[dict[str, object]] = MongoClient(system.settings.mongo_url)
    try:
        database = client[system.env["HELPDESK_MONGO_DB"]]
        database["tickets"].insert_many(
            [with_events(ticket_document(ticket.stored())) for ticket in tickets]
        )
    finally:
        client.close()
