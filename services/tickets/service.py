"""The tickets service's business functions, as the handlers call them; each job lives in
its own module (creation, updates, reading, attachments)."""

from collections.abc import Callable
from datetime import timedelta

from services.tickets import domain
from services.tickets.agent_directory import AgentsSeen
from services.tickets.attachments import ORPHAN_GRACE, TicketAttachments
from services.tickets.canned import CannedReplyList
from services.tickets.creation import TicketCreation
from services.tickets.notes import InternalNotes
from services.tickets.ratings import Ratings
from services.tickets.reading import TicketReading
from services.tickets.reports import TicketsReporting
from services.tickets.store import TicketStore
from services.tickets.updates import TicketUpdates
from shared.clock import Clock, stored_utcnow
from shared.events import AttachmentRef
from shared.ratings import (
    ChatRating,
    RateChat,
    RateTicket,
    RatingsReport,
    RatingsReportQuery,
    TicketRating,
    TicketRatingQuery,
    TicketRatingState,
)
from shared.reports import TicketsReport, TicketsReportQuery
from shared.tickets import (
    AgentQueueQuery,
    AgentTicketDetail,
    AttachmentQuery,
    CreateTicket,
    GetTicket,
    HistoryPage,
    HistoryQuery,
    Message,
    PostReply,
    QueuePage,
    SubjectsQuery,
    TicketDetail,
    UpdateTicket,
)
from shared.triage import AgentDirectory, AgentsQuery, TagsQuery


class TicketService:
    def __init__(
        self,
        store: TicketStore,
        sla: domain.SlaPolicy,
        events_written: Callable[[], None],
        clock: Clock = stored_utcnow,
    ) -> None:
        self.store = store
        self.sla = sla
        self.attachments = TicketAttachments(store, clock)
        self.creation = TicketCreation(store, sla, self.attachments, events_written, clock)
        self.agents = AgentsSeen(store.agents, clock)
        self.updates = TicketUpdates(
            store, sla, self.attachments, events_written, clock, self.agents
        )
        self.reading = TicketReading(store, sla.calendar, clock, self.agents)
        self.ratings = Ratings(store, store.ratings, clock)
        self.reporting = TicketsReporting(store.reports, sla.calendar, clock)
        # Support's own tools, called by the handlers directly: nothing of theirs is shared
        # with the ticket's changes.
        self.notes = InternalNotes(store, store.notes, events_written, clock)
        self.canned_replies = CannedReplyList(store, store.canned_replies, clock)

    async def create(self, command: CreateTicket) -> TicketDetail:
        return await self.creation.create(command)

    async def reply(self, command: PostReply) -> Message:
        return await self.updates.reply(command)

    async def update(self, command: UpdateTicket) -> AgentTicketDetail:
        return await self.updates.update(command)

    async def get(self, query: GetTicket) -> TicketDetail:
        return await self.reading.get(query)

    async def get_for_agent(self, query: GetTicket) -> AgentTicketDetail:
        return await self.reading.get_for_agent(query)

    async def agent_directory(self, query: AgentsQuery) -> AgentDirectory:
        return await self.agents.directory(query)

    async def tags(self, query: TagsQuery) -> list[str]:
        return await self.reading.tags(query)

    async def history(self, query: HistoryQuery) -> HistoryPage:
        return await self.reading.history(query)

    async def subjects(self, query: SubjectsQuery) -> list[str]:
        return await self.reading.subjects(query)

    async def queue(self, query: AgentQueueQuery) -> QueuePage:
        return await self.reading.queue(query)

    async def attachment(self, query: AttachmentQuery) -> AttachmentRef:
        return await self.attachments.access(query)

    async def rate(self, command: RateTicket) -> TicketRating:
        return await self.ratings.rate_ticket(command)

    async def rating(self, query: TicketRatingQuery) -> TicketRatingState:
        return await self.ratings.ticket_state(query)

    async def rate_chat(self, command: RateChat) -> ChatRating:
        return await self.ratings.rate_chat(command)

    async def ratings_report(self, query: RatingsReportQuery) -> RatingsReport:
        return await self.ratings.report(query)

    async def tickets_report(self, query: TicketsReportQuery) -> TicketsReport:
        return await self.reporting.report(query)

    async def backfill_search_terms(self) -> int:
        return await self.store.backfill_search_terms()

    async def purge_orphan_attachments(self, grace: timedelta = ORPHAN_GRACE) -> int:
        return await self.attachments.purge_orphans(grace)
