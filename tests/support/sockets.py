"""The gateway's sockets as a test holds them: send frames, wait for the next of a kind."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

FRAME_TIMEOUT = 10.0
# How long a socket is watched to show that something did NOT arrive.
QUIET_SECONDS = 1.5

Frame = dict[str, Any]


class ChatPeer:
    """One socket (a chat's or a pop-up stream's): send frames, and wait for the next frame
    of a given kind."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.seen: list[Frame] = []

    async def send(self, **frame: Any) -> None:
        await self.connection.send(json.dumps(frame))

    async def start(self, name: str = "Anna Kowalska", question: str = "Jak?") -> None:
        await self.send(type="start", name=name, phone="+48 600 123 456", question=question)

    async def expect(
        self,
        *kinds: str,
        where: Callable[[Frame], bool] = lambda frame: True,
        within: float = FRAME_TIMEOUT,
    ) -> Frame:
        """The next frame of one of `kinds` that satisfies `where`; all are kept in `seen`."""
        async with asyncio.timeout(within):
            while True:
                frame: Frame = json.loads(await self.connection.recv())
                self.seen.append(frame)
                if frame["type"] in kinds and where(frame):
                    return frame

    async def close(self) -> None:
        await self.connection.close()


# The `connect` and `open_stream` fixtures: open a chat socket, a pop-up stream socket.
ConnectChat = Callable[..., Awaitable[ChatPeer]]
OpenStream = Callable[..., Awaitable[ChatPeer]]


def socket_url(gateway_url: str, path: str, token: str) -> str:
    return gateway_url.replace("http://", "ws://") + f"{path}?token={token}"


async def stays_quiet(
    peer: ChatPeer,
    kind: str,
    where: Callable[[Frame], bool] = lambda frame: True,
    within: float = QUIET_SECONDS,
) -> None:
    """Fails if a frame of `kind` that satisfies `where` arrives within `within` seconds."""
    try:
        frame = await peer.expect(kind, where=where, within=within)
    except TimeoutError:
        return
    pytest.fail(f"unexpected frame {frame}")
