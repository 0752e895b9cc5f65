"""Reading tickets: one ticket as its reader sees it, the history, the agents' queue."""

from datetime import datetime, time, timedelta

from services.tickets import domain
from services.tickets.models import StoredTicket
from services.tickets.search import query_terms
from services.tickets.store import TicketStore
from shared.clock import Clock
from shared.errors import NotFound
from shared.people import Caller
from shared.support_hours import SupportCalendar
from shared.tickets import (
    AgentQueueQuery,
    GetTicket,
    HistoryPage,
    HistoryQuery,
    HistoryRow,
    QueuePage,
    QueueRow,
    SubjectsQuery,
    TicketDetail,
)


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


class TicketReading:
    def __init__(self, store: TicketStore, calendar: SupportCalendar, clock: Clock) -> None:
        self.store = store
        self.calendar = calendar
        self.clock = clock

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
        updated = None
        if query.day:
            # The calendar day in the support time zone, as the user sees dates.
            start = datetime.combine(query.day, time.min, self.calendar.tz)
            updated = (start, start + timedelta(days=1))
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
        # By default the tickets where support has the ball.
        statuses = [query.status] if query.status else domain.WAITING_ON_SUPPORT
        text = query.text.strip() if query.text else None
        skip = (query.page - 1) * query.page_size
        rows, total = await self.store.page_queue(
            statuses, query.importance, query.account_id, text or None, skip, query.page_size
        )
        return QueuePage(
            items=[QueueRow.model_validate(row, from_attributes=True) for row in rows],
            total=total.matches,
            total_exact=total.exact,
            page=query.page,
            page_size=query.page_size,
        )
