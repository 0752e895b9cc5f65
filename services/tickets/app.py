"""Builds the tickets service: broker, store, service, handlers, outbox relay; nothing else."""

from datetime import timedelta

from faststream.rabbit import RabbitBroker

from services.tickets.domain import SlaPolicy
from services.tickets.handlers import build_router
from services.tickets.service import TicketService
from services.tickets.store import TicketStore
from shared.background import BackgroundWork, PeriodicJob
from shared.database import connect_database
from shared.logging import CorrelationMiddleware, configure_logging
from shared.metrics import ServiceMetrics
from shared.outbox import OutboxRelay
from shared.publishing import event_publisher
from shared.service import build_database_service_app
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


background = BackgroundWork(
    logger,
    relays=[relay],
    jobs=[
        PeriodicJob(
            "orphan-purge",
            service.purge_orphan_attachments,
            ORPHAN_PURGE_SECONDS,
            "orphan attachments purged",
        )
    ],
)


metrics = ServiceMetrics()
metrics.outbox(store.tickets)


app = build_database_service_app("tickets", broker, store, background, logger, metrics)
