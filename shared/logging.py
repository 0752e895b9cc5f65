"""Structured (JSON lines) logging with the correlation id of the request being served.

Log records carry ids and counts only: never chat text, names, phone numbers or tokens.
"""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from faststream import BaseMiddleware

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if cid := correlation_id.get():
            entry["correlation_id"] = cid
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(service: str, level: str = "INFO") -> logging.Logger:
    """Send every logger of the process to stdout as JSON lines; return the service's."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aio-pika/aiormq log connection chatter at INFO; uvicorn's access log duplicates ours.
    for noisy in ("aiormq", "aio_pika", "uvicorn.access", "pymongo"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return logging.getLogger(f"helpdesk.{service}")


class CorrelationMiddleware(BaseMiddleware):
    """Carries the request's correlation id from message headers into every log line."""

    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        headers = msg.headers or {}
        token = correlation_id.set(headers.get("x-correlation-id") or msg.correlation_id)
        try:
            return await call_next(msg)
        finally:
            correlation_id.reset(token)
