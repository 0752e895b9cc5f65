"""What every FastStream service shares: its status query, health endpoints and runner.

Each service builds its broker and handlers; this module gives all of them the same
readiness signal (`/healthz`, `/readyz` over HTTP for orchestrators, the `status` query
over the broker for the gateway) and the same graceful start and stop.
"""

import functools
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import uvicorn
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.asgi.response import JSONResponse
from faststream.rabbit import RabbitBroker, RabbitRouter
from faststream.rabbit.opentelemetry import RabbitTelemetryMiddleware
from faststream.rabbit.prometheus import RabbitPrometheusMiddleware
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CONTENT_TYPE_LATEST

from shared.background import BackgroundWork
from shared.consumer_watch import ConsumerWatch
from shared.metrics import ServiceMetrics
from shared.rpc import ServiceStatus, StatusQuery, answers, status_route
from shared.signing import BusSigner
from shared.topology import (
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTER_QUEUE,
    EVENTS_EXCHANGE,
    LIVE_EXCHANGE,
    ServiceName,
)
from shared.tracing import flush_spans

ReadinessChecks = Callable[[], Awaitable[dict[str, bool]]]

# In-flight messages get this long to finish on SIGTERM before the process exits.
GRACEFUL_TIMEOUT_SECONDS = 15.0
BROKER_PING_TIMEOUT_SECONDS = 2.0


def status_router(service: ServiceName, checks: ReadinessChecks) -> RabbitRouter:
    """The `status` query every service answers: who it is and whether its dependencies do."""
    router = RabbitRouter()
    instance = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    started_at = datetime.now(UTC)

    @answers(router, status_route(service))
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
    await broker.declare_exchange(LIVE_EXCHANGE)
    dead_letter_exchange = await broker.declare_exchange(DEAD_LETTER_EXCHANGE)
    dead_letters = await broker.declare_queue(DEAD_LETTER_QUEUE)
    await dead_letters.bind(dead_letter_exchange, routing_key=DEAD_LETTER_QUEUE.routing())


def build_service_app(
    service: ServiceName,
    broker: RabbitBroker,
    checks: ReadinessChecks,
    logger: logging.Logger,
    signer: BusSigner,
    on_startup: Sequence[Callable[[], Awaitable[Any]]] = (),
    after_startup: Sequence[Callable[[], Awaitable[Any]]] = (),
    on_shutdown: Sequence[Callable[[], Awaitable[Any]]] = (),
    metrics: ServiceMetrics | None = None,
    tracer_provider: TracerProvider | None = None,
) -> AsgiFastStream:
    broker.include_router(status_router(service, checks))
    # Requests answer only to the gateway's signature (broker access is not impersonation).
    broker.add_middleware(signer.middleware())
    metrics = metrics or ServiceMetrics()
    # Events and requests consumed and published, by destination (exchange and routing
    # key, which is the event type), with latencies and failures: FastStream's own.
    broker.add_middleware(RabbitPrometheusMiddleware(registry=metrics.registry, app_name=service))
    after_shutdown: list[Callable[[], Awaitable[Any]]] = []
    if tracer_provider is not None:
        # Outermost, so the correlation middleware and the handler already run in its span.
        broker.insert_middleware(RabbitTelemetryMiddleware(tracer_provider=tracer_provider))
        after_shutdown.append(functools.partial(flush_spans, tracer_provider))

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

    # Every service keeps its consumers, whatever aio-pika's restore leaves behind.
    consumers = ConsumerWatch(broker)

    return AsgiFastStream(
        broker,
        asgi_routes=[("/healthz", healthz), ("/readyz", readyz), ("/metrics", metrics_endpoint)],
        asyncapi_path="/asyncapi",
        logger=logger,
        on_startup=list(on_startup),
        after_startup=[declare_topology, *after_startup, consumers.start, announce_ready],
        on_shutdown=[consumers.stop, *on_shutdown],
        # After the broker stopped, so the spans of the last messages handled are sent too.
        after_shutdown=after_shutdown,
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
    metrics: ServiceMetrics,
    signer: BusSigner,
    tracer_provider: TracerProvider | None = None,
) -> AsgiFastStream:
    """A service that owns a database: ready when broker and database answer, indexes
    declared before it serves, its background work running while it does."""

    async def database_checks() -> dict[str, bool]:
        return {"database": await store.answers()}

    async def prepare_database() -> None:
        await store.ensure_indexes()

    return build_service_app(
        service,
        broker,
        combine_checks(broker_checks(broker), database_checks),
        logger,
        signer,
        on_startup=[prepare_database],
        after_startup=[background.start],
        on_shutdown=[background.stop],
        metrics=metrics,
        tracer_provider=tracer_provider,
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
