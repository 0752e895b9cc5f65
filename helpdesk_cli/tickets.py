"""The tickets service's own code, run in-process: bulk tickets and the orphan purge."""

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from services.tickets import domain
from services.tickets.service import TicketService
from services.tickets.store import TicketStore
from shared.database import connect_database
from shared.outbox import with_events
from shared.people import Caller
from shared.settings import Settings
from shared.support_hours import SupportCalendar
from shared.tickets import CreateTicket
from shared.vocabulary import IMPORTANCES

BATCH = 500
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
    settings: Settings, count: int, account_id: str, advance: Callable[[int], None]
) -> None:
    """Insert `count` tickets in batches, numbered by the service's own counter."""
    caller = Caller(role="user", id="bench", name="Bench", account_id=account_id)
    async with ticket_service(settings) as service:
        await service.store.ensure_indexes()
        batch: list[dict[str, Any]] = []
        for index in range(count):
            command = CreateTicket(
                caller=caller,
                subject=f"Temat {index % SUBJECTS}",
                message="Zgłoszenie testowe",
                importance=random.choice(IMPORTANCES),
            )
            number = domain.ticket_number(await service.store.next_sequence("ticket"))
            document, _event = service._new_ticket(command, number, None, None)
            # Written without their ticket.created events: benchmark data must not flood
            # the notifications service or the sockets of whoever is connected.
            batch.append(with_events(document))
            if len(batch) == BATCH or index == count - 1:
                await service.store.tickets.insert_many(batch)
                advance(len(batch))
                batch = []


async def purge_orphans(settings: Settings) -> int:
    async with ticket_service(settings) as service:
        return await service.purge_orphan_attachments()
