"""Reading tickets: one ticket as its reader sees it, the history, the agents' queue and
the tags used."""

from datetime import date, datetime, time, timedelta

from services.tickets import domain
from services.tickets.agent_directory import AgentsSeen
from services.tickets.models import QueueFilters, StoredTicket
from services.tickets.search import query_terms
from services.tickets.store import TicketStore
from shared.clock import Clock
from shared.errors import InvalidRequest, NotFound
from shared.people import Caller
from shared.support_hours import SupportCalendar
from shared.tickets import (
    DAY_MAX,
    DAY_MIN,
    AgentQueueQuery,
    AgentTicketDetail,
    GetTicket,
    HistoryPage,
    HistoryQuery,
    HistoryRow,
    QueuePage,
    QueueRow,
    SubjectsQuery,
    TicketDetail,
)
from shared.triage import TagsQuery
from shared.vocabulary import TICKET_STATUSES


async def visible_ticket(store: TicketStore, number: str, caller: Caller) -> StoredTicket:
    ticket = await store.get(number)
    if ticket is None:
        raise NotFound(f"ticket {number} not found", "ticket_not_found")
    domain.ensure_visible(ticket.account_id, caller, number)
    return ticket


def ticket_detail(ticket: StoredTicket, read_at: datetime | None) -> TicketDetail:
    """The ticket as its reader sees it; `read_at` is when that reader last opened it."""
    first = ticket.messages[0]
    return TicketDetail(
        number=ticket.number,
        subject=ticket.subject,
        message=first.body,
        importance=ticket.importance,
        status=ticket.status,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        account_id=ticket.account_id,
        author=ticket.author,
        attachment=first.attachment,
        sla_due_at=ticket.sla_due_at,
        expected_answer_by=ticket.sla_due_at,
        messages=[message.view() for message in ticket.messages],
        unread=domain.is_unread(ticket.last_support_reply_at, read_at),
    )


def agent_ticket_detail(ticket: StoredTicket) -> AgentTicketDetail:
    """The ticket as support sees it: with its assignee and tags (never unread)."""
    detail = ticket_detail(ticket, None)
    return AgentTicketDetail(**dict(detail), assignee=ticket.assignee, tags=ticket.tags)


class TicketReading:
    def __init__(
        self, store: TicketStore, calendar: SupportCalendar, clock: Clock, agents: AgentsSeen
    ) -> None:
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.agents = agents

    async def get_for_agent(self, query: GetTicket) -> AgentTicketDetail:
        await self.agents.seen(query.caller)
        ticket = await visible_ticket(self.store, query.number, query.caller)
        detail = agent_ticket_detail(ticket)
        detail.ratings = await self.store.ratings.ticket_ratings(ticket.number)
        return detail

    async def get(self, query: GetTicket) -> TicketDetail:
        ticket = await visible_ticket(self.store, query.number, query.caller)
        reader = domain.reader_key(query.caller)
        legacy = (
            domain.legacy_reader_key(query.caller)
            if domain.owns_legacy_keys(ticket.account_id, query.caller)
            else None
        )
        marks = await self.store.read_marks([ticket.number], reader, legacy)
        detail = ticket_detail(ticket, marks.get(ticket.number))
        detail.ratings = await self.store.ratings.ticket_ratings(ticket.number)
        if query.caller.role == "user":
            # Opening the ticket is reading it: support's replies are no longer unread.
            await self.store.mark_read(ticket.number, reader, self.clock())
        return detail

    async def history(self, query: HistoryQuery) -> HistoryPage:
        # The calendar day in the support time zone, as the user sees dates.
        updated = self._days(query.day, query.day) if query.day else None
        skip = (query.page - 1) * query.page_size
        rows, total = await self.store.page_history(
            query.caller.account_id,
            query.status,
            query.subject,
            updated,
            query_terms(query.text) if query.text else [],
            skip,
            query.page_size,
        )
        reader = domain.reader_key(query.caller)
        # Every row is of the caller's account: its legacy marks are the caller's.
        read_marks = await self.store.read_marks(
            [row.number for row in rows], reader, domain.legacy_reader_key(query.caller)
        )
        return HistoryPage(
            items=[
                HistoryRow(
                    ordinal=skip + index + 1,
                    number=row.number,
                    subject=row.subject,
                    author=row.author,
                    status=row.status,
                    importance=row.importance,
                    updated_at=row.updated_at,
                    unread=domain.is_unread(row.last_support_reply_at, read_marks.get(row.number)),
                )
                for index, row in enumerate(rows)
            ],
            total=total.matches,
            total_exact=total.exact,
            page=query.page,
            page_size=query.page_size,
        )

    async def subjects(self, query: SubjectsQuery) -> list[str]:
        return await self.store.subjects(query.caller.account_id)

    async def queue(self, query: AgentQueueQuery) -> QueuePage:
        await self.agents.seen(query.caller)
        skip = (query.page - 1) * query.page_size
        rows, total = await self.store.page_queue(self._filters(query), skip, query.page_size)
        return QueuePage(
            items=[QueueRow.model_validate(row, from_attributes=True) for row in rows],
            total=total.matches,
            total_exact=total.exact,
            page=query.page,
            page_size=query.page_size,
        )

    def _filters(self, query: AgentQueueQuery) -> QueueFilters:
        if query.assignee_id and query.view != "all":
            raise InvalidRequest(
                "choose either a view (mine, unassigned) or an assignee",
                "queue_filters_conflicting",
            )
        # By default the tickets where support has the ball; a search looks through all.
        statuses = (
            (query.status,)
            if query.status
            else TICKET_STATUSES
            if query.text
            else tuple(domain.WAITING_ON_SUPPORT)
        )
        created = None
        if query.created_from or query.created_to:
            created = self._days(query.created_from, query.created_to)
        mine = query.caller.id if query.view == "mine" else None
        return QueueFilters(
            statuses=statuses,
            importance=query.importance,
            account_id=query.account_id,
            words=tuple(map(tuple, query_terms(query.text))) if query.text else (),
            assignee_id=mine or query.assignee_id,
            unassigned=query.view == "unassigned",
            tag=query.tag,
            created=created,
        )

    def _days(self, first: date | None, last: date | None) -> tuple[datetime, datetime]:
        """From the start of `first` to the end of `last` (either open), in the support
        time zone, as [from, to)."""
        if first and last and first > last:
            raise InvalidRequest("the first day comes after the last one", "date_range_invalid")
        start = datetime.combine(first or DAY_MIN, time.min, self.calendar.tz)
        end = datetime.combine(last or DAY_MAX, time.min, self.calendar.tz) + timedelta(days=1)
        return start, end

    async def tags(self, query: TagsQuery) -> list[str]:
        return await self.store.tags(query.prefix.strip().lower())
