"""`python -m services.tickets` starts the tickets service."""

from services.tickets.app import app, settings
from shared.service import run_service

run_service(app, settings.service_host, settings.tickets_port)
