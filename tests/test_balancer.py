"""The gateways' balancer (deploy/haproxy-gateways.cfg): a ready gateway that answers its
health check slowly keeps its sockets; one that says it is not ready is taken out, and
its sockets are cut so that clients reconnect to another.

The gateway here is a stand-in whose `/readyz` the test slows down or fails at will: a
real gateway answers slowly only on a machine too busy to time it. The scale-out test saw
that there: two checks answered later than 1 s took a ready gateway out, with its chats."""

import asyncio
import http
from dataclasses import dataclass
from pathlib import Path

import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.support.balancer import gateways_balanced
from tests.support.waiting import eventually

# Later than the whole 1 s a check had before; well inside the 5 s it has now, even when
# a busy machine stretches the stand-in's sleep.
SLOW_ANSWER = 1.5
# Enough checks for the balancer to have taken the gateway out three times over, had it
# counted slow answers as failures (it does after `fall` failures of each server line).
SLOW_CHECKS = 9


@dataclass
class StandInGateway:
    """Answers `/readyz` as the test says, and echoes every message on a socket."""

    delay: float = 0.0
    ready: bool = True
    slow_answers: int = 0
    refusals: int = 0

    async def check(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.path != "/readyz":
            return None
        delay = self.delay
        await asyncio.sleep(delay)
        if not self.ready:
            self.refusals += 1
            return connection.respond(http.HTTPStatus.SERVICE_UNAVAILABLE, "not ready\n")
        self.slow_answers += delay > 0
        return connection.respond(http.HTTPStatus.OK, "ready\n")

    async def echo(self, connection: ServerConnection) -> None:
        async for message in connection:
            await connection.send(message)


async def socket_through(url: str) -> ClientConnection:
    """A socket through the balancer, once it forwards to the gateway."""
    opened: list[ClientConnection] = []

    async def connected() -> bool:
        try:
            opened.append(await websockets.connect(f"{url.replace('http', 'ws', 1)}/socket"))
        except (OSError, websockets.InvalidStatus):
            return False
        return True

    await eventually(connected, 30)
    return opened[0]


async def echoes(socket: ClientConnection, text: str) -> bool:
    await socket.send(text)
    async with asyncio.timeout(10):
        return await socket.recv() == text


async def test_a_slow_ready_gateway_keeps_its_sockets_and_an_unready_one_loses_them(
    tmp_path: Path,
) -> None:
    gateway = StandInGateway()
    async with serve(gateway.echo, "127.0.0.1", 0, process_request=gateway.check) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        # Both server lines on the one stand-in: wherever the socket lands, it is its checks.
        with gateways_balanced([port, port], tmp_path) as url:
            socket = await socket_through(url)
            async with socket:
                gateway.delay = SLOW_ANSWER

                async def many_slow_checks() -> bool:
                    return gateway.slow_answers >= SLOW_CHECKS

                await eventually(many_slow_checks, 90)
                assert await echoes(socket, "still here after slow checks")

                gateway.delay = 0.0
                gateway.ready = False
                with pytest.raises(ConnectionClosed):
                    async with asyncio.timeout(30):
                        await socket.recv()
                assert gateway.refusals >= 3
