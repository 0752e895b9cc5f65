"""Chat sockets of the test: a user's or an agent's, against a real gateway."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import pytest
import websockets

from shared.chat import ChatStats, StatsQuery
from shared.routes import CHAT_STATS
from shared.rpc_client import RpcClient
from shared.signing import BusSigner
from tests.support.sockets import ChatPeer, ConnectChat, socket_url
from tests.support.system import HelpDesk, make_token


@pytest.fixture
async def connect(system: HelpDesk) -> AsyncIterator[ConnectChat]:
    """Opens chat sockets (user's by default, `agent=True` for the console's); closes them after."""
    async with AsyncExitStack() as stack:

        async def open_socket(
            agent: bool = False,
            name: str | None = None,
            gateway_url: str | None = None,
            token: str | None = None,
        ) -> ChatPeer:
            role = "agent" if agent else "user"
            token = token or make_token(role, name=name or f"{role}-{uuid.uuid4().hex[:6]}")
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
