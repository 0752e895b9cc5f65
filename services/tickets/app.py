"""Builds the tickets service: broker, store, service, handlers, outbox relay; nothing else."""

from datetime import timedelta

from faststream.asgi import AsgiFastStream
from faststream.rabbit import RabbitBroker
from opentelemetry.sdk.trace import TracerProvider

from services.tickets.domain import SlaPolicy
from services.tickets.handlers import build_router
from services.tickets.knowledge import handlers as knowledge_handlers
from services.tickets.knowledge.service import KnowledgeFeedback
from services.tickets.service import TicketService
from services.tickets.store import TicketStore
from shared.background import BackgroundWork, PeriodicJob
from shared.database import connect_database
from shared.logging import CorrelationMiddleware, configure_logging
from shared.metrics import ServiceMetrics
from shared.outbox import OutboxRelay
from shared.publishing import event_publisher
from shared.service import build_database_service_app
from shared.settings import Settings
from shared.signing import BusSigner
from shared.support_hours import SupportCalendar
from shared.tracing import configure_tracing

# Orphan uploads are few and harmless for a while; a purge every ten minutes is plenty.
ORPHAN_PURGE_SECONDS = 600


def create_app(settings: Settings, tracer_provider: TracerProvider | None = None) -> AsgiFastStream:
    """The service; traced by `tracer_provider`, else as the settings say (tests pass theirs)."""
    tracer_provider = tracer_provider or configure_tracing(settings, "tickets")
    logger = configure_logging("tickets", settings.log_level)
    broker = RabbitBroker(
        settings.rabbitmq_url,
        logger=logger,
        middlewares=[CorrelationMiddleware],
        reconnect_interval=settings.broker_reconnect_seconds,
    )
    store = TicketStore(connect_database(settings, tracer_provider))
    signer = BusSigner(settings.effective_bus_key)
    relay = OutboxRelay(
        store.tickets, event_publisher(broker, "tickets", settings.publish_timeout_seconds, signer)
    )
    calendar = SupportCalendar.from_settings(
        settings.support_hours, settings.timezone, settings.holidays
    )
    sla = SlaPolicy(
        targets={level: timedelta(hours=hours) for level, hours in settings.sla_hours.items()},
        calendar=calendar,
    )
    service = TicketService(store, sla, events_written=relay.wake)
    broker.include_router(build_router(service))
    knowledge = KnowledgeFeedback(store.knowledge, calendar.tz)
    broker.include_router(knowledge_handlers.build_router(knowledge))

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

    return build_database_service_app(
        "tickets",
        broker,
        store,
        background,
        logger,
        metrics,
        signer,
        tracer_provider,
    )
