"""Pop-up stream sockets of the test, and the few steps every pop-up test takes."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
import websockets

from tests.chat.conftest import ChatPeer, socket_url
from tests.conftest import HelpDesk, make_token
from tests.test_broker_outage import eventually
from tests.tickets.test_replies import new_ticket, reply

# How long a socket is watched to show that something did NOT arrive.
QUIET_SECONDS = 1.5

OpenStream = Callable[..., Awaitable[ChatPeer]]


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


Frame = dict[str, Any]


def about(ticket_number: str) -> Callable[[Frame], bool]:
    """Frames of one ticket: announcements to everyone from other tests may arrive too."""
    return lambda frame: bool(frame["data"].get("ticket_number") == ticket_number)


def titled(title: str) -> Callable[[Frame], bool]:
    return lambda frame: bool(frame["data"]["title"] == title)


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


async def answered_ticket(
    gateway: httpx.AsyncClient, user: dict[str, str], agent: dict[str, str], text: str
) -> str:
    """A new ticket of `user` that an agent has answered with `text`."""
    number = await new_ticket(gateway, user)
    answered = await reply(gateway, number, agent, text, agent=True)
    assert answered.status_code == 201, answered.text
    return number


async def popups(
    gateway: httpx.AsyncClient, user: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    response = await gateway.get("/api/v1/popups", params=params, headers=user)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def eventually_listed(
    gateway: httpx.AsyncClient,
    user: dict[str, str],
    where: Callable[[list[dict[str, Any]]], bool],
    within: float = 10.0,
    **params: Any,
) -> list[dict[str, Any]]:
    """The pop-up list once `where` holds for it (events are consumed asynchronously)."""
    items: list[dict[str, Any]] = []

    async def holds() -> bool:
        nonlocal items
        items = await popups(gateway, user, **params)
        return where(items)

    await eventually(holds, within)
    return items
