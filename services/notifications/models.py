"""The notifications service's records as its store keeps them, typed; store.py maps them
to and from BSON documents (field names as stored, dates as BSON dates)."""

from datetime import datetime

from pydantic import BaseModel

from shared.events import AnnouncementPayload, Popup, PopupView
from shared.people import Author
from shared.versioned import FIRST_VERSION
from shared.vocabulary import TicketStatus


class StoredPopup(BaseModel):
    """A pop-up and its state; the defaults are a new pop-up's."""

    # What caused it (the event, or the announcement and person): consuming a cause twice
    # finds the pop-up already there.
    key: str
    number: str
    account_id: str
    user_id: str
    title: str
    body: str
    ticket_number: str | None = None
    ticket_status: TicketStatus | None = None
    announcement_id: str | None = None
    created_at: datetime
    read: bool = False
    read_at: datetime | None = None
    # Closed (its close button, Esc) since it last popped up. Pop-ups stored before this
    # field existed have none: they read as not closed, as they always showed, and the
    # active list (which asks for `seen: false`) never lists them again.
    seen: bool = False
    snoozed_until: datetime | None = None
    # Shown from this time on; a snooze moves it, and the reminder scan looks at pop-ups
    # whose `remind_pending` time has come.
    visible_at: datetime
    remind_pending: bool = False
    deleted: bool = False
    deleted_at: datetime | None = None
    # Counted up by every change (shared.versioned): the event of a change carries the
    # whole pop-up after it, so a change is written only onto the version it was decided on.
    version: int = FIRST_VERSION

    def item(self) -> Popup:
        """The pop-up as its user sees it."""
        return Popup.model_validate(self, from_attributes=True)

    def view(self) -> PopupView:
        """The pop-up as its events carry it: with whose it is."""
        return PopupView.model_validate(self, from_attributes=True)


class StoredAnnouncement(AnnouncementPayload):
    """An announcement as stored: what was announced, and which agent sent it."""

    sent_by: Author
