"""OpenTelemetry traces across HTTP, RabbitMQ and MongoDB, off unless HELPDESK_OTLP_ENDPOINT is set.

One trace follows a ticket from the gateway's HTTP request through its RPC to the tickets
service, that service's MongoDB calls, the event its outbox relays later, the consumers of
that event, and the gateway's push of the pop-up to the user's socket. The W3C
`traceparent` crosses each hop: message headers on the broker, and the outbox entry for
the time between a write and its relay.

The spans come from the frameworks where they have them (FastAPI's own telemetry, FastStream's
`RabbitTelemetryMiddleware`, the pymongo command listener of opentelemetry-instrumentation-
pymongo); this module makes the ones they cannot: the gateway's own aio-pika publishes
and consumes. Every provider is passed explicitly, never set globally: an app built
without one installs no middleware, listener or span, and what stays on its path is a
check for None or for a current span (about a microsecond).
"""

import asyncio
import os
import socket
from collections.abc import Iterator, MutableMapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from opentelemetry import context, trace
from opentelemetry.instrumentation.pymongo import CommandTracer
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from pymongo.monitoring import CommandListener, CommandStartedEvent

from shared.settings import Settings

TRACES_PATH = "/v1/traces"
TRACEPARENT = "traceparent"
INSTRUMENTATION = "helpdesk"
# W3C trace context, as FastStream's middleware writes and reads it in message headers.
PROPAGATOR = TraceContextTextMapPropagator()


def configure_tracing(settings: Settings, service_name: str) -> TracerProvider | None:
    """This process's tracer provider, exporting over OTLP/HTTP in batches; None when off.

    The endpoint is the collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT is; a URL that
    already names the traces path is taken as it is. Sampling and batching follow the
    standard OTEL_TRACES_SAMPLER and OTEL_BSP_* variables.
    """
    if not settings.otlp_endpoint:
        return None
    # Only a process that exports loads the OTLP client (requests, protobuf).
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    endpoint = settings.otlp_endpoint.rstrip("/")
    if not endpoint.endswith(TRACES_PATH):
        endpoint += TRACES_PATH
    provider = TracerProvider(
        resource=Resource.create(
            {
                "service.namespace": "helpdesk",
                "service.name": service_name,
                # Tells apart the instances of a service scaled out to several processes.
                "service.instance.id": f"{socket.gethostname()}-{os.getpid()}",
            }
        )
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


async def flush_spans(provider: TracerProvider) -> None:
    """Export what is still batched, when the process stops.

    Not left to the provider's exit hook: uvicorn ends its graceful shutdown by raising
    the SIGTERM it caught again, and the process dies of it without running exit hooks.
    """
    await asyncio.to_thread(provider.force_flush)


def tracer_of(provider: TracerProvider | None) -> Tracer | None:
    """The tracer for the spans this project makes itself, or None when tracing is off."""
    return None if provider is None else provider.get_tracer(INSTRUMENTATION)


class TracedCommands(CommandTracer):
    """A span per MongoDB command made inside a trace.

    Commands outside any trace are the background polls (the outbox relays' and the
    reminder scans' every second, the metrics' on each scrape): traced, they would be a
    stream of one-span traces that hides the ones that matter.
    """

    def started(self, event: CommandStartedEvent) -> None:
        if trace.get_current_span().get_span_context().is_valid:
            super().started(event)


def database_listeners(provider: TracerProvider | None) -> list[CommandListener]:
    """The listeners of one client: its own rather than pymongo's global registry, which
    would give every client in the process the first provider it saw. Motor runs each
    command in a thread with a copy of the caller's context, so the span's parent is the
    caller's span."""
    if provider is None:
        return []
    return [TracedCommands(provider.get_tracer("opentelemetry.instrumentation.pymongo"))]


def current_traceparent() -> str | None:
    """The W3C traceparent of the span in progress, to store with what outlives it."""
    carrier: dict[str, str] = {}
    PROPAGATOR.inject(carrier)
    return carrier.get(TRACEPARENT)


@contextmanager
def continued_trace(traceparent: str | None) -> Iterator[None]:
    """Work done later on behalf of a traced write joins that write's trace."""
    if traceparent is None:
        yield
        return
    token = context.attach(PROPAGATOR.extract({TRACEPARENT: traceparent}))
    try:
        yield
    finally:
        context.detach(token)


def _messaging_span(
    tracer: Tracer | None,
    exchange: str,
    routing_key: str,
    operation: str,
    kind: SpanKind,
    parent: context.Context | None = None,
) -> AbstractContextManager[object]:
    """A span named and described as FastStream's middleware names its own; none when off."""
    if tracer is None:
        return nullcontext()
    return tracer.start_as_current_span(
        f"{exchange or 'default'}.{routing_key} {operation}",
        context=parent,
        kind=kind,
        attributes={
            "messaging.system": "rabbitmq",
            "messaging.destination.name": exchange or "default",
            "messaging.rabbitmq.destination.routing_key": routing_key,
            "messaging.operation": operation,
        },
    )


@contextmanager
def publish_span(
    tracer: Tracer | None, exchange: str, routing_key: str, headers: MutableMapping[str, Any]
) -> Iterator[None]:
    """A producer span around one aio-pika publish, its context injected into `headers`."""
    with _messaging_span(tracer, exchange, routing_key, "publish", SpanKind.PRODUCER):
        if tracer is not None:
            PROPAGATOR.inject(headers)
        yield


def consume_span(
    tracer: Tracer | None, exchange: str, routing_key: str, headers: MutableMapping[str, Any]
) -> AbstractContextManager[object]:
    """A consumer span around handling one aio-pika message, child of its publisher's."""
    parent = None if tracer is None else PROPAGATOR.extract(headers)
    return _messaging_span(tracer, exchange, routing_key, "process", SpanKind.CONSUMER, parent)
