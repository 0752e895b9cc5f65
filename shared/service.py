"""What every FastStream service shares: its status query, health endpoints and runner.

Each service builds its broker and handlers; this module gives all of them the same
readiness signal (`/healthz`, `/readyz` over HTTP for orchestrators, the `status` query
over the broker for the gateway) and the same graceful start and stop.
"""

import logging
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import uvicorn
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.asgi.response import JSONResponse
from faststream.rabbit import RabbitBroker, RabbitRouter
from faststream.rabbit.prometheus import RabbitPrometheusMiddleware
from motor.motor_asyncio import AsyncIOMotorCollection
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel
from pymongo.errors import PyMongoError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.background import BackgroundWork
from shared.outbox import OUTBOX_FIELD, PENDING_FLAG
from shared.rpc import ServiceStatus, StatusQuery, rpc_endpoint
from shared.topology import (
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTER_QUEUE,
    EVENTS_EXCHANGE,
    ServiceName,
    rpc_queue,
)

ReadinessChecks = Callable[[], Awaitable[dict[str, bool]]]

logger = logging.getLogger("helpdesk.metrics")

# In-flight messages get this long to finish on SIGTERM before the process exits.
GRACEFUL_TIMEOUT_SECONDS = 15.0
BROKER_PING_TIMEOUT_SECONDS = 2.0


def status_router(service: ServiceName, checks: ReadinessChecks) -> RabbitRouter:
    """The `status` query every service answers: who it is and whether its dependencies do."""
    router = RabbitRouter()
    instance = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    started_at = datetime.now(UTC)

    @router.subscriber(rpc_queue(service, "status"))
    @rpc_endpoint
    async def report_status(query: StatusQuery) -> ServiceStatus:
        return ServiceStatus(
            service=service, instance=instance, started_at=started_at, checks=await checks()
        )

    return router


def broker_checks(broker: RabbitBroker) -> ReadinessChecks:
    async def checks() -> dict[str, bool]:
        return {"broker": await broker.ping(BROKER_PING_TIMEOUT_SECONDS)}

    return checks


def combine_checks(*parts: ReadinessChecks) -> ReadinessChecks:
    async def checks() -> dict[str, bool]:
        result: dict[str, bool] = {}
        for part in parts:
            result.update(await part())
        return result

    return checks


async def declare_event_topology(broker: RabbitBroker) -> None:
    """Exchanges and the dead-letter queue, declared idempotently by every service."""
    await broker.declare_exchange(EVENTS_EXCHANGE)
    dead_letter_exchange = await broker.declare_exchange(DEAD_LETTER_EXCHANGE)
    dead_letters = await broker.declare_queue(DEAD_LETTER_QUEUE)
    await dead_letters.bind(dead_letter_exchange, routing_key=DEAD_LETTER_QUEUE.routing())


def build_service_app(
    service: ServiceName,
    broker: RabbitBroker,
    checks: ReadinessChecks,
    logger: logging.Logger,
    on_startup: Sequence[Callable[[], Awaitable[Any]]] = (),
    after_startup: Sequence[Callable[[], Awaitable[Any]]] = (),
    on_shutdown: Sequence[Callable[[], Awaitable[Any]]] = (),
    metrics: "ServiceMetrics | None" = None,
) -> AsgiFastStream:
    broker.include_router(status_router(service, checks))
    metrics = metrics or ServiceMetrics()
    # Events and requests consumed and published, by destination (exchange and routing
    # key, which is the event type), with latencies and failures: FastStream's own.
    broker.add_middleware(RabbitPrometheusMiddleware(registry=metrics.registry, app_name=service))

    @get
    async def healthz(scope: Any) -> AsgiResponse:
        return JSONResponse({"status": "alive", "service": service})

    @get
    async def readyz(scope: Any) -> AsgiResponse:
        result = await checks()
        ready = all(result.values())
        return JSONResponse({"ready": ready, "checks": result}, 200 if ready else 503)

    @get
    async def metrics_endpoint(scope: Any) -> AsgiResponse:
        return AsgiResponse(await metrics.render(), headers={"content-type": CONTENT_TYPE_LATEST})

    async def declare_topology() -> None:
        await declare_event_topology(broker)

    async def announce_ready() -> None:
        logger.info("service ready", extra={"event": "ready"})

    return AsgiFastStream(
        broker,
        asgi_routes=[("/healthz", healthz), ("/readyz", readyz), ("/metrics", metrics_endpoint)],
        asyncapi_path="/asyncapi",
        logger=logger,
        on_startup=list(on_startup),
        after_startup=[declare_topology, *after_startup, announce_ready],
        on_shutdown=list(on_shutdown),
    )


class ServiceStore(Protocol):
    """What a database service's store offers its start-up and readiness."""

    async def ensure_indexes(self) -> None: ...

    async def answers(self) -> bool: ...


def build_database_service_app(
    service: ServiceName,
    broker: RabbitBroker,
    store: ServiceStore,
    background: BackgroundWork,
    logger: logging.Logger,
    metrics: "ServiceMetrics",
) -> AsgiFastStream:
    """A service that owns a database: ready when broker and database answer, indexes
    declared before it serves, its background work running while it does."""

    async def database_checks() -> dict[str, bool]:
        return {"database": await store.answers()}

    async def prepare_database() -> None:
        await store.ensure_indexes()
        await background.prepare()

    return build_service_app(
        service,
        broker,
        combine_checks(broker_checks(broker), database_checks),
        logger,
        on_startup=[prepare_database],
        after_startup=[background.start],
        on_shutdown=[background.stop],
        metrics=metrics,
    )


def run_service(app: AsgiFastStream, host: str, port: int) -> None:
    """Serve the app; uvicorn turns SIGTERM/SIGINT into a graceful lifespan shutdown."""
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        timeout_graceful_shutdown=int(GRACEFUL_TIMEOUT_SECONDS),
        lifespan="on",
    )


class OutboxBacklog(BaseModel):
    """Events written but not yet confirmed by the broker, in one outbox collection."""

    pending_documents: int
    oldest_age_seconds: float


async def outbox_backlog(collection: AsyncIOMotorCollection[Any]) -> OutboxBacklog:
    """How far the outbox relay is behind: pending documents and the age of the oldest event.

    Pending documents are few while the relay keeps up (it drains them within a second),
    so reading their outboxes is cheap; a large backlog is exactly what this reports.
    """
    cursor = collection.find({PENDING_FLAG: True}, {OUTBOX_FIELD: 1})
    documents = [document async for document in cursor]
    times = [
        datetime.fromisoformat(event["occurred_at"])
        for document in documents
        for event in document.get(OUTBOX_FIELD, [])
    ]
    oldest = (datetime.now(UTC) - min(times)).total_seconds() if times else 0.0
    return OutboxBacklog(pending_documents=len(documents), oldest_age_seconds=max(oldest, 0.0))


async def count_matching(collection: AsyncIOMotorCollection[Any], query: dict[str, Any]) -> int:
    # The `count` command, not count_documents(): NX-27017 runs that aggregation in Python.
    counted = await collection.database.command("count", collection.name, query=query)
    total: int = counted["n"]
    return total


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
            sockets = self.sockets.labels(scope["path"])
            sockets.inc()
            try:
                await self.app(scope, receive, send)
            finally:
                sockets.dec()
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
            # The template, never the raw path: ticket numbers and 404 probes would each
            # become a series of their own.
            route = getattr(scope.get("route"), "path", "unmatched")
            self.requests.labels(scope["method"], route, str(status)).inc()
            self.latency.labels(scope["method"], route).observe(time.perf_counter() - started)
