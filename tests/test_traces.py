"""Traces: one trace from a ticket's HTTP request through RabbitMQ, the consumers and MongoDB
to the frame on a socket; nothing traced while HELPDESK_OTLP_ENDPOINT is unset.

The services normally run as subprocesses exporting over OTLP; here the gateway and the
tickets and notifications services run in this process, each with its own SDK tracer
provider writing to one in-memory exporter, against the real broker and database (in a
virtual host and database of this module's own, so the session's services never take
these messages).
"""

import asyncio
import json
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
import pytest
import uvicorn
import websockets
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_trace_id
from pymongo import MongoClient

from services.gateway.app import create_app as create_gateway
from services.notifications.app import create_app as create_notifications
from services.tickets.app import create_app as create_tickets
from shared.logging import JsonFormatter, correlation_id
from shared.routes import CREATE_TICKET
from shared.settings import Settings
from shared.tracing import configure_tracing
from tests.support.harness import ServiceProcess, free_port
from tests.support.system import TEST_BUS_KEY, TEST_JWT_SECRET, bearer, make_token, rabbitmqctl

# A deadline, not a wait: the spans are usually there within milliseconds.
SPAN_PATIENCE_SECONDS = 20
START_PATIENCE_SECONDS = 60


@dataclass
class TracedDesk:
    gateway_url: str
    exporter: InMemorySpanExporter

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())


