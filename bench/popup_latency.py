"""Pop-up benchmark: from an agent's reply request to the pop-up on the user's socket.

Starts its own tickets, notifications and gateway processes (a throwaway RabbitMQ vhost
and database, both removed afterwards), opens one stream socket per user, then times
REPLIES agent replies twice: one at a time (idle), and sent at RATE replies per second.
Each latency runs from just before the reply's HTTP request to the `popup.created` frame.

    .venv/bin/python -m bench.popup_latency [--replies 1000] [--rate 100] [--users 10]

Needs the servers of `bash deploy/servers.sh start`. Prints the figures as Markdown.
"""

import argparse
import asyncio
import json
import platform
import statistics
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import jwt
import websockets
from pymongo import MongoClient
from websockets.asyncio.client import ClientConnection

from shared.settings import Settings
from tests.harness import ServiceProcess, free_port

SECRET = "bench-" + uuid.uuid4().hex
ACCOUNT = "bench-hotel"
# Replies per ticket: a ticket holds its messages, so very long threads would measure
# document size rather than the pop-up path.
REPLIES_PER_TICKET = 10
DRAIN_SECONDS = 60.0


def bearer(role: str, user_id: str) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "name": user_id,
        "account_id": ACCOUNT,
        "role": role,
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


class Stopwatch:
    """Send times by reply text, and the latency of each pop-up that answers one."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.latencies: list[float] = []
        self.arrived: dict[str, asyncio.Event] = {}

    def start(self, text: str) -> asyncio.Event:
        self.sent[text] = time.perf_counter()
        self.arrived[text] = asyncio.Event()
        return self.arrived[text]

    async def listen(self, socket: ClientConnection) -> None:
        async for raw in socket:
            frame = json.loads(raw)
            if frame["type"] == "popup.created" and frame["data"]["body"] in self.sent:
                text = frame["data"]["body"]
                self.latencies.append(time.perf_counter() - self.sent.pop(text))
                self.arrived.pop(text).set()


async def tickets_of(client: httpx.AsyncClient, users: list[str], count: int) -> list[str]:
    numbers = []
    for index in range(count):
        headers = {"Authorization": f"Bearer {bearer('user', users[index % len(users)])}"}
        data = {"subject": f"Bench {index}", "message": "Pomiar opóźnienia"}
        response = await client.post("/api/v1/tickets", data=data, headers=headers)
        response.raise_for_status()
        numbers.append(response.json()["number"])
    return numbers


async def reply(
    client: httpx.AsyncClient, watch: Stopwatch, number: str, text: str, agent: str
) -> asyncio.Event:
    arrived = watch.start(text)
    response = await client.post(
        f"/api/v1/agent/tickets/{number}/replies",
        data={"message": text},
        headers={"Authorization": f"Bearer {agent}"},
    )
    response.raise_for_status()
    return arrived


async def phase(
    client: httpx.AsyncClient, numbers: list[str], replies: int, rate: float | None
) -> tuple[list[float], float]:
    """Latencies of `replies` replies, one at a time (rate None) or at `rate` per second."""
    watch = Stopwatch()
    users = sorted({f"user-{index}" for index in range(len(numbers) // REPLIES_PER_TICKET)})
    sockets = [
        await websockets.connect(
            f"{client.base_url}".replace("http", "ws", 1)
            + f"/api/v1/stream?token={bearer('user', user)}"
        )
        for user in users
    ]
    listeners = [asyncio.create_task(watch.listen(socket)) for socket in sockets]
    agent = bearer("agent", "agent-bench")
    started = time.perf_counter()
    waits: list[asyncio.Task[asyncio.Event]] = []
    for index in range(replies):
        number = numbers[index % len(numbers)]
        text = f"bench {uuid.uuid4().hex}"
        if rate is None:
            await asyncio.wait_for((await reply(client, watch, number, text, agent)).wait(), 30)
            continue
        waits.append(asyncio.create_task(reply(client, watch, number, text, agent)))
        await asyncio.sleep(max(0.0, started + (index + 1) / rate - time.perf_counter()))
    pending = [asyncio.create_task(arrived.wait()) for arrived in await asyncio.gather(*waits)]
    if pending:
        # Pop-ups still missing after this long are reported as missing, not waited for.
        await asyncio.wait(pending, timeout=DRAIN_SECONDS)
    elapsed = time.perf_counter() - started
    for listener in listeners:
        listener.cancel()
    for socket in sockets:
        await socket.close()
    return watch.latencies, elapsed


def row(name: str, sent: int, latencies: list[float], elapsed: float) -> str:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return (
        f"| {name} | {sent} | {sent - len(latencies)} | {len(latencies) / elapsed:.0f} | "
        f"{cuts[49] * 1000:.1f} | {cuts[98] * 1000:.1f} | {max(latencies) * 1000:.1f} |"
    )


async def run(args: argparse.Namespace, gateway_url: str) -> None:
    users = [f"user-{index}" for index in range(args.users)]
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print("| load | replies | missing | pop-ups/s | p50 ms | p99 ms | max ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |", flush=True)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60) as client:
        count = max(args.users, args.replies // REPLIES_PER_TICKET)
        numbers = await tickets_of(client, users, count)
        for name, rate in (("idle (one at a time)", None), (f"{args.rate:g} replies/s", args.rate)):
            latencies, elapsed = await phase(client, numbers, args.replies, rate)
            print(row(name, args.replies, latencies, elapsed), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--users", type=int, default=10)
    args = parser.parse_args()

    settings = Settings()
    name = f"helpdesk-bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", name], check=True)
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], check=True
    )
    log_dir = Path(f"/tmp/{name}")
    log_dir.mkdir()
    database = name.replace("-", "_")
    env = {
        "HELPDESK_RABBITMQ_URL": settings.rabbitmq_url.rstrip("/") + "/" + quote(name, safe=""),
        "HELPDESK_MONGO_DB": database,
        "HELPDESK_JWT_SECRET": SECRET,
        "HELPDESK_SUPPORT_HOURS": "always",
        "HELPDESK_RATE_LIMITS": "off",
        "HELPDESK_LOG_LEVEL": "WARNING",
    }
    processes = []
    for service in ("tickets", "notifications", "gateway"):
        port = free_port()
        port_var = f"HELPDESK_{service.upper()}_PORT"
        processes.append(ServiceProcess(service, {**env, port_var: str(port)}, port, log_dir))
    try:
        for process in processes:
            process.start()
        asyncio.run(run(args, processes[-1].url))
    finally:
        for process in reversed(processes):
            process.stop()
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name], check=True)
        with MongoClient(settings.mongo_url) as client:
            client.drop_database(database)


if __name__ == "__main__":
    main()
