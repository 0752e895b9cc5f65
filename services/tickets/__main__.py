"""`python -m services.tickets` starts the tickets service."""

from services.tickets.app import create_app
from shared.service import run_service
from shared.settings import get_settings

settings = get_settings()
run_service(create_app(settings), settings.service_host, settings.tickets_port)
