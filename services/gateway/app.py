"""Builds the gateway: the FastAPI app, its broker client and routers; nothing else."""

from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Response
from fastapi.telemetry import TelemetryConfig
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CONTENT_TYPE_LATEST

from services.gateway.api import (
    agent,
    availability,
    canned_replies,
    chat_files,
    demo,
    email_copies,
    health,
    help,
    notes,
    popups,
    ratings,
    reports,
    system,
    tickets,
)
from services.gateway.api.pages import install_pages
from services.gateway.attachments import routes as attachments
from services.gateway.attachments.uploads import AttachmentUploads
from services.gateway.auth import TokenVerifier
from services.gateway.body_guard import BodyGuard
from services.gateway.errors import install_error_handlers
from services.gateway.kb import report as kb_report
from services.gateway.kb import routes as kb
from services.gateway.kb.service import KnowledgeBase
from services.gateway.openapi import install_openapi
from services.gateway.ratelimit import RateLimiter, shared_store
from services.gateway.realtime.broadcast import Broadcast
from services.gateway.realtime.chat import install_chat
from services.gateway.realtime.push import PushConsumer
from services.gateway.realtime.stream import install_streams
from services.gateway.security_headers import SecurityHeaders
from services.gateway.strict_forms import install_strict_forms
from shared.attachments import AttachmentStore
from shared.database import connect_database
from shared.logging import configure_logging
from shared.metrics import HttpMetrics, ServiceMetrics
from shared.rpc_client import RpcClient
from shared.settings import Settings, get_settings
from shared.signing import BusSigner
from shared.support_hours import SupportCalendar
from shared.topology import PRESENCE_EXCHANGE
from shared.tracing import configure_tracing, flush_spans, tracer_of

# Probes and scrapes come every few seconds; as traces they would bury the requests.
UNTRACED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in UNTRACED_PATHS


def http_telemetry(tracer_provider: TracerProvider | None) -> TelemetryConfig:
    """FastAPI's own spans (requests, sockets, endpoints, dependencies) when tracing is on.

    Its metrics and log records stay off: /metrics is Prometheus, and the logs are ours,
    which never carry an exception's text (it may quote what a user wrote).
    """
    return {
        "tracer_provider": tracer_provider,
        "tracing": tracer_provider is not None,
        "metrics": False,
        "logs": False,
        "exclude": _untraced,
    }


def create_app(settings: Settings, tracer_provider: TracerProvider | None = None) -> FastAPI:
    """The gateway; traced by `tracer_provider`, else as the settings say."""
    tracer_provider = tracer_provider or configure_tracing(settings, "gateway")
    tracer = tracer_of(tracer_provider)
    logger = configure_logging("gateway", settings.log_level)
    if settings.demo:
        logger.warning(
            "DEMO MODE: anyone can mint agent tokens at POST /api/v1/demo/token and read "
            "every hotel's tickets; never expose this gateway beyond a laptop",
            extra={"event": "demo_mode"},
        )
    verifier = TokenVerifier(settings)
    signer = BusSigner(settings.effective_bus_key)
    reconnect = settings.broker_reconnect_seconds
    rpc = RpcClient(settings.rabbitmq_url, settings.rpc_timeout_seconds, signer, tracer, reconnect)
    database = connect_database(settings, tracer_provider)
    metrics = ServiceMetrics()
    limits_store = shared_store(settings, tracer_provider)
    push = PushConsumer(
        settings.rabbitmq_url,
        settings.rpc_timeout_seconds,
        signer,
        tracer=tracer,
        reconnect_seconds=reconnect,
    )

    presence_broadcast = Broadcast(
        settings.rabbitmq_url, PRESENCE_EXCHANGE, settings.rpc_timeout_seconds, signer, reconnect
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if verifier.jwks is not None:
            await verifier.jwks.start()
        await rpc.connect()
        await presence_broadcast.start()
        await push.start()
        logger.info("gateway ready", extra={"event": "ready", "port": settings.gateway_port})
        yield
        await push.close()
        await presence_broadcast.close()
        await rpc.close()
        if verifier.jwks is not None:
            await verifier.jwks.stop()
        database.client.close()
        limits_store.storage.close()
        if tracer_provider is not None:
            await flush_spans(tracer_provider)

    app = FastAPI(
        title="Help desk gateway",
        version="1.0.0",
        description="REST and WebSocket API of the in-app Help menu and the ops console.",
        lifespan=lifespan,
        telemetry=http_telemetry(tracer_provider),
    )
    app.state.settings = settings
    app.state.rpc = rpc
    app.state.push = push
    app.state.presence_broadcast = presence_broadcast
    app.state.verifier = verifier
    app.state.attachments = AttachmentUploads(
        AttachmentStore(database), settings.max_attachment_mb * 1024 * 1024
    )
    app.state.limiter = RateLimiter(settings.rate_limits, limits_store, metrics.registry)
    # Built before serving so a broken article stops the start instead of a later search.
    app.state.kb = KnowledgeBase.load(settings.kb_dir)
    app.state.calendar = SupportCalendar.from_settings(
        settings.support_hours, settings.timezone, settings.holidays
    )
    install_error_handlers(app)
    install_openapi(app)
    install_strict_forms()
    install_chat(app, push)
    install_streams(app, push)
    for module in (
        health,
        help,
        demo,
        system,
        tickets,
        ratings,
        reports,
        attachments,
        agent,
        availability,
        notes,
        canned_replies,
        kb,
        kb_report,
        popups,
        chat_files,
        email_copies,
    ):
        app.include_router(module.router)
    app.include_router(popups.announcements)
    app.include_router(ratings.reports)
    app.include_router(agent.directory)
    # Innermost (added first): CORS, added by the pages, answers around its refusals, so
    # a host page on another origin can read a 401 or a 413.
    app.add_middleware(
        BodyGuard,
        verifier=app.state.verifier,
        limiter=app.state.limiter,
        upload_max_bytes=settings.max_attachment_mb * 1024 * 1024,
        in_memory_max_bytes=settings.chat_file_max_mb * 1024 * 1024,
    )
    install_pages(app)
    # Outside the guard: its early refusals are counted and carry the headers too.
    app.add_middleware(HttpMetrics, registry=metrics.registry)
    app.add_middleware(SecurityHeaders)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(await metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return app


def app() -> FastAPI:
    """Factory for `uvicorn --factory services.gateway.app:app`."""
    return create_app(get_settings())
