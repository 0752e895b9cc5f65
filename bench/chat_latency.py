"""Live chat benchmark: message latency through the gateway and memory per open chat.

Starts its own chat service and gateway (a throwaway RabbitMQ vhost; nothing is written
to the database), opens N user sockets and a few agent sockets, gets every chat accepted,
then each chat exchanges ROUNDS messages user → agent → user at a steady pace.

    .venv/bin/python -m bench.chat_latency [--chats 500] [--agents 10] [--rounds 10]

Needs the servers of `bash deploy/servers.sh start`. Prints the figures as Markdown.
"""

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import jwt
import websockets
from websockets.asyncio.client import ClientConnection

from shared.settings import Settings
from tests.harness import ServiceProcess, free_port

SECRET = "bench-" + uuid.uuid4().hex


def token(role: str, name: str) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": f"{role}-{uuid.uuid4().hex[:8]}",
        "name": name,
        "account_id": "bench",
        "role": role,
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


@dataclass
class Latencies:
    to_agent: list[float] = field(default_factory=list)
    to_user: list[float] = field(default_factory=list)


@dataclass
class Chat:
    user: ClientConnection
    chat_id: str = ""
    sent_at: dict[str, float] = field(default_factory=dict)
    answered: asyncio.Queue[str] = field(default_factory=asyncio.Queue)


async def read_user(
    chat: Chat, queued: asyncio.Event, accepted: asyncio.Event, lat: Latencies
) -> None:
    async for raw in chat.user:
        frame = json.loads(raw)
        if frame["type"] == "queued" and not chat.chat_id:
            chat.chat_id = frame["chat_id"]
            queued.set()
        elif frame["type"] == "accepted":
            accepted.set()
        elif frame["type"] == "message" and frame["from"] == "agent":
            lat.to_user.append(time.perf_counter() - chat.sent_at.pop(frame["text"]))
            await chat.answered.put(frame["text"])


async def read_agent(agent: ClientConnection, chats: dict[str, Chat], lat: Latencies) -> None:
    async for raw in agent:
        frame = json.loads(raw)
        if frame["type"] != "message" or frame["from"] != "user":
            continue
        chat = chats[frame["chat_id"]]
        lat.to_agent.append(time.perf_counter() - chat.sent_at.pop(frame["text"]))
        reply = "a" + frame["text"][1:]
        chat.sent_at[reply] = time.perf_counter()
        await agent.send(json.dumps({"type": "message", "chat_id": chat.chat_id, "text": reply}))


async def converse(chat: Chat, rounds: int, pace: float) -> None:
    await asyncio.sleep(random.uniform(0, pace))
    for n in range(rounds):
        text = f"u{n}-{chat.chat_id[:8]}"
        chat.sent_at[text] = time.perf_counter()
        await chat.user.send(json.dumps({"type": "message", "text": text}))
        await asyncio.wait_for(chat.answered.get(), timeout=30)
        await asyncio.sleep(pace)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


async def run(args: argparse.Namespace, gateway_url: str, chat_pid: int) -> None:
    base = gateway_url.replace("http://", "ws://")
    lat = Latencies()
    agents = [
        await websockets.connect(f"{base}/api/v1/agent/chat?token={token('agent', f'Agent {n}')}")
        for n in range(args.agents)
    ]
    await asyncio.sleep(1)
    rss_before = rss_kib(chat_pid)
    chats: dict[str, Chat] = {}
    readers = []
    accepted_events = []
    for n in range(args.chats):
        user = await websockets.connect(f"{base}/api/v1/chat?token={token('user', f'User {n}')}")
        chat = Chat(user)
        queued, accepted = asyncio.Event(), asyncio.Event()
        readers.append(asyncio.create_task(read_user(chat, queued, accepted, lat)))
        await user.send(
            json.dumps(
                {"type": "start", "name": f"User {n}", "phone": "+48 600 123 456", "question": "?"}
            )
        )
        await queued.wait()
        chats[chat.chat_id] = chat
        accepted_events.append(accepted)
    rss_queued = rss_kib(chat_pid)
    readers += [asyncio.create_task(read_agent(agent, chats, lat)) for agent in agents]
    for n, chat in enumerate(chats.values()):
        agent = agents[n % len(agents)]
        await agent.send(json.dumps({"type": "accept", "chat_id": chat.chat_id}))
    await asyncio.gather(*(event.wait() for event in accepted_events))
    rss_open = rss_kib(chat_pid)

    started = time.perf_counter()
    await asyncio.gather(*(converse(chat, args.rounds, args.pace) for chat in chats.values()))
    elapsed = time.perf_counter() - started

    for connection in [*(chat.user for chat in chats.values()), *agents]:
        await connection.close()
    for reader in readers:
        reader.cancel()
    report(args, lat, elapsed, rss_before, rss_queued, rss_open)


def report(
    args: argparse.Namespace,
    lat: Latencies,
    elapsed: float,
    rss_before: int,
    rss_queued: int,
    rss_open: int,
) -> None:
    total = len(lat.to_agent) + len(lat.to_user)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"- machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"- load: {args.chats} chats open at once, {args.agents} agents, {args.rounds} rounds "
        f"per chat, one round every ~{args.pace:.1f} s per chat: {total} messages in "
        f"{elapsed:.1f} s ({total / elapsed:.0f}/s)"
    )
    print()
    print("| direction | messages | p50 ms | p99 ms | max ms |")
    print("| --- | --- | --- | --- | --- |")
    for name, values in (("user → agent", lat.to_agent), ("agent → user", lat.to_user)):
        print(
            f"| {name} | {len(values)} | {percentile(values, 50):.1f} | "
            f"{percentile(values, 99):.1f} | {max(values) * 1000:.1f} |"
        )
    print()
    print(
        f"Chat service RSS: {rss_before / 1024:.1f} MiB idle, {rss_queued / 1024:.1f} MiB with "
        f"{args.chats} chats waiting, {rss_open / 1024:.1f} MiB with all accepted: "
        f"{(rss_open - rss_before) / args.chats:.1f} KiB per open chat."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pace", type=float, default=2.0, help="seconds between rounds")
    args = parser.parse_args()

    settings = Settings()
    vhost = f"helpdesk-bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        check=True,
    )
    log_dir = Path(f"/tmp/{vhost}")
    log_dir.mkdir()
    env = {
        "HELPDESK_RABBITMQ_URL": settings.rabbitmq_url.rstrip("/") + "/" + quote(vhost, safe=""),
        "HELPDESK_MONGO_DB": vhost.replace("-", "_"),
        "HELPDESK_JWT_SECRET": SECRET,
        "HELPDESK_SUPPORT_HOURS": "always",
        "HELPDESK_CHAT_QUEUE_LIMIT": str(args.chats),
        "HELPDESK_CHAT_MESSAGES_PER_MINUTE": "100000",
        "HELPDESK_CHAT_MESSAGE_BURST": "1000",
        "HELPDESK_LOG_LEVEL": "WARNING",
    }
    chat = ServiceProcess("chat", {**env, "HELPDESK_CHAT_PORT": str(free_port())}, 0, log_dir)
    chat.port = int(chat.env["HELPDESK_CHAT_PORT"])
    gateway_port = free_port()
    gateway = ServiceProcess(
        "gateway", {**env, "HELPDESK_GATEWAY_PORT": str(gateway_port)}, gateway_port, log_dir
    )
    try:
        chat.start()
        gateway.start()
        assert chat.process is not None
        asyncio.run(run(args, gateway.url, chat.process.pid))
    finally:
        gateway.stop()
        chat.stop()
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=True)


if __name__ == "__main__":
    main()
