"""Load generator of the pop-up scenario: agent replies, timed until the user's pop-up.

    python -m bench.load.popups URL --replies 1000 [--rate 100] [--users 10]

Creates the tickets it answers (USERS users own them, REPLIES_PER_TICKET replies each;
not timed), opens one `WS /api/v1/stream` socket per user, then sends REPLIES agent
replies: one at a time (no --rate), or started at RATE per second whatever the answers
(an open loop). A latency runs from the moment the reply is due (one at a time: just
before its HTTP request) to the `popup.created` frame of that reply on its user's socket,
so a reply that waits for a free connection counts the wait. A refused reply, a pop-up
still missing DRAIN_SECONDS after the last reply, and a second pop-up of one reply are
errors. Prints a `Samples` JSON as its last line.
"""

import argparse
import asyncio
import json
import time
import uuid

import httpx
import uvloop
import websockets
from websockets.asyncio.client import ClientConnection

from bench.load.samples import Samples, bearer

# A ticket holds its messages, so very long threads would measure document size rather
# than the pop-up path.
REPLIES_PER_TICKET = 10
DRAIN_SECONDS = 60.0
REQUEST_TIMEOUT_SECONDS = 60.0
# Open-loop replies go out over this many connections, each with a client of its own:
# httpcore scans every pooled connection and every queued request for each request, which
# cost this process 12 ms of CPU per reply once the system fell behind.
CONNECTIONS = 64


class Stopwatch:
    """Send times by reply text, and the latency of each pop-up that answers one."""

    def __init__(self, samples: Samples) -> None:
        self.samples = samples
        self.sent: dict[str, float] = {}
        self.arrived: dict[str, asyncio.Event] = {}
        self.seen: set[str] = set()
        self.duplicates = 0

    def start(self, text: str, at: float) -> asyncio.Event:
        self.sent[text] = at
        self.arrived[text] = asyncio.Event()
        return self.arrived[text]

    async def listen(self, socket: ClientConnection) -> None:
        async for raw in socket:
            frame = json.loads(raw)
            if frame["type"] != "popup.created":
                continue
            text = frame["data"]["body"]
            if text in self.sent:
                self.samples.add((time.perf_counter() - self.sent.pop(text)) * 1000)
                self.seen.add(text)
                self.arrived.pop(text).set()
            elif text in self.seen:
                self.duplicates += 1


async def create_tickets(client: httpx.AsyncClient, users: list[str], count: int) -> list[str]:
    numbers = []
    for index in range(count):
        headers = {"Authorization": f"Bearer {bearer('user', users[index % len(users)])}"}
        data = {"subject": f"Bench {index}", "message": "Pomiar opóźnienia"}
        response = await client.post("/api/v1/tickets", data=data, headers=headers)
        response.raise_for_status()
        numbers.append(response.json()["number"])
    return numbers


async def reply(
    client: httpx.AsyncClient, watch: Stopwatch, number: str, agent: str, at: float
) -> asyncio.Event | None:
    """Sends one reply meant to leave at `at`; the event is set when its pop-up arrives,
    None if the reply was refused."""
    text = f"bench {uuid.uuid4().hex}"
    arrived = watch.start(text, at)
    try:
        response = await client.post(
            f"/api/v1/agent/tickets/{number}/replies",
            data={"message": text},
            headers={"Authorization": f"Bearer {agent}"},
        )
        response.raise_for_status()
    except httpx.HTTPError:
        watch.sent.pop(text, None)
        watch.arrived.pop(text, None)
        watch.samples.error()
        return None
    return arrived


def client_of(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(REQUEST_TIMEOUT_SECONDS))


async def one_at_a_time(
    url: str, watch: Stopwatch, numbers: list[str], replies: int, agent: str
) -> None:
    async with client_of(url) as client:
        for index in range(replies):
            arrived = await reply(client, watch, numbers[index % len(numbers)], agent, now())
            if arrived is None:
                continue
            try:
                await asyncio.wait_for(arrived.wait(), DRAIN_SECONDS)
            except TimeoutError:
                watch.samples.error()


async def at_rate(
    url: str, watch: Stopwatch, numbers: list[str], replies: int, agent: str, rate: float
) -> None:
    """Replies scheduled at `rate` per second whatever the answers; each is timed from its
    scheduled moment, so a reply that waits for a free connection counts the wait."""
    schedule: asyncio.Queue[tuple[str, float] | None] = asyncio.Queue()
    waits: list[asyncio.Event] = []

    async def connection() -> None:
        async with client_of(url) as client:
            while (item := await schedule.get()) is not None:
                number, at = item
                if arrived := await reply(client, watch, number, agent, at):
                    waits.append(arrived)

    connections = [asyncio.create_task(connection()) for _ in range(CONNECTIONS)]
    started = now()
    for index in range(replies):
        at = started + index / rate
        await asyncio.sleep(max(0.0, at - now()))
        schedule.put_nowait((numbers[index % len(numbers)], at))
    for _ in connections:
        schedule.put_nowait(None)
    await asyncio.gather(*connections)
    pending = [asyncio.create_task(arrived.wait()) for arrived in waits]
    if pending:
        # Pop-ups still missing after this long count as errors, not waited for.
        _done, missing = await asyncio.wait(pending, timeout=DRAIN_SECONDS)
        for task in missing:
            task.cancel()
            watch.samples.error()


def now() -> float:
    return time.perf_counter()


async def run(args: argparse.Namespace) -> Samples:
    users = [f"user-{uuid.uuid4().hex[:6]}-{index}" for index in range(args.users)]
    samples = Samples()
    watch = Stopwatch(samples)
    async with client_of(args.url) as client:
        count = max(args.users, -(-args.replies // REPLIES_PER_TICKET))
        numbers = await create_tickets(client, users, count)
    base = args.url.replace("http://", "ws://", 1)
    sockets = [
        await websockets.connect(f"{base}/api/v1/stream?token={bearer('user', user)}")
        for user in users
    ]
    listeners = [asyncio.create_task(watch.listen(socket)) for socket in sockets]
    agent = bearer("agent", "agent-bench")
    samples.began = now()
    if args.rate is None:
        await one_at_a_time(args.url, watch, numbers, args.replies, agent)
    else:
        await at_rate(args.url, watch, numbers, args.replies, agent, args.rate)
    samples.finish()
    for listener in listeners:
        listener.cancel()
    for socket in sockets:
        await socket.close()
    samples.errors += watch.duplicates
    samples.extra = {
        "offered replies/s": args.rate or 0.0,
        "duplicate pop-ups": watch.duplicates,
    }
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url", help="the gateway's base URL")
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=None, help="replies/s (default: idle)")
    parser.add_argument("--users", type=int, default=10)
    # uvloop, as the services run: the generator's own CPU competes with them on 2 cores.
    uvloop.run(run(parser.parse_args())).dump()


if __name__ == "__main__":
    main()
