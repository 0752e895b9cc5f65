"""Chat sockets of the test: a user's or an agent's, against a real gateway."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from shared.chat import ChatStats, StatsQuery
from shared.routes import CHAT_STATS
from shared.rpc_client import RpcClient
from shared.signing import BusSigner
from tests.conftest import HelpDesk, make_token

FRAME_TIMEOUT = 10.0


class ChatPeer:
    """One chat socket: send frames, and wait for the next frame of a given kind."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.seen: list[dict[str, Any]] = []

    async def send(self, **frame: Any) -> None:
        await self.connection.send(json.dumps(frame))

    async def start(self, name: str = "Anna Kowalska", question: str = "Jak?") -> None:
        await self.send(type="start", name=name, phone="+48 600 123 456", question=question)

    async def expect(
        self,
        *kinds: str,
        where: Callable[[dict[str, Any]], bool] = lambda frame: True,
        within: float = FRAME_TIMEOUT,
    ) -> dict[str, Any]:
        """The next frame of one of `kinds` that satisfies `where`; all are kept in `seen`."""
        async with asyncio.timeout(within):
            while True:
                frame: dict[str, Any] = json.loads(await self.connection.recv())
                self.seen.append(frame)
                if frame["type"] in kinds and where(frame):
                    return frame

    async def close(self) -> None:
        await self.connection.close()


ConnectChat = Callable[..., Awaitable[ChatPeer]]


def socket_url(gateway_url: str, path: str, token: str) -> str:
    return gateway_url.replace("http://", "ws://") + f"{path}?token={token}"


@pytest.fixture
async def connect(system: HelpDesk) -> AsyncIterator[ConnectChat]:
    """Opens chat sockets (user's by default, `agent=True` for the console's); closes them after."""
    async with AsyncExitStack() as stack:

        async def open_socket(
            agent: bool = False, name: str | None = None, gateway_url: str | None = None
        ) -> ChatPeer:
            role = "agent" if agent else "user"
            token = make_token(role, name=name or f"{role}-{uuid.uuid4().hex[:6]}")
            path = "/api/v1/agent/chat" if agent else "/api/v1/chat"
            url = socket_url(gateway_url or system.gateway_url, path, token)
            connection = await stack.enter_async_context(websockets.connect(url))
            return ChatPeer(connection)

        yield open_socket


@pytest.fixture
async def chat_stats(system: HelpDesk) -> AsyncIterator[Callable[[], Awaitable[ChatStats]]]:
    """Asks the chat service how many chats it holds in memory (counts only)."""
    rpc = RpcClient(
        system.env["HELPDESK_RABBITMQ_URL"], 5, BusSigner(system.env["HELPDESK_BUS_KEY"])
    )
    await rpc.connect()

    async def stats() -> ChatStats:
        return await rpc.call(CHAT_STATS, StatsQuery())

    yield stats
    await rpc.close()
