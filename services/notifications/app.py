"""Builds the notifications service: broker, store, service, handlers, relays, reminders."""

from faststream.asgi import AsgiFastStream
from faststream.rabbit import RabbitBroker
from opentelemetry.sdk.trace import TracerProvider

from services.notifications.handlers import build_router
from services.notifications.mail.compose import Letterhead
from services.notifications.mail.handlers import build_mail_router
from services.notifications.mail.service import EmailCopyService
from services.notifications.mail.smtp import SmtpMailer
from services.notifications.mail.store import EmailStore
from services.notifications.service import PopupService
from services.notifications.store import PopupStore
from shared.background import BackgroundWork, PeriodicJob
from shared.database import connect_database
from shared.logging import CorrelationMiddleware, configure_logging
from shared.metrics import ServiceMetrics
from shared.outbox import OutboxRelay
from shared.publishing import event_publisher
from shared.service import build_database_service_app
from shared.settings import Settings
from shared.signing import BusSigner
from shared.tracing import configure_tracing


def create_app(settings: Settings, tracer_provider: TracerProvider | None = None) -> AsgiFastStream:
    """The service; traced by `tracer_provider`, else as the settings say (tests pass theirs)."""
    tracer_provider = tracer_provider or configure_tracing(settings, "notifications")
    logger = configure_logging("notifications", settings.log_level)
    broker = RabbitBroker(
        settings.rabbitmq_url,
        logger=logger,
        middlewares=[CorrelationMiddleware],
        reconnect_interval=settings.broker_reconnect_seconds,
    )
    database = connect_database(settings, tracer_provider)
    store = PopupStore(database)
    signer = BusSigner(settings.effective_bus_key)
    publish = event_publisher(broker, "notifications", settings.publish_timeout_seconds, signer)
    popup_relay = OutboxRelay(store.popups, publish)
    announcement_relay = OutboxRelay(store.announcements, publish)
    service = PopupService(store, popup_relay.wake, announcement_relay.wake)
    broker.include_router(build_router(service))
    email_copies = EmailCopyService(
        EmailStore(database),
        SmtpMailer(settings),
        Letterhead(sender=settings.smtp_from, help_url=settings.help_url),
    )
    broker.include_router(build_mail_router(email_copies, settings.email_retry_seconds))

    # Remind later, durably: a snooze stores its due time in the pop-up (flagged, indexed), and
    # this scan turns due ones into `popup.reminded` through the pop-up's outbox.
    #
    # Chosen over a RabbitMQ delay queue because a per-message TTL only expires at the head
    # of its queue (any "remind me at T" would wait behind a later one), while a stored time
    # survives restarts of this service and of the broker alike: after a restart the first
    # scan sends whatever fell due meanwhile. Several instances may scan at once; the
    # versioned write lets exactly one of them remind each pop-up.
    background = BackgroundWork(
        logger,
        relays=[popup_relay, announcement_relay],
        jobs=[
            PeriodicJob(
                "reminders", service.remind_due, settings.reminder_scan_seconds, "pop-ups reminded"
            )
        ],
    )

    metrics = ServiceMetrics()
    metrics.outbox(store.popups)
    metrics.outbox(store.announcements)
    metrics.gauge(
        "helpdesk_reminders_waiting", "Snoozed pop-ups to remind later", store.reminders_waiting
    )

    return build_database_service_app(
        "notifications",
        broker,
        store,
        background,
        logger,
        metrics,
        signer,
        tracer_provider,
    )
