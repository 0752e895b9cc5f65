"""`python -m services.notifications` starts the notifications service."""

from services.notifications.app import create_app
from shared.service import run_service
from shared.settings import get_settings

settings = get_settings()
run_service(create_app(settings), settings.service_host, settings.notifications_port)
