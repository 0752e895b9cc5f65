"""Builds the chat service: broker and handlers; it has no database on purpose."""

from faststream.rabbit import RabbitBroker

from shared.logging import configure_logging
from shared.service import broker_checks, build_service_app
from shared.settings import get_settings

settings = get_settings()
logger = configure_logging("chat", settings.log_level)
broker = RabbitBroker(settings.rabbitmq_url, logger=logger)

app = build_service_app("chat", broker, broker_checks(broker), logger)
