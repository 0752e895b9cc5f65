"""The contract between the gateway and the notifications service: commands, queries, views."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, model_validator

from shared.events import AnnouncementPayload, Popup
from shared.pages import Page
from shared.people import Caller
from shared.text import MultiLine, OneLine
from shared.tickets import PAGE_MAX, PAGE_SIZE_MAX

TITLE_MAX = 200
BODY_MAX = 20_000
# Remind later: at most a week ahead, as the client's choices offer.
SNOOZE_MINUTES_MAX = 7 * 24 * 60
DEFAULT_SNOOZE_MINUTES = 30

PopupState = Literal["active", "all"]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX), OneLine
]
Body = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=BODY_MAX), MultiLine
]
PersonId = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class PopupPage(Page[Popup]):
    # Pop-ups not yet previewed (nor deleted), whatever the page: the Help button's badge.
    unread: int = 0


class ListPopups(BaseModel):
    caller: Caller
    state: PopupState = "active"
    ticket_number: str | None = Field(default=None, max_length=200)
    page: int = Field(default=1, ge=1, le=PAGE_MAX)
    page_size: int = Field(default=20, ge=1, le=PAGE_SIZE_MAX)


class SnoozeChoice(BaseModel):
    """Remind later: in `minutes`, or at `until`; neither means the default half hour."""

    minutes: int | None = Field(default=None, ge=1, le=SNOOZE_MINUTES_MAX)
    until: AwareDatetime | None = Field(
        default=None, description="with a time zone, in the future, at most 30 days ahead"
    )

    @model_validator(mode="after")
    def _one_or_the_other(self) -> "SnoozeChoice":
        if self.minutes is not None and self.until is not None:
            raise ValueError("give either minutes or until, not both")
        return self


class SnoozePopup(BaseModel):
    caller: Caller
    number: str
    choice: SnoozeChoice


class Snoozed(BaseModel):
    snoozed_until: datetime


class PopupAction(BaseModel):
    """Preview (read), close (seen) or Delete of one of the caller's pop-ups."""

    caller: Caller
    number: str


class AnnouncementFields(BaseModel):
    """What an agent writes; no user_id and no account_id means everyone."""

    title: Title
    body: Body
    user_id: PersonId | None = Field(
        default=None, description="one user; needs account_id (user ids repeat across hotels)"
    )
    account_id: PersonId | None = None


class Announce(AnnouncementFields):
    caller: Caller


class Announcement(BaseModel):
    """An announcement as agents and the stream socket see it."""

    id: str
    title: str
    body: str
    user_id: str | None
    account_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, announcement: AnnouncementPayload) -> "Announcement":
        return cls(
            id=announcement.announcement_id,
            **announcement.model_dump(exclude={"announcement_id"}),
        )