def traced_provider(service: str, exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@contextmanager
def own_vhost_and_database(base: Settings) -> Iterator[Settings]:
    """Settings for a broker virtual host and a database nobody else uses."""
    vhost = f"helpdesk-traces-{uuid.uuid4().hex[:8]}"
    database = f"helpdesk_traces_{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    try:
        yield base.model_copy(
            update={
                "rabbitmq_url": base.rabbitmq_url.rstrip("/") + "/" + quote(vhost, ""),
                "mongo_db": database,
                "jwt_secret": TEST_JWT_SECRET,
                "bus_key": TEST_BUS_KEY,
                "support_hours": "always",
                "rate_limits": False,
                "tickets_port": 0,
                "notifications_port": 0,
                "otlp_endpoint": None,
            }
        )
    finally:
        rabbitmqctl("delete_vhost", vhost)
        with MongoClient(base.mongo_url) as client:
            client.drop_database(database)


@pytest.fixture(scope="module")
def traced_settings(base_settings: Settings) -> Iterator[Settings]:
    with own_vhost_and_database(base_settings) as settings:
        yield settings


@pytest.fixture(scope="module")
async def traced(traced_settings: Settings) -> AsyncIterator[TracedDesk]:
    exporter = InMemorySpanExporter()
    port = free_port()
    started = asyncio.Event()
    stop = asyncio.Event()
    # One task enters and leaves the apps' lifespans: their task groups must not change task.
    running = asyncio.create_task(run_desk(traced_settings, port, exporter, started, stop))
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        waiting.cancel()
        running.result()
    try:
        yield TracedDesk(f"http://127.0.0.1:{port}", exporter)
    finally:
        stop.set()
        await running


async def run_desk(
    settings: Settings,
    port: int,
    exporter: InMemorySpanExporter,
    started: asyncio.Event,
    stop: asyncio.Event,
) -> None:
    tickets = create_tickets(settings, traced_provider("tickets", exporter))
    notifications = create_notifications(settings, traced_provider("notifications", exporter))
    gateway = create_gateway(
        settings.model_copy(update={"gateway_port": port}), traced_provider("gateway", exporter)
    )
    server = uvicorn.Server(
        uvicorn.Config(gateway, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    # An app's lifespan returns before its broker consumes (FastStream starts the broker
    # after it); its after-startup hooks run once every subscriber is consuming. A request
    # sent before that is refused with 503 (it failed a loaded CI run).
    consuming = [asyncio.Event(), asyncio.Event()]
    for app, ready in zip((tickets, notifications), consuming, strict=True):
        app.after_startup(_setter(ready))
    async with tickets.start_lifespan_context(), notifications.start_lifespan_context():
        serving = asyncio.create_task(server.serve())
        deadline = asyncio.get_running_loop().time() + START_PATIENCE_SECONDS
        while not (server.started and all(ready.is_set() for ready in consuming)):
            if serving.done():
                serving.result()
                raise RuntimeError("the gateway did not start")
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(f"the desk did not start in {START_PATIENCE_SECONDS} s")
            await asyncio.sleep(0.05)
        started.set()
        await stop.wait()
        server.should_exit = True
        await serving


def _setter(event: asyncio.Event) -> Callable[[], Awaitable[None]]:
    async def set_event() -> None:
        event.set()

    return set_event


async def next_frame(socket: Any, kind: str, within: float = 20) -> dict[str, Any]:
    """The next frame of `kind` on a stream socket (heartbeats and others skipped)."""
    async with asyncio.timeout(within):
        while True:
            frame: dict[str, Any] = json.loads(await socket.recv())
            if frame["type"] == kind:
                return frame


def service_of(span: ReadableSpan) -> str:
    return str(span.resource.attributes["service.name"])


class Trace:
    """The finished spans of one trace, and how they hang together."""

    def __init__(self, spans: list[ReadableSpan], trace_id: int) -> None:
        self.spans = [span for span in spans if span.context.trace_id == trace_id]
        self.trace_id = trace_id
        self.by_id = {span.context.span_id: span for span in self.spans}

    def one(
        self, service: str, kind: SpanKind, name: str | None = None, contains: str = ""
    ) -> ReadableSpan:
        found = [
            span
            for span in self.spans
            if service_of(span) == service
            and span.kind == kind
            and (name is None or span.name == name)
            and contains in span.name
        ]
        assert found, f"no {kind.name} span {name or contains!r} of {service} in {self}"
        return found[0]

    def parent(self, span: ReadableSpan) -> ReadableSpan | None:
        return None if span.parent is None else self.by_id.get(span.parent.span_id)

    def descends(self, span: ReadableSpan, ancestor: ReadableSpan) -> bool:
        current: ReadableSpan | None = span
        while current is not None:
            if current.context.span_id == ancestor.context.span_id:
                return True
            current = self.parent(current)
        return False

    def __str__(self) -> str:
        return "; ".join(f"{service_of(s)}:{s.kind.name}:{s.name}" for s in self.spans)


async def wait_for_span(
    traced: TracedDesk, trace_id: int, service: str, name: str, count: int = 1
) -> None:
    """Spans end when their work does; the last ones may end just after the frame was sent,
    or, for other consumers of the same event (the e-mail copy), a while after it."""
    deadline = asyncio.get_running_loop().time() + SPAN_PATIENCE_SECONDS

    def found() -> int:
        spans = Trace(traced.spans(), trace_id).spans
        return sum(service_of(span) == service and name in span.name for span in spans)

    while found() < count:
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(
                f"{found()} of {count} spans {name!r} of {service} "
                f"in {Trace(traced.spans(), trace_id)}"
            )
        await asyncio.sleep(0.05)


async def test_one_trace_from_the_request_to_the_socket(traced: TracedDesk) -> None:
    account = f"hotel-{uuid.uuid4().hex[:8]}"
    user = make_token("user", account, "anna", "Anna Kowalska")
    agent = make_token("agent", "support", "agent-ewa", "Ewa")
    ws_url = traced.gateway_url.replace("http", "ws")
    async with (
        websockets.connect(f"{ws_url}/api/v1/agent/stream?token={agent}") as agents,
        websockets.connect(f"{ws_url}/api/v1/stream?token={user}") as anna,
        httpx.AsyncClient(base_url=traced.gateway_url, timeout=30) as http,
    ):
        created = await http.post(
            "/api/v1/tickets", data={"subject": "Ślady", "message": "..."}, headers=bearer(user)
        )
        assert created.status_code == 201, created.text
        number = created.json()["number"]
        frame = await next_frame(agents, "ticket.created")
        assert frame["data"]["number"] == number

        replied = await http.post(
            f"/api/v1/agent/tickets/{number}/replies",
            data={"message": "Odpowiedź"},
            headers=bearer(agent),
        )
        assert replied.status_code in (200, 201), replied.text
        popup = await next_frame(anna, "popup.created")
        assert popup["data"]["ticket_number"] == number

    spans = traced.spans()
    request = next(
        span
        for span in spans
        if span.kind == SpanKind.SERVER and span.name == "POST /api/v1/tickets"
    )
    push_created = "helpdesk.live.ticket.created process"
    await wait_for_span(traced, request.context.trace_id, "gateway", push_created)
    created_trace = Trace(traced.spans(), request.context.trace_id)

    # Gateway: the HTTP request, and inside it the RPC to the tickets service.
    rpc_name = f"default.{CREATE_TICKET.queue.name}"
    rpc = created_trace.one("gateway", SpanKind.PRODUCER, f"{rpc_name} publish")
    assert created_trace.descends(rpc, request)
    # Tickets: the consumer of that RPC is the publish's child (traceparent in headers)...
    handling = created_trace.one("tickets", SpanKind.CONSUMER, f"{rpc_name} process")
    assert created_trace.parent(handling) is rpc
    # ...and its MongoDB writes are children of the handling, across motor's threads.
    insert = created_trace.one("tickets", SpanKind.CLIENT, contains=".insert")
    assert created_trace.parent(insert) is handling
    assert insert.attributes is not None and insert.attributes["db.system"] == "mongodb"
    # The outbox relays ticket.created later, in the trace of the write that saved it.
    relayed = created_trace.one(
        "tickets", SpanKind.PRODUCER, "helpdesk.events.ticket.created publish"
    )
    assert created_trace.descends(relayed, handling)
    # Then its live copy, which the gateway's push consumer hands to the agents' sockets,
    # in the same trace.
    copied = created_trace.one("tickets", SpanKind.PRODUCER, "helpdesk.live.ticket.created publish")
    assert created_trace.descends(copied, handling)
    assert copied.start_time is not None and relayed.end_time is not None
    assert copied.start_time >= relayed.end_time
    pushed = created_trace.one("gateway", SpanKind.CONSUMER, push_created)
    assert created_trace.parent(pushed) is created_trace.parent(copied)

    # The reply: HTTP → tickets → reply.posted → notifications → MongoDB → popup.created
    # → the user's socket, one trace again.
    reply_request = next(
        span
        for span in traced.spans()
        if span.kind == SpanKind.SERVER and span.name.endswith("/replies")
    )
    push_popup = "helpdesk.live.popup.created process"
    await wait_for_span(traced, reply_request.context.trace_id, "gateway", push_popup)
    # Notifications consumes reply.posted twice, each from a queue of its own: the pop-up
    # and the e-mail copy. Both are in the trace; the pop-up's is the insert's parent. The
    # e-mail copy's may end after the pop-up reached the socket (it failed a loaded CI run).
    reply_posted = "helpdesk.events.reply.posted process"
    await wait_for_span(
        traced, reply_request.context.trace_id, "notifications", reply_posted, count=2
    )
    reply_trace = Trace(traced.spans(), reply_request.context.trace_id)
    on_replies = [
        span
        for span in reply_trace.spans
        if service_of(span) == "notifications"
        and span.kind == SpanKind.CONSUMER
        and reply_posted in span.name
    ]
    assert len(on_replies) == 2
    assert all(reply_trace.descends(span, reply_request) for span in on_replies)
    popup_insert = reply_trace.one("notifications", SpanKind.CLIENT, contains=".insert")
    on_reply = reply_trace.parent(popup_insert)
    assert on_reply in on_replies
    to_socket = reply_trace.one("gateway", SpanKind.CONSUMER, push_popup)
    assert reply_trace.descends(to_socket, on_reply)
    # The correlation id that rides with the event through the outbox is the trace id.
    assert on_reply.attributes is not None
    assert on_reply.attributes["messaging.message.conversation_id"] == format_trace_id(
        reply_trace.trace_id
    )


async def test_health_probes_and_background_polls_make_no_traces(traced: TracedDesk) -> None:
    traced.exporter.clear()
    async with httpx.AsyncClient(base_url=traced.gateway_url, timeout=10) as http:
        for path in ("/healthz", "/readyz", "/metrics"):
            assert (await http.get(path)).status_code == 200
        # The outbox relays and the reminder scan poll the database every second.
        await asyncio.sleep(1.5)
    assert [span.name for span in traced.spans()] == []


def test_log_correlation_id_is_the_trace_id_while_a_span_is_current() -> None:
    exporter = InMemorySpanExporter()
    tracer = traced_provider("gateway", exporter).get_tracer("test")
    formatter = JsonFormatter("gateway")
    token = correlation_id.set("carried-from-a-header")
    try:
        with tracer.start_as_current_span("request") as span:
            traced_line = json.loads(formatter.format(log_record()))
        untraced_line = json.loads(formatter.format(log_record()))
    finally:
        correlation_id.reset(token)
    assert traced_line["correlation_id"] == format_trace_id(span.get_span_context().trace_id)
    assert untraced_line["correlation_id"] == "carried-from-a-header"


def log_record() -> logging.LogRecord:
    return logging.LogRecord("helpdesk.test", logging.INFO, __file__, 1, "hello", None, None)


def test_nothing_is_traced_without_an_endpoint(traced_settings: Settings) -> None:
    assert configure_tracing(traced_settings, "tickets") is None
    tickets = create_tickets(traced_settings)
    assert tickets.broker is not None
    assert not [
        middleware
        for middleware in tickets.broker.middlewares
        if "Telemetry" in type(middleware).__name__
    ]
    gateway = create_gateway(traced_settings)
    assert gateway.state.rpc.tracer is None
    assert gateway.state.attachments.store.database.client.options.event_listeners == []
    assert gateway._telemetry["tracing"] is False


class Collector(BaseHTTPRequestHandler):
    """A stand-in OTLP/HTTP collector: keeps each export request it is sent, by path."""

    received: ClassVar[list[tuple[str, ExportTraceServiceRequest]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, ExportTraceServiceRequest.FromString(body)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(ExportTraceServiceResponse().SerializeToString())

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads what was received."""


@pytest.fixture
def collector() -> Iterator[str]:
    Collector.received.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_an_endpoint_turns_tracing_on_and_spans_reach_the_collector(
    traced_settings: Settings, collector: str
) -> None:
    settings = traced_settings.model_copy(update={"otlp_endpoint": collector + "/"})
    tickets = create_tickets(settings)
    assert tickets.broker is not None
    assert [
        middleware
        for middleware in tickets.broker.middlewares
        if "Telemetry" in type(middleware).__name__
    ]
    provider = configure_tracing(settings, "tickets")
    assert provider is not None
    provider.get_tracer("test").start_span("exported").end()
    provider.force_flush()
    provider.shutdown()
    [(path, request)] = Collector.received
    assert path == "/v1/traces"
    [resource_spans] = request.resource_spans
    resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
    assert resource["service.name"] == "tickets"
    assert [span.name for scope in resource_spans.scope_spans for span in scope.spans] == [
        "exported"
    ]


def test_services_send_their_last_spans_when_they_stop(
    base_settings: Settings, collector: str, tmp_path: Path
) -> None:
    """As deployed: processes configured by HELPDESK_OTLP_ENDPOINT. The request is made
    just before they stop, well within the batch delay, so only the flush at shutdown
    can deliver its spans."""
    with own_vhost_and_database(base_settings) as settings:
        env = {
            "HELPDESK_RABBITMQ_URL": settings.rabbitmq_url,
            "HELPDESK_MONGO_URL": settings.mongo_url,
            "HELPDESK_MONGO_DB": settings.mongo_db,
            "HELPDESK_JWT_SECRET": TEST_JWT_SECRET,
            "HELPDESK_BUS_KEY": TEST_BUS_KEY,
            "HELPDESK_OTLP_ENDPOINT": collector,
            "OTEL_BSP_SCHEDULE_DELAY": "60000",
        }
        services = []
        for name, port_variable in (("tickets", "TICKETS_PORT"), ("gateway", "GATEWAY_PORT")):
            port = free_port()
            services.append(
                ServiceProcess(
                    name, {**env, f"HELPDESK_{port_variable}": str(port)}, port, tmp_path
                )
            )
        try:
            for service in services:
                service.start()
            user = make_token("user", f"hotel-{uuid.uuid4().hex[:8]}", "anna")
            created = httpx.post(
                f"{services[-1].url}/api/v1/tickets",
                data={"subject": "Ślady", "message": "..."},
                headers=bearer(user),
                timeout=30,
            )
            assert created.status_code == 201, created.text
        finally:
            for service in services:
                service.stop()
    exported = {
        (resource_service(resource_spans), span.name)
        for _path, request in Collector.received
        for resource_spans in request.resource_spans
        for scope in resource_spans.scope_spans
        for span in scope.spans
    }
    assert ("gateway", "POST /api/v1/tickets") in exported
    assert ("tickets", f"default.{CREATE_TICKET.queue.name} process") in exported


def resource_service(resource_spans: Any) -> str:
    return next(
        str(attribute.value.string_value)
        for attribute in resource_spans.resource.attributes
        if attribute.key == "service.name"
    )
