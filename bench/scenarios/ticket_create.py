"""Issue #10 scenarios 1 and 2: ticket create through our gateway and through the bare stack.

Both stacks run at once on the same servers and are loaded by the same generator (Debian's
`hey`, bench/load/hey.py) in alternating rounds — ours, bare, ours, bare — so the machine's
noise falls on both alike. Each (attachment, load) variant reports the median of its rounds:
saturation throughput with 50 connections in a closed loop, and latency at a fixed offered
load of 200 tickets/s (10 workers x 20/s). `BENCH_TICKET_ROUNDS` and `BENCH_TICKET_SECONDS`
shorten a run (defaults 3 rounds of 15 s).
"""

import asyncio
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.core import Bench, Case
from tests.support.harness import free_port

TITLE = "1–2. Ticket create, ours and the bare stack"  # noqa: RUF001 (the issue's numbering)
ROUNDS = int(os.environ.get("BENCH_TICKET_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_TICKET_SECONDS", "15"))
WARM_UP_SECONDS = 3
USERS = 5
ATTACHMENT_BYTES = 1024 * 1024
READY_TIMEOUT_S = 30.0
PATH = "/api/v1/tickets"


@dataclass(frozen=True)
class Load:
    name: str
    concurrency: int
    rate: float | None  # requests/s per worker; None is a closed loop

    def args(self) -> list[str]:
        args = ["--concurrency", str(self.concurrency), "--duration", str(SECONDS)]
        return [*args, "--rate", str(self.rate)] if self.rate else args


SATURATION = Load("saturation, 50 connections", 50, None)
FIXED_RATE = Load("200/s from 10 clients", 10, 20)


@dataclass(frozen=True)
class Form:
    name: str
    body: Path
    content_type: str


def padded_pdf(size: int) -> bytes:
    """A PDF whose one stream holds incompressible filler, `size` bytes in all: accepted by
    the gateway's content check (it sniffs the %PDF signature) and costly to move, like a
    real scanned document."""
    head = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< >>\nstream\n"
    tail = b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    return head + random.Random(10).randbytes(size - len(head) - len(tail)) + tail


def write_forms(directory: Path) -> list[Form]:
    """The two multipart bodies, encoded once by httpx and replayed by hey."""
    fields = {
        "subject": "Printer on the second floor does not print",
        "message": "Since this morning the reception printer shows a paper jam. " * 5,
        "importance": "normal",
    }
    variants = {
        "no attachment": None,
        "1 MB attachment": {"file": ("scan.pdf", padded_pdf(ATTACHMENT_BYTES), "application/pdf")},
    }
    forms = []
    for name, files in variants.items():
        request = httpx.Request("POST", "http://bench" + PATH, data=fields, files=files or {})
        body = directory / f"ticket-form-{name.replace(' ', '-')}.bin"
        body.write_bytes(request.read())
        forms.append(Form(name, body, request.headers["content-type"]))
    return forms


async def wait_answering(url: str, form: Form, token: str) -> None:
    """Until the stack creates a ticket (the bare stack has no readiness endpoint)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": form.content_type}
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with httpx.AsyncClient(timeout=5) as client:
        while True:
            try:
                answer = await client.post(url, content=form.body.read_bytes(), headers=headers)
                if answer.status_code == 201:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} does not create tickets; see the bench logs")
            await asyncio.sleep(0.3)


async def run(bench: Bench) -> None:
    for service in ("tickets", "notifications"):
        bench.start(service)
    gateway = bench.start("gateway")
    bare_port = free_port()
    bench.spawn([sys.executable, "-m", "bench.bare.handler"], "bare-handler")
    bench.spawn([sys.executable, "-m", "bench.bare.gateway", str(bare_port)], "bare-gateway")
    stacks = {"ours": gateway.url + PATH, "bare": f"http://127.0.0.1:{bare_port}{PATH}"}
    tokens = [bench.bearer("user", f"bench-creator-{number}") for number in range(USERS)]
    token_args = [arg for token in tokens for arg in ("--token", token)]
    forms = write_forms(bench.log_dir)
    for url in stacks.values():
        await wait_answering(url, forms[0], tokens[0])

    async def load(stack: str, form: Form, args: list[str]) -> dict[str, object]:
        form_args = ["--body", str(form.body), "--content-type", form.content_type]
        return await bench.generate(
            "hey", ["--url", stacks[stack], *form_args, *token_args, *args], name="hey"
        )

    warm_up = ["--concurrency", "10", "--duration", str(WARM_UP_SECONDS)]
    for stack in stacks:
        for form in forms:
            await load(stack, form, warm_up)

    for form in forms:
        for pattern in (SATURATION, FIXED_RATE):
            scenario = f"{TITLE.split(',')[0]}, {form.name}, {pattern.name}"
            rounds: dict[str, list[Case]] = {stack: [] for stack in stacks}
            for number in range(1, ROUNDS + 1):
                for stack in stacks:
                    with bench.case_rss() as memory:
                        samples = await load(stack, form, pattern.args())
                    case = Case.from_samples(
                        scenario,
                        f"{stack}, round {number}",
                        samples,
                        memory.peaks,
                        extra={"stack": stack, "round": number},
                    )
                    bench.record(case)
                    rounds[stack].append(case)
            compare(bench, form, pattern, rounds)


def median_of(cases: list[Case], figure: str) -> float:
    return statistics.median(case.summary()[figure] for case in cases)


def compare(bench: Bench, form: Form, pattern: Load, rounds: dict[str, list[Case]]) -> None:
    """The issue's ratios, from the medians of the rounds; the note has each stack's medians."""
    if pattern is SATURATION:
        figure, name, limit, higher = "throughput_per_s", "saturation", 0.8, True
    else:
        figure, name, limit, higher = "p99_ms", "p99 at 200/s", 2.0, False
    ours, bare = (median_of(rounds[stack], figure) for stack in ("ours", "bare"))
    medians = "; ".join(
        f"{stack} {median_of(cases, 'throughput_per_s'):.1f}/s, "
        f"p50 {median_of(cases, 'p50_ms'):.1f} / p95 {median_of(cases, 'p95_ms'):.1f} / "
        f"p99 {median_of(cases, 'p99_ms'):.1f} ms, {sum(case.errors for case in cases)} errors"
        for stack, cases in rounds.items()
    )
    bench.target(
        f"ticket create {name}, {form.name}: ours ÷ bare",
        ours / bare,
        limit,
        "x",
        higher_is_better=higher,
        note=f"medians of {len(rounds['ours'])} rounds: {medians}",
    )
