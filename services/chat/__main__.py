"""`python -m services.chat` starts the chat service."""

from services.chat.app import create_app
from shared.service import run_service
from shared.settings import get_settings

settings = get_settings()
run_service(create_app(settings), settings.service_host, settings.chat_port)
