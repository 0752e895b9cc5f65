"""`python -m services.chat` starts the chat service."""

from services.chat.app import app, settings
from shared.service import run_service

run_service(app, settings.service_host, settings.chat_port)
