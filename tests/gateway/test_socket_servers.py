"""Each WebSocket implementation the gateway may be served with (HELPDESK_GATEWAY_WS) keeps
the sockets' contract: pop-ups and heartbeats arrive, bad tokens and oversized frames are
refused, and per-message deflate is negotiated only when it is switched on."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.support.harness import ServiceProcess
from tests.support.popups import about, answered_ticket
from tests.support.sockets import ChatPeer, socket_url
from tests.support.system import Account, HelpDesk, make_token

IMPLEMENTATIONS = ["websockets-sansio", "websockets", "wsproto"]
HEARTBEAT_SECONDS = 1.0


@pytest.fixture(scope="module", params=IMPLEMENTATIONS)
def served_by(request: pytest.FixtureRequest, system: HelpDesk) -> Iterator[str]:
    """The URL of a gateway served with one implementation, its heartbeat every second."""
    gateway = system.spawn(
        "gateway",
        HELPDESK_GATEWAY_WS=request.param,
        HELPDESK_STREAM_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS),
    ).start()
    try:
        yield gateway.url
    finally:
        gateway.stop()


@pytest.fixture
async def deflating_gateway(system: HelpDesk) -> AsyncIterator[str]:
    gateway: ServiceProcess = system.spawn(
        "gateway", HELPDESK_GATEWAY_WS_PER_MESSAGE_DEFLATE="on"
    ).start()
    try:
        yield gateway.url
    finally:
        gateway.stop()


async def closed_with(socket: ClientConnection) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), timeout=10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def stream_url(gateway_url: str, account: Account, user_id: str) -> str:
    token = make_token("user", account.account_id, user_id)
    return socket_url(gateway_url, "/api/v1/stream", token)


async def test_heartbeats_and_a_popup_arrive(
    served_by: str, gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    async with websockets.connect(stream_url(served_by, account, "anna")) as connection:
        tab = ChatPeer(connection)
        await tab.expect("heartbeat", within=HEARTBEAT_SECONDS * 5)
        number = await answered_ticket(gateway, account.user("anna"), agent, "Już działa.")
        popup = await tab.expect("popup.created", where=about(number))
        assert popup["data"]["body"] == "Już działa."


async def test_a_bad_token_is_closed_with_4401(served_by: str) -> None:
    forged = make_token("user", secret="not-the-secret-" * 4)
    url = socket_url(served_by, "/api/v1/stream", forged)
    async with websockets.connect(url) as socket:
        assert await closed_with(socket) == 4401


async def test_a_frame_over_the_limit_is_refused_with_1009(
    served_by: str, account: Account
) -> None:
    async with websockets.connect(stream_url(served_by, account, "anna")) as socket:
        await socket.send(json.dumps({"type": "hello", "text": "x" * 17_000}))
        assert await closed_with(socket) == 1009


async def test_deflate_offered_by_a_browser_is_declined(served_by: str, account: Account) -> None:
    # The client offers permessage-deflate, as browsers do.
    async with websockets.connect(stream_url(served_by, account, "anna")) as socket:
        assert socket.response is not None
        assert "Sec-WebSocket-Extensions" not in socket.response.headers
        assert socket.protocol.extensions == []


async def test_deflate_is_negotiated_when_switched_on(
    deflating_gateway: str, account: Account
) -> None:
    async with websockets.connect(stream_url(deflating_gateway, account, "anna")) as socket:
        assert socket.response is not None
        assert "permessage-deflate" in socket.response.headers["Sec-WebSocket-Extensions"]
        assert [extension.name for extension in socket.protocol.extensions] == [
            "permessage-deflate"
        ]
