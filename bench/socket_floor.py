"""The floor under an idle stream socket: what a server holds per idle connection before
any of the gateway's code runs.

    python -m bench.socket_floor [--sockets 15000] [--clients 3] [floor ...]

Each floor is a server process of its own on uvloop (as the gateway runs), holding SOCKETS
idle connections opened by CLIENTS load generator processes; it prints the server's RSS
(/proc) before and with the sockets open, and the difference per socket:

- `tcp`: a bare asyncio protocol that keeps its transport and reads nothing: the event
  loop's transport and libuv handle, the kernel's share that lands in the process, and the
  allocator's arenas.
- `websocket`: the same protocol speaking WebSocket on websockets' sans-I/O
  `ServerProtocol` (the handshake answered, then the protocol kept for frames): the floor
  of serving the stream outside ASGI, docs/performance.md's proposed next step.
- `asgi`: uvicorn with its default `websockets-sansio` implementation and a bare ASGI app
  that accepts and waits: what uvicorn and the ASGI protocol cost before Starlette,
  FastAPI and the gateway.

Measured against docs/performance.md "Idle sockets", where the gateway holds about
33 KiB per socket; needs no other server.
"""

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias, cast

import uvicorn
import uvloop
import websockets
from websockets.http11 import Request
from websockets.server import ServerProtocol

from bench.load.idle_sockets import raise_open_files_limit
from tests.support.harness import free_port

FLOORS = ("tcp", "websocket", "asgi")
SETTLE_SECONDS = 3.0
OPENING = 100
# The gateway's own frame limit (HELPDESK_GATEWAY_WS_MAX_FRAME_BYTES).
MAX_FRAME_BYTES = 16 * 1024

Scope: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send: TypeAlias = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class IdleTcp(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport


class IdleWebSocket(asyncio.Protocol):
    """Answers the handshake and then only what the protocol itself must (pongs, close)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's TCPTransport is an asyncio.Transport by behaviour, not by class.
        self.transport = cast(asyncio.Transport, transport)
        self.websocket = ServerProtocol(max_size=MAX_FRAME_BYTES)

    def data_received(self, data: bytes) -> None:
        self.websocket.receive_data(data)
        for event in self.websocket.events_received():
            if isinstance(event, Request):
                self.websocket.send_response(self.websocket.accept(event))
        for chunk in self.websocket.data_to_send():
            if chunk:
                self.transport.write(chunk)
            else:
                self.transport.close()


async def idle_asgi_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "websocket":
        return
    await receive()
    await send({"type": "websocket.accept"})
    while (await receive())["type"] != "websocket.disconnect":
        pass


def serve(floor: str, port: int) -> None:
    raise_open_files_limit()
    if floor == "asgi":
        uvicorn.run(
            idle_asgi_app,
            host="127.0.0.1",
            port=port,
            loop="uvloop",
            lifespan="off",
            ws_per_message_deflate=False,
            log_level="warning",
        )
        return
    protocol = IdleTcp if floor == "tcp" else IdleWebSocket

    async def forever() -> None:
        server = await asyncio.get_running_loop().create_server(
            protocol, "127.0.0.1", port, backlog=4096
        )
        async with server:
            await server.serve_forever()

    uvloop.run(forever())


async def hold(floor: str, port: int, count: int) -> None:
    """Opens COUNT connections, prints how many opened, holds them until stdin closes."""
    gate = asyncio.Semaphore(OPENING)
    held: list[Any] = []

    async def one() -> None:
        async with gate:
            try:
                if floor == "tcp":
                    held.append(await asyncio.open_connection("127.0.0.1", port))
                else:
                    held.append(
                        await websockets.connect(f"ws://127.0.0.1:{port}/", ping_interval=None)
                    )
            except (OSError, websockets.WebSocketException, TimeoutError):
                pass

    await asyncio.gather(*(one() for _ in range(count)))
    print(len(held), flush=True)
    await asyncio.to_thread(sys.stdin.read)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1])


def wait_for_port(port: int, deadline_seconds: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {deadline_seconds:.0f} s")


def measure(floor: str, sockets: int, clients: int) -> dict[str, float]:
    port = free_port()
    me = [sys.executable, "-m", "bench.socket_floor"]
    server = subprocess.Popen([*me, "--serve", floor, "--port", str(port)])
    generators: list[subprocess.Popen[str]] = []
    try:
        wait_for_port(port)
        time.sleep(SETTLE_SECONDS)
        before = rss_kib(server.pid)
        share = sockets // clients
        generators = [
            subprocess.Popen(
                [*me, "--hold", floor, "--port", str(port), "--sockets", str(share)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(clients)
        ]
        opened = sum(
            int(generator.stdout.readline()) for generator in generators if generator.stdout
        )
        time.sleep(SETTLE_SECONDS)
        after = rss_kib(server.pid)
    finally:
        for generator in generators:
            if generator.stdin:
                generator.stdin.close()
            generator.wait(timeout=60)
        server.terminate()
        server.wait(timeout=30)
    return {
        "sockets open": opened,
        "RSS before MiB": before / 1024,
        "RSS with sockets MiB": after / 1024,
        "KiB per socket": (after - before) / max(opened, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("floors", nargs="*", metavar="floor", help=f"of {', '.join(FLOORS)}")
    parser.add_argument("--sockets", type=int, default=15_000)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--serve", choices=FLOORS, help=argparse.SUPPRESS)
    parser.add_argument("--hold", choices=FLOORS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    if args.hold:
        raise_open_files_limit()
        asyncio.run(hold(args.hold, args.port, args.sockets))
        return
    unknown = sorted(set(args.floors) - set(FLOORS))
    if unknown:
        parser.error(f"no floor {', '.join(unknown)}; there are {', '.join(FLOORS)}")
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for floor in args.floors or FLOORS:
        figures = measure(floor, args.sockets, args.clients)
        print(
            f"{floor:10} {figures['sockets open']:6.0f} open  "
            f"RSS {figures['RSS before MiB']:.0f} → {figures['RSS with sockets MiB']:.0f} MiB  "
            f"{figures['KiB per socket']:.1f} KiB per socket",
            flush=True,
        )


if __name__ == "__main__":
    main()
