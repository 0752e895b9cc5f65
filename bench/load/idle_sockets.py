"""Load generator of the idle-sockets scenario: many open `WS /api/v1/stream` sockets.

    python -m bench.load.idle_sockets URL --sockets 3750 --first 0 --signals DIR
        [--replies 200 --measured 5]

Opens SOCKETS pop-up streams as users idle-FIRST … idle-(FIRST+SOCKETS-1), OPENING at a
time, each timed from the connect call to the completed handshake. Then writes the number
it holds to DIR/ready-FIRST and keeps them open, reading nothing but heartbeats, until
DIR/release exists. With --replies it also measures: before opening, it creates one ticket
for each of its first MEASURED users; once DIR/go exists (all sockets of the run are open),
an agent answers those tickets one reply at a time and each reply is timed until its
`popup.created` frame on that user's socket (bench.load.popups). Prints a `Samples` JSON
as its last line: the pop-up latencies with --replies, else the handshake latencies.
Without --signals it opens its sockets and closes them again (a warm-up).
"""

import argparse
import asyncio
import resource
import time
from pathlib import Path

import websockets
from websockets.asyncio.client import ClientConnection

from bench.load.popups import Stopwatch, client_of, create_tickets, one_at_a_time
from bench.load.samples import Samples, bearer

# Handshakes in flight per process: enough to open thousands in seconds without a
# thundering herd on one gateway process.
OPENING = 50
SIGNAL_POLL_SECONDS = 0.2


def raise_open_files_limit() -> None:
    """Each socket is a file: take the hard limit (20,000 here) as the soft one."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def open_socket(url: str, user: str, samples: Samples) -> ClientConnection | None:
    began = time.perf_counter()
    try:
        # Like a browser: no client pings (the gateway's heartbeat keeps the socket alive),
        # and per-message deflate offered, so that the gateway's refusal of it is measured.
        socket = await websockets.connect(
            f"{url}/api/v1/stream?token={bearer('user', user)}", ping_interval=None
        )
    except (OSError, websockets.WebSocketException, TimeoutError):
        samples.error()
        return None
    samples.add((time.perf_counter() - began) * 1000)
    return socket


async def open_all(url: str, users: list[str], samples: Samples) -> list[ClientConnection]:
    gate = asyncio.Semaphore(OPENING)

    async def one(user: str) -> ClientConnection | None:
        async with gate:
            return await open_socket(url, user, samples)

    opened = await asyncio.gather(*(one(user) for user in users))
    samples.finish()
    return [socket for socket in opened if socket is not None]


async def drain(socket: ClientConnection) -> None:
    """Reads heartbeats, so the gateway never finds this client too slow."""
    async for _frame in socket:
        pass


async def wait_for(path: Path) -> None:
    """Another process signals by creating the file; no asyncio.Event reaches across."""
    while not await asyncio.to_thread(path.exists):  # noqa: ASYNC110
        await asyncio.sleep(SIGNAL_POLL_SECONDS)


async def run(args: argparse.Namespace) -> Samples:
    base = args.url.replace("http://", "ws://", 1)
    users = [f"idle-{args.first + index}" for index in range(args.sockets)]
    measured = users[: args.measured] if args.replies else []
    numbers: list[str] = []
    if measured:
        async with client_of(args.url) as client:
            numbers = await create_tickets(client, measured, len(measured))
    opening = Samples()
    sockets = await open_all(base, users, opening)
    if args.signals is None:
        for socket in sockets:
            await socket.close()
        return opening
    signals = Path(args.signals)
    popups = Samples()
    watch = Stopwatch(popups)
    listeners = [
        asyncio.create_task(watch.listen(socket) if index < len(measured) else drain(socket))
        for index, socket in enumerate(sockets)
    ]
    # Written, then renamed: the runner never reads a half-written report.
    report = signals / f".ready-{args.first}"
    report.write_text(str(len(sockets)))
    report.rename(signals / f"ready-{args.first}")
    if measured:
        await wait_for(signals / "go")
        popups.began = time.perf_counter()
        agent = bearer("agent", "agent-bench")
        await one_at_a_time(args.url, watch, numbers, args.replies, agent)
        popups.finish()
        popups.errors += watch.duplicates
    else:
        await wait_for(signals / "release")
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)
    if not measured:
        return opening
    handshake = sorted(opening.latencies_ms)
    popups.extra = {
        "sockets held by this process": len(sockets),
        "handshake p50 ms": handshake[len(handshake) // 2] if handshake else 0.0,
        "duplicate pop-ups": watch.duplicates,
    }
    return popups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url", help="the gateway's base URL")
    parser.add_argument("--sockets", type=int, default=3750)
    parser.add_argument("--first", type=int, default=0, help="number of the first user")
    parser.add_argument("--signals", default=None, help="folder of the run's signal files")
    parser.add_argument("--replies", type=int, default=0, help="pop-ups to time (0: none)")
    parser.add_argument("--measured", type=int, default=5, help="users whose pop-ups are timed")
    raise_open_files_limit()
    asyncio.run(run(parser.parse_args())).dump()


if __name__ == "__main__":
    main()
