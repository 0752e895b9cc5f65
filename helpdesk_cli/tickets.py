"""The tickets service's own code, run in-process: bulk tickets and the orphan purge."""

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from services.tickets import domain
from services.tickets.creation import new_ticket
from services.tickets.models import StoredTicket
from services.tickets.service import TicketService
from services.tickets.store import TicketStore
from shared.clock import stored_precision, stored_utcnow
from shared.database import connect_database
from shared.people import Caller
from shared.settings import Settings
from shared.support_hours import SupportCalendar
from shared.tickets import CreateTicket
from shared.vocabulary import IMPORTANCES, TICKET_STATUSES, TicketStatus

BATCH = 1000
SUBJECTS = 30


@asynccontextmanager
async def ticket_service(settings: Settings) -> AsyncIterator[TicketService]:
    """The service as services/tickets/app.py builds it, minus broker and relay."""
    database = connect_database(settings)
    calendar = SupportCalendar.from_settings(
        settings.support_hours, settings.timezone, settings.holidays
    )
    targets = {level: timedelta(hours=hours) for level, hours in settings.sla_hours.items()}
    try:
        # No relay runs here, so nothing needs waking after a write.
        yield TicketService(
            TicketStore(database), domain.SlaPolicy(targets, calendar), lambda: None
        )
    finally:
        database.client.close()


async def seed_tickets(
    settings: Settings,
    count: int,
    account_id: str,
    advance: Callable[[int], None],
    days: int = 0,
) -> None:
    """Insert `count` tickets in batches, numbered by the service's own counter.

    With `days`, they are a history: updated evenly over the last `days` days, each in a
    random status with the SLA clock the rules give it.
    """
    caller = Caller(role="user", id="bench", name="Bench", account_id=account_id)
    async with ticket_service(settings) as service:
        await service.store.ensure_indexes()
        # One counter step for the whole lot: numbers first+0 … first+count-1.
        first = await service.store.numbers.next(count) - count + 1
        end = stored_utcnow()
        batch: list[StoredTicket] = []
        for index in range(count):
            command = CreateTicket(
                caller=caller,
                subject=f"Temat {index % SUBJECTS}",
                message="Zgłoszenie testowe",
                importance=random.choice(IMPORTANCES),
            )
            at = stored_precision(end - timedelta(days=days) * (count - 1 - index) / count)
            number = domain.ticket_number(first + index)
            ticket, _event = new_ticket(command, number, at, service.sla)
            if days:
                ticket = _in_status(service.sla, ticket, random.choice(TICKET_STATUSES))
            # Written without their ticket.created events: benchmark data must not flood
            # the notifications service or the sockets of whoever is connected.
            batch.append(ticket)
            if len(batch) == BATCH or index == count - 1:
                await service.store.insert_seeded(batch)
                advance(len(batch))
                batch = []


def _in_status(sla: domain.SlaPolicy, ticket: StoredTicket, status: TicketStatus) -> StoredTicket:
    due = domain.next_sla_due(
        status, ticket.importance, ticket.sla_due_at, ticket.updated_at, sla, restart=False
    )
    return ticket.model_copy(update={"status": status, "sla_due_at": due})


async def purge_orphans(settings: Settings) -> int:
    async with ticket_service(settings) as service:
        return await service.purge_orphan_attachments()
