"""Builds the notifications service: broker, store, handlers; nothing else."""

from faststream.rabbit import RabbitBroker

from services.notifications.store import PopupStore
from shared.database import connect_database
from shared.logging import configure_logging
from shared.service import broker_checks, build_service_app, combine_checks
from shared.settings import get_settings

settings = get_settings()
logger = configure_logging("notifications", settings.log_level)
broker = RabbitBroker(settings.rabbitmq_url, logger=logger)
store = PopupStore(connect_database(settings))


async def database_checks() -> dict[str, bool]:
    return {"database": await store.answers()}


app = build_service_app(
    "notifications",
    broker,
    combine_checks(broker_checks(broker), database_checks),
    logger,
    on_startup=[store.ensure_indexes],
)
