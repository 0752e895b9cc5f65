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
# The search backfill does its work at the first start of a release that searches (or
# analyses differently); after that it finds only tickets an older instance wrote during a
# rolling upgrade, by an index, so an hourly round costs next to nothing.
SEARCH_BACKFILL_SECONDS = 3600


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
    publish = event_publisher(broker, "tickets", settings.publish_timeout_seconds, signer)
    relay = OutboxRelay(store.tickets, publish)
    # Notes are documents of their own, so their events ride in them (shared/outbox.py).
    notes_relay = OutboxRelay(store.notes.notes, publish)

    def events_written() -> None:
        relay.wake()
        notes_relay.wake()

    calendar = SupportCalendar.from_settings(
        settings.support_hours, settings.timezone, settings.holidays
    )
    sla = SlaPolicy(
        targets={level: timedelta(hours=hours) for level, hours in settings.sla_hours.items()},
        calendar=calendar,
    )
    service = TicketService(store, sla, events_written=events_written)
    broker.include_router(build_router(service))
    knowledge = KnowledgeFeedback(store.knowledge, calendar.tz)
    broker.include_router(knowledge_handlers.build_router(knowledge))

    background = BackgroundWork(
        logger,
        relays=[relay, notes_relay],
        jobs=[
            PeriodicJob(
                "search-backfill",
                service.backfill_search_terms,
                SEARCH_BACKFILL_SECONDS,
                "tickets given their search terms",
            ),
            PeriodicJob(
                "orphan-purge",
                service.purge_orphan_attachments,
                ORPHAN_PURGE_SECONDS,
                "orphan attachments purged",
            ),
        ],
    )

    metrics = ServiceMetrics()
    metrics.outbox(store.tickets)
    metrics.outbox(store.notes.notes)

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
