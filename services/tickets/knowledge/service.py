"""The knowledge base's feedback as the handlers call it: votes, readings, searches that
found nothing, articles opened before a ticket, and the agents' report."""

from zoneinfo import ZoneInfo

from services.tickets.knowledge import domain
from services.tickets.knowledge.store import KnowledgeStore
from shared.clock import Clock, stored_utcnow
from shared.events import TicketCreated
from shared.knowledge import (
    ArticleOpened,
    ArticleVotes,
    CastVote,
    KbReport,
    ReportQuery,
    SearchMissed,
    Vote,
    VoteQuery,
)
from shared.people import person_key


class KnowledgeFeedback:
    def __init__(self, store: KnowledgeStore, zone: ZoneInfo, clock: Clock = stored_utcnow) -> None:
        self.store = store
        self.zone = zone
        self.clock = clock

    async def vote(self, command: CastVote) -> Vote:
        """One vote per person and article: a second one replaces the first."""
        caller = command.caller
        counted = domain.counts_as_reader(caller)
        if counted:
            await self.store.set_vote(
                caller.person_key, caller.account_id, command.slug, command.helpful, self.clock()
            )
        return Vote(slug=command.slug, helpful=command.helpful, counted=counted)

    async def vote_of(self, query: VoteQuery) -> Vote:
        helpful = await self.store.vote_of(query.caller.person_key, query.slug)
        return Vote(slug=query.slug, helpful=helpful, counted=domain.counts_as_reader(query.caller))

    async def article_opened(self, command: ArticleOpened) -> None:
        if domain.counts_as_reader(command.caller):
            await self.store.note_opened(command.caller.person_key, command.slug, self.clock())

    async def search_missed(self, command: SearchMissed) -> bool:
        """Whether the search was kept: only users' searches are."""
        if not domain.counts_as_reader(command.caller):
            return False
        now = self.clock()
        week = domain.iso_week(now, self.zone)
        await self.store.note_missed(
            command.caller.person_key, week, command.query, command.lang, now
        )
        return True

    async def on_ticket_created(self, event: TicketCreated) -> None:
        """Link the ticket to the articles its author opened shortly before writing it.

        Linked here, from what the server saw the person open, not from a list the client
        sends with the ticket: every client (web, mobile, a reload, a second tab) counts
        alike without changing the ticket API, and nobody can send a list of their choosing.
        """
        ticket = event.payload
        if ticket.author.role != "user":
            return
        opened = await self.store.opened_by(person_key(ticket.account_id, ticket.author.id))
        slugs = domain.opened_before(opened, event.occurred_at)
        if slugs:
            week = domain.iso_week(event.occurred_at, self.zone)
            await self.store.note_opened_before_ticket(
                ticket.number, ticket.account_id, slugs, week, event.occurred_at
            )

    async def report(self, query: ReportQuery) -> KbReport:
        weeks = domain.recent_weeks(self.clock(), self.zone, query.weeks)
        counts = await self.store.vote_counts()
        votes = [
            ArticleVotes(slug=slug, helpful=yes, not_helpful=no)
            for slug, (yes, no) in sorted(counts.items())
        ]
        missed = [row for week in weeks for row in await self.store.missed_in(week)]
        before = [row for week in weeks for row in await self.store.opened_before_ticket_in(week)]
        return KbReport(
            weeks=weeks, votes=votes, missed_searches=missed, opened_before_ticket=before
        )
