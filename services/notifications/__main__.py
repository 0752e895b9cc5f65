"""`python -m services.notifications` starts the notifications service."""

from services.notifications.app import app, settings
from shared.service import run_service

run_service(app, settings.service_host, settings.notifications_port)
