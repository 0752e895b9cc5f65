"""Pop-up stream sockets of the test."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
import websockets

from tests.support.sockets import ChatPeer, OpenStream, socket_url
from tests.support.system import HelpDesk, make_token


@pytest.fixture
async def open_stream(system: HelpDesk) -> AsyncIterator[OpenStream]:
    """Opens `WS /api/v1/stream` sockets (the agents' with `agent=True`); closes them after."""
    async with AsyncExitStack() as stack:

        async def open_socket(
            account_id: str = "support",
            user_id: str | None = None,
            agent: bool = False,
            gateway_url: str | None = None,
        ) -> ChatPeer:
            role = "agent" if agent else "user"
            token = make_token(role, account_id, user_id)
            path = "/api/v1/agent/stream" if agent else "/api/v1/stream"
            url = socket_url(gateway_url or system.gateway_url, path, token)
            return ChatPeer(await stack.enter_async_context(websockets.connect(url)))

        yield open_socket
