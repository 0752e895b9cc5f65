"""Prometheus metrics: each process's registry, gauges measured on scrape, HTTP metrics."""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from pymongo.errors import PyMongoError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.outbox import outbox_backlog

logger = logging.getLogger("helpdesk.metrics")


class ServiceMetrics:
    """The process's Prometheus registry, and gauges measured when /metrics is scraped.

    A registry of its own (not prometheus_client's global one) so that tests and a second
    app in one process never register a metric twice.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._measures: list[Callable[[], Awaitable[None]]] = []
        self._outbox: tuple[Gauge, Gauge] | None = None

    def gauge(self, name: str, documentation: str, read: Callable[[], Awaitable[float]]) -> None:
        gauge = Gauge(name, documentation, registry=self.registry)

        async def measure() -> None:
            gauge.set(await read())

        self._measures.append(measure)

    def outbox(self, collection: AsyncIOMotorCollection[Any]) -> None:
        """The backlog of one outbox collection, labelled with its name."""
        if self._outbox is None:
            self._outbox = (
                Gauge(
                    "helpdesk_outbox_pending_documents",
                    "Documents whose events the relay has not published yet",
                    ["outbox"],
                    registry=self.registry,
                ),
                Gauge(
                    "helpdesk_outbox_oldest_age_seconds",
                    "Age of the oldest event not published yet (0 when none waits)",
                    ["outbox"],
                    registry=self.registry,
                ),
            )
        pending, oldest = (gauge.labels(collection.name) for gauge in self._outbox)

        async def measure() -> None:
            backlog = await outbox_backlog(collection)
            pending.set(backlog.pending_documents)
            oldest.set(backlog.oldest_age_seconds)

        self._measures.append(measure)

    async def render(self) -> bytes:
        for measure in self._measures:
            try:
                await measure()
            except PyMongoError:
                # The database being away must not fail the scrape of everything else;
                # /readyz reports the outage, and these gauges keep their last value.
                logger.warning("metric not measured: the database does not answer")
        return generate_latest(self.registry)


class HttpMetrics:
    """ASGI middleware: HTTP requests by route template and status with their latency, and
    the WebSockets open right now. Pure ASGI, so streamed uploads and sockets pass through
    untouched."""

    def __init__(self, app: ASGIApp, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter(
            "helpdesk_http_requests_total",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "helpdesk_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template",
            ["method", "route"],
            registry=registry,
        )
        self.sockets = Gauge(
            "helpdesk_websockets_open",
            "WebSockets open now, by route",
            ["route"],
            registry=registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = _route_template(scope)
            self.requests.labels(scope["method"], route, str(status)).inc()
            self.latency.labels(scope["method"], route).observe(time.perf_counter() - started)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Counted from its acceptance, under its route's template: a socket refused at
        the handshake (a made-up path) is never a series of its own."""
        counted: Gauge | None = None

        async def send_counting(message: Message) -> None:
            nonlocal counted
            if message["type"] == "websocket.accept" and counted is None:
                counted = self.sockets.labels(_route_template(scope))
                counted.inc()
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            if counted is not None:
                counted.dec()


def _route_template(scope: Scope) -> str:
    # The template, never the raw path: ticket numbers and probes of made-up paths would
    # each become a series of their own.
    return getattr(scope.get("route"), "path", "unmatched")
