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
from opentelemetry import trace

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    """The trace id while a span is in progress (tracing on), else the id carried in.

    With tracing on, the id a log line carries is the one to look its trace up by.
    """
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        return trace.format_trace_id(span_context.trace_id)
    return correlation_id.get()


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
        if cid := current_correlation_id():
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
    """Carries the request's correlation id from message headers into every log line and
    the events the handler writes; with tracing on it is the trace id (the tracing
    middleware runs outside this one, so its span is already current)."""

    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        headers = msg.headers or {}
        carried = headers.get("x-correlation-id") or msg.correlation_id
        token = correlation_id.set(current_correlation_id() or carried)
        try:
            return await call_next(msg)
        finally:
            correlation_id.reset(token)
