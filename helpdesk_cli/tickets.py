"""The tickets service's own code, run in-process: bulk tickets and the orphan purge."""

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from services.tickets import domain
from services.tickets.service import TicketService
from services.tickets.store import TicketStore
from shared.clock import stored_precision
from shared.database import connect_database
from shared.outbox import with_events
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
        first = await service.store.next_sequence(count) - count + 1
        end = service.clock()
        batch: list[dict[str, Any]] = []
        for index in range(count):
            command = CreateTicket(
                caller=caller,
                subject=f"Temat {index % SUBJECTS}",
                message="Zgłoszenie testowe",
                importance=random.choice(IMPORTANCES),
            )
            at = end - timedelta(days=days) * (count - 1 - index) / count
            document = _ticket_at(service, command, domain.ticket_number(first + index), at)
            if days:
                document = _in_status(service, document, random.choice(TICKET_STATUSES))
            # Written without their ticket.created events: benchmark data must not flood
            # the notifications service or the sockets of whoever is connected.
            batch.append(with_events(document))
            if len(batch) == BATCH or index == count - 1:
                await service.store.insert_many(batch)
                advance(len(batch))
                batch = []


def _ticket_at(
    service: TicketService, command: CreateTicket, number: str, at: datetime
) -> dict[str, Any]:
    """The ticket `create` would have written at that moment (the seeding service's clock
    is set to it: nothing else uses that service)."""
    # BSON dates hold milliseconds, as the service's own clock gives them.
    moment = stored_precision(at)
    service.clock = lambda: moment
    document, _event = service.new_ticket(command, number, None, None)
    return document


def _in_status(
    service: TicketService, document: dict[str, Any], status: TicketStatus
) -> dict[str, Any]:
    due = domain.next_sla_due(
        status,
        document["importance"],
        document["sla_due_at"],
        document["updated_at"],
        service.sla,
        restart=False,
    )
    return {**document, "status": status, "sla_due_at": due}


async def purge_orphans(settings: Settings) -> int:
    async with ticket_service(settings) as service:
        return await service.purge_orphan_attachments()
