"""Satisfaction ratings: a user rates a ticket's resolution, a chat is rated after it
ends, and agents read the report."""

from services.tickets import domain, rating_rules
from services.tickets.rating_store import RatingStore
from services.tickets.reading import visible_ticket
from services.tickets.store import TicketStore
from shared.clock import Clock
from shared.ratings import (
    RECENT_COMMENTS_MAX,
    ChatRating,
    RateChat,
    RateTicket,
    RatingsReport,
    RatingsReportQuery,
    TicketRating,
    TicketRatingQuery,
    TicketRatingState,
)


class Ratings:
    def __init__(self, tickets: TicketStore, ratings: RatingStore, clock: Clock) -> None:
        self.tickets = tickets
        self.ratings = ratings
        self.clock = clock

    async def rate_ticket(self, command: RateTicket) -> TicketRating:
        ticket = await visible_ticket(self.tickets, command.number, command.caller)
        now = self.clock()
        rating_rules.ensure_may_rate(command.caller, ticket.status, ticket.resolved_at, now)
        rating = TicketRating(
            number=ticket.number,
            resolution=ticket.resolutions,
            rating=command.rating,
            comment=command.comment or None,
            rated_by=command.caller.as_author(),
            rated_at=now,
        )
        await self.ratings.save_ticket_rating(rating, ticket.account_id)
        return rating

    async def ticket_state(self, query: TicketRatingQuery) -> TicketRatingState:
        ticket = await visible_ticket(self.tickets, query.number, query.caller)
        deadline = rating_rules.rating_deadline(ticket.status, ticket.resolved_at)
        if deadline is None:
            return TicketRatingState(number=ticket.number, rateable=False)
        return TicketRatingState(
            number=ticket.number,
            rateable=query.caller.role == "user" and self.clock() < deadline,
            rateable_until=deadline,
            rating=await self.ratings.ticket_rating(ticket.number, ticket.resolutions),
        )

    async def ticket_ratings(self, number: str) -> list[TicketRating]:
        return await self.ratings.ticket_ratings(number)

    async def rate_chat(self, command: RateChat) -> ChatRating:
        now = self.clock()
        await self.ratings.save_chat_rating(command.account_id, command.rating, now)
        return ChatRating(rating=command.rating, rated_at=now)

    async def report(self, query: RatingsReportQuery) -> RatingsReport:
        domain.ensure_agent(query.caller)
        rating_rules.ensure_report_period(query.since, query.until)
        period = (query.since, query.until)
        figures = rating_rules.figures(
            await self.ratings.stars_by_account(period, query.kind, query.account_id)
        )
        comments = (
            []
            if query.kind == "chat"
            else await self.ratings.recent_comments(period, query.account_id, RECENT_COMMENTS_MAX)
        )
        return RatingsReport(
            since=query.since,
            until=query.until,
            kind=query.kind,
            account_id=query.account_id,
            count=figures.count,
            average=figures.average,
            distribution=figures.distribution,
            accounts=figures.accounts,
            accounts_total=figures.accounts_total,
            recent_comments=comments,
        )
