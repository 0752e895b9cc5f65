"""Where a ticket creation's time goes inside the tickets service, span by span.

    python -m bench.trace_creates [creators ...]

Starts a tickets service of its own (a scratch database, tracing on, exporting to a
collector in this process), sends `CreateTicket` straight to it with the gateway's
RpcClient as `server_probe rpc-creates` does, with 1, 10 and 50 creators at once (or the
numbers given), and prints for each the creates/s and, per span of a creation's trace,
when it starts and how long it takes relative to the service's handling of the request
(FastStream's `process` span of `rpc.tickets.create`): the MongoDB commands, the reply's
publish, and the outbox relay's publish of `ticket.created`. Medians and 90th percentiles
over every traced creation; tracing itself costs some CPU, so the rates are lower than
without it. docs/performance.md has the runs.
"""

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from bench.server_probe import CREATE_SECONDS, RPC_TIMEOUT_SECONDS, probe_ticket, timed_creators
from shared.database import connect_database
from shared.routes import CREATE_TICKET
from shared.rpc_client import RpcClient
from shared.settings import Settings
from shared.signing import BusSigner
from tests.support.harness import ServiceProcess, free_port

CREATORS = (1, 10, 50)
HANDLER_SPAN = "default.rpc.tickets.create process"
# Spans come in batches; a count that has not grown for this long is complete.
FLUSH_QUIET_SECONDS = 2.0
FLUSH_PATIENCE_SECONDS = 60.0


@dataclass(frozen=True)
class Span:
    trace_id: bytes
    name: str
    start_ns: int
    end_ns: int


class Collector(BaseHTTPRequestHandler):
    """An OTLP/HTTP collector that keeps every span it is sent, named for this report."""

    spans: ClassVar[list[Span]] = []
    lock: ClassVar[threading.Lock] = threading.Lock()
    database: ClassVar[str] = ""

    def do_POST(self) -> None:
        request = ExportTraceServiceRequest.FromString(
            self.rfile.read(int(self.headers["Content-Length"]))
        )
        received = [
            Span(
                span.trace_id,
                self.label(span.name),
                span.start_time_unix_nano,
                span.end_time_unix_nano,
            )
            for resource in request.resource_spans
            for scope in resource.scope_spans
            for span in scope.spans
        ]
        with self.lock:
            self.spans.extend(received)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(ExportTraceServiceResponse().SerializeToString())

    @classmethod
    def label(cls, name: str) -> str:
        # The reply's span is named after the caller's direct reply-to address, one per
        # client connection; a MongoDB command's after the database.
        if "amq.rabbitmq.reply-to" in name:
            return "reply publish (direct reply-to)"
        if name.startswith(f"{cls.database}."):
            return f"MongoDB {name.removeprefix(cls.database + '.')}"
        return name

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the report is printed at the end."""


def collected() -> list[Span]:
    with Collector.lock:
        return list(Collector.spans)


def wait_for_spans() -> list[Span]:
    """Every span exported so far, once no more have come for a while."""
    deadline = time.monotonic() + FLUSH_PATIENCE_SECONDS
    count, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len(collected())
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= FLUSH_QUIET_SECONDS:
            break
        time.sleep(0.2)
    return collected()


def breakdown(spans: list[Span]) -> dict[str, tuple[list[float], list[float]]]:
    """Per span name (numbered when one trace has several): starts and durations in ms,
    relative to the start of the trace's handler span."""
    traces: dict[bytes, list[Span]] = defaultdict(list)
    for span in spans:
        traces[span.trace_id].append(span)
    rows: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for trace in traces.values():
        handlers = [span for span in trace if span.name == HANDLER_SPAN]
        if len(handlers) != 1:
            continue
        zero = handlers[0].start_ns
        seen: dict[str, int] = defaultdict(int)
        for span in sorted(trace, key=lambda span: span.start_ns):
            seen[span.name] += 1
            name = span.name if seen[span.name] == 1 else f"{span.name} #{seen[span.name]}"
            starts, durations = rows[name]
            starts.append((span.start_ns - zero) / 1e6)
            durations.append((span.end_ns - span.start_ns) / 1e6)
    return rows


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def print_breakdown(spans: list[Span]) -> None:
    rows = breakdown(spans)
    print(f"  {'span':58s} {'n':>6s} {'starts at p50/p90 ms':>22s} {'takes p50/p90 ms':>20s}")
    for name, (starts, durations) in sorted(rows.items(), key=lambda r: statistics.median(r[1][0])):
        print(
            f"  {name[:58]:58s} {len(starts):6d} "
            f"{statistics.median(starts):10.2f} {percentile(starts, 0.9):10.2f} "
            f"{statistics.median(durations):9.2f} {percentile(durations, 0.9):9.2f}",
            flush=True,
        )


async def drive(settings: Settings, creators: int) -> list[float]:
    client = RpcClient(
        settings.rabbitmq_url, RPC_TIMEOUT_SECONDS, BusSigner(settings.effective_bus_key)
    )
    await client.connect()
    command = probe_ticket()

    async def create() -> None:
        await client.call(CREATE_TICKET, command)

    try:
        return await timed_creators(create, creators)
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("creators", nargs="*", type=int, default=list(CREATORS))
    args = parser.parse_args()
    settings = Settings(mongo_db=f"probe-trace-{uuid.uuid4().hex[:8]}", demo=True)
    Collector.database = settings.mongo_db
    collector = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    port = free_port()
    with tempfile.TemporaryDirectory() as logs:
        service = ServiceProcess(
            "tickets",
            {
                "HELPDESK_DEMO": "on",
                "HELPDESK_MONGO_DB": settings.mongo_db,
                "HELPDESK_TICKETS_PORT": str(port),
                "HELPDESK_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_address[1]}",
                # Every span kept and sent soon: a creation makes about ten.
                "OTEL_BSP_MAX_QUEUE_SIZE": "500000",
                "OTEL_BSP_SCHEDULE_DELAY": "500",
            },
            port,
            Path(logs),
        )
        service.start()
        try:
            for creators in args.creators:
                wait_for_spans()
                with Collector.lock:
                    Collector.spans.clear()
                times = asyncio.run(drive(settings, creators))
                rate = len(times) / CREATE_SECONDS
                print(
                    f"{creators:2d} at once: {rate:6.0f} creates/s, p50 "
                    f"{statistics.median(times):7.2f} ms, p99 {percentile(times, 0.99):7.2f} ms",
                    flush=True,
                )
                print_breakdown(wait_for_spans())
        finally:
            service.stop()
            collector.shutdown()
            asyncio.run(drop(settings))


async def drop(settings: Settings) -> None:
    database = connect_database(settings)
    await database.client.drop_database(settings.mongo_db)


if __name__ == "__main__":
    main()
