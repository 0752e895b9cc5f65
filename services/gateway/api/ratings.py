"""Satisfaction ratings: a user rates a resolved ticket; agents read the ratings report.

A chat is rated on its own socket right after it ends (services/gateway/realtime/chat.py).
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.gateway.api.report_period import Period
from services.gateway.deps import Calendar, CurrentAgent, CurrentHotelUser, CurrentUser, Rpc
from services.gateway.openapi import refusal
from shared.ratings import (
    RateTicket,
    RatingChoice,
    RatingKind,
    RatingsReport,
    RatingsReportQuery,
    TicketRating,
    TicketRatingQuery,
    TicketRatingState,
)
from shared.routes import RATE_TICKET, RATINGS_REPORT, TICKET_RATING
from shared.support_hours import SupportCalendar

router = APIRouter(prefix="/api/v1/tickets", tags=["ratings"])
reports = APIRouter(prefix="/api/v1/agent/ratings", tags=["agent"])

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such ticket in your account"},
    422: {"description": "invalid field"},
}


@router.get("/{number}/rating", responses=ERRORS)
async def ticket_rating(caller: CurrentUser, rpc: Rpc, number: str) -> TicketRatingState:
    """Whether the ticket's current resolution may be rated now, and its rating so far."""
    return await rpc.call(TICKET_RATING, TicketRatingQuery(caller=caller, number=number))


@router.put(
    "/{number}/rating",
    responses={
        **ERRORS,
        403: refusal("support does not rate tickets (users_only)"),
        409: refusal(
            "the ticket is not resolved (ticket_not_resolved), or its time to be rated "
            "has passed (rating_period_over)"
        ),
    },
)
async def rate_ticket(
    caller: CurrentHotelUser, rpc: Rpc, number: str, choice: RatingChoice
) -> TicketRating:
    """Rate the ticket's current resolution 1-5 with an optional comment, or change it."""
    command = RateTicket(caller=caller, number=number, **choice.model_dump())
    return await rpc.call(RATE_TICKET, command)


@reports.get("", responses={422: {"description": "invalid period, kind or account"}})
async def ratings_report(
    agent: CurrentAgent,
    rpc: Rpc,
    calendar: Calendar,
    period: Period,
    kind: RatingKind | None = None,
    account_id: Annotated[str | None, Query(max_length=200)] = None,
) -> RatingsReport:
    """Ratings given in the period: average, count, stars, per account, recent comments."""
    query = RatingsReportQuery(
        caller=agent,
        since=_day_start(period.first, calendar),
        until=_day_start(period.last + timedelta(days=1), calendar),
        kind=kind,
        account_id=account_id or None,
    )
    return await rpc.call(RATINGS_REPORT, query)


def _day_start(day: date, calendar: SupportCalendar) -> datetime:
    """Midnight of `day` where support works, in UTC as the API gives every time."""
    return datetime.combine(day, time.min, calendar.tz).astimezone(UTC)
