"""Builds the tickets service: broker, store, service, handlers, outbox relay; nothing else."""

import asyncio
from datetime import timedelta

from faststream.rabbit import RabbitBroker

from services.tickets.domain import SlaPolicy
from services.tickets.handlers import build_router
from services.tickets.service import TicketService
from services.tickets.store import TicketStore
from shared.database import connect_database
from shared.logging import CorrelationMiddleware, configure_logging
from shared.outbox import OutboxRelay
from shared.publishing import event_publisher
from shared.service import ServiceMetrics, broker_checks, build_service_app, combine_checks
from shared.settings import get_settings
from shared.support_hours import SupportCalendar

# Orphan uploads are few and harmless for a while; a purge every ten minutes is plenty.
ORPHAN_PURGE_SECONDS = 600

settings = get_settings()
logger = configure_logging("tickets", settings.log_level)
broker = RabbitBroker(settings.rabbitmq_url, logger=logger, middlewares=[CorrelationMiddleware])
store = TicketStore(connect_database(settings))
relay = OutboxRelay(store.tickets, event_publisher(broker, settings.publish_timeout_seconds))
calendar = SupportCalendar.from_settings(
    settings.support_hours, settings.timezone, settings.holidays
)
sla = SlaPolicy(
    targets={level: timedelta(hours=hours) for level, hours in settings.sla_hours.items()},
    calendar=calendar,
)
service = TicketService(store, sla, events_written=relay.wake)
broker.include_router(build_router(service))


async def database_checks() -> dict[str, bool]:
    return {"database": await store.answers()}


async def purge_orphans_forever() -> None:
    while True:
        removed = await service.purge_orphan_attachments()
        if removed:
            logger.info("orphan attachments purged", extra={"count": removed})
        await asyncio.sleep(ORPHAN_PURGE_SECONDS)


background: list[asyncio.Task[None]] = []


async def start_background() -> None:
    relay.start()
    background.append(asyncio.create_task(purge_orphans_forever(), name="orphan-purge"))


async def stop_background() -> None:
    await relay.stop()
    for task in background:
        task.cancel()
    await asyncio.gather(*background, return_exceptions=True)


metrics = ServiceMetrics()
metrics.outbox(store.tickets)


async def prepare_database() -> None:
    await store.ensure_indexes()
    await relay.ensure_indexes()


app = build_service_app(
    "tickets",
    broker,
    combine_checks(broker_checks(broker), database_checks),
    logger,
    on_startup=[prepare_database],
    after_startup=[start_background],
    on_shutdown=[stop_background],
    metrics=metrics,
)
