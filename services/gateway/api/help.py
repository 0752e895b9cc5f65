"""`GET /api/v1/help`: support hours, availability and alternative contacts."""

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.gateway.deps import AppSettings, Calendar, LiveChat
from shared.settings import Contact

router = APIRouter(prefix="/api/v1", tags=["help"])


class OpeningDay(BaseModel):
    day: str
    open: str
    close: str


class SupportHours(BaseModel):
    timezone: str
    always: bool
    schedule: list[OpeningDay]
    holidays: str


class HelpInfo(BaseModel):
    support_hours: SupportHours
    open_now: bool
    next_open: datetime
    chat_available: bool
    chat_unavailable_reason: Literal["closed", "no_agent_online"] | None = Field(
        description="why chat is unavailable: outside support hours, or every agent is away"
    )
    contacts: list[Contact]
    kb_url: str


@router.get("/help")
async def help_info(settings: AppSettings, calendar: Calendar, chat: LiveChat) -> HelpInfo:
    now = datetime.now(UTC)
    open_now = calendar.is_open(now)
    chat_available = open_now and await chat.agent_online()
    return HelpInfo(
        support_hours=SupportHours(
            timezone=calendar.tz_name,
            always=calendar.schedule.always,
            schedule=[OpeningDay(**row) for row in calendar.schedule.describe()],
            holidays=settings.holidays,
        ),
        open_now=open_now,
        next_open=calendar.next_open(now),
        chat_available=chat_available,
        chat_unavailable_reason=_unavailable_reason(open_now, chat_available),
        contacts=settings.contacts,
        kb_url=settings.kb_url,
    )


def _unavailable_reason(
    open_now: bool, chat_available: bool
) -> Literal["closed", "no_agent_online"] | None:
    if chat_available:
        return None
    return "no_agent_online" if open_now else "closed"
