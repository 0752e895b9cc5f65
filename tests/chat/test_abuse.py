"""One user cannot block live chat for everyone: per-person, per-account and per-socket limits.

A private chat service and gateway, on their own virtual host, run with small limits so
each one is reached in seconds.
"""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack

import pytest
import websockets

from tests.support.harness import ServiceProcess
from tests.support.sockets import ChatPeer, socket_url, stays_quiet
from tests.support.system import HelpDesk, make_token, private_vhost

LIMITS = {
    # 15 s: long enough for the other tests' waiting chats on a slow machine.
    "HELPDESK_CHAT_WAIT_MINUTES": "0.25",
    "HELPDESK_CHAT_QUEUE_LIMIT": "10",
    # 20 % of 10 is 2: the floor of three applies.
    "HELPDESK_CHAT_ACCOUNT_QUEUE_PERCENT": "20",
    "HELPDESK_SOCKETS_PER_PERSON": "3",
    # One frame more every 10 s: however slowly the gateway handles the burst, the bucket
    # barely refills meanwhile.
    "HELPDESK_CHAT_FRAMES_PER_MINUTE": "6",
    "HELPDESK_CHAT_FRAME_BURST": "5",
}


@pytest.fixture(scope="module")
def strict_gateway(system: HelpDesk) -> Iterator[str]:
    """A gateway and a chat service of their own, with LIMITS; the gateway's URL."""
    with private_vhost(system.settings.rabbitmq_url, "helpdesk-chatlimits") as rabbitmq_url:
        env = {**LIMITS, "HELPDESK_RABBITMQ_URL": rabbitmq_url}
        services: list[ServiceProcess] = []
        try:
            services = [
                system.spawn("chat", **env).start(),
                system.spawn("gateway", **env).start(),
            ]
            yield services[1].url
        finally:
            for service in services:
                service.stop()


class Sockets:
    def __init__(self, gateway_url: str, stack: AsyncExitStack) -> None:
        self.gateway_url = gateway_url
        self.stack = stack

    async def chat(self, token: str | None = None) -> ChatPeer:
        url = socket_url(self.gateway_url, "/api/v1/chat", token or make_token("user"))
        return ChatPeer(await self.stack.enter_async_context(websockets.connect(url)))


@pytest.fixture
async def sockets(strict_gateway: str) -> AsyncIterator[Sockets]:
    async with AsyncExitStack() as stack:
        yield Sockets(strict_gateway, stack)


async def closed_with(url: str) -> int:
    """The close code of a socket the gateway refuses right after its handshake."""
    async with websockets.connect(url) as socket:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), timeout=10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_a_person_waits_in_one_chat_however_many_windows(sockets: Sockets) -> None:
    token = make_token("user", "hotel-one-wait", "anna")
    first, second = await sockets.chat(token), await sockets.chat(token)
    await first.start()
    await first.expect("queued")
    await second.start()
    refusal = await second.expect("error")
    assert refusal["code"] == "chat_already_waiting"
    # The same user id in another hotel is someone else.
    elsewhere = await sockets.chat(make_token("user", "hotel-other", "anna"))
    await elsewhere.start()
    await elsewhere.expect("queued")


async def test_one_hotel_fills_only_its_share_of_the_queue(sockets: Sockets) -> None:
    account = f"hotel-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        peer = await sockets.chat(make_token("user", account))
        await peer.start()
        await peer.expect("queued")
    fourth = await sockets.chat(make_token("user", account))
    await fourth.start()
    assert (await fourth.expect("busy"))["reason"] == "account_queue_full"
    neighbour = await sockets.chat()
    await neighbour.start()
    await neighbour.expect("queued")


async def test_a_chat_nobody_accepts_ends_and_says_why(sockets: Sockets) -> None:
    user = await sockets.chat()
    await user.start()
    await user.expect("queued")
    # HELPDESK_CHAT_WAIT_MINUTES = 0.25: fifteen seconds, swept every 3.75 s.
    ended = await user.expect("ended", within=45)
    assert ended["reason"] == "wait_timeout"


async def test_a_person_opens_only_so_many_sockets_of_each_kind(
    sockets: Sockets, strict_gateway: str
) -> None:
    token = make_token("user", "hotel-sockets", "anna")
    for path in ("/api/v1/chat", "/api/v1/stream"):
        url = socket_url(strict_gateway, path, token)
        for _ in range(3):
            await sockets.stack.enter_async_context(websockets.connect(url))
        assert await closed_with(url) == 4429
    # Someone else, or the same user id in another hotel, is not affected.
    await sockets.chat(make_token("user", "hotel-elsewhere", "anna"))


async def test_a_flood_of_frames_is_refused_at_the_gateway(sockets: Sockets) -> None:
    user = await sockets.chat()
    for _ in range(40):
        await user.send(type="message", text="spam")
    codes = [(await user.expect("error"))["code"] for _ in range(40)]
    # Only the burst reached the chat service (which knows no such chat); the rest never did.
    assert codes.count("chat_frames_rate_limited") >= 30
    assert codes.count("not_found") <= 10


async def test_a_frame_larger_than_any_valid_one_is_not_read(sockets: Sockets) -> None:
    user = await sockets.chat()
    with pytest.raises(websockets.ConnectionClosed) as closed:
        # The gateway may close the socket before the client has sent the whole frame:
        # then the send itself says so.
        await user.connection.send(json.dumps({"type": "message", "text": "x" * 1_000_000}))
        await user.expect("error")
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_typing_hints_never_use_up_the_frames_a_persons_lines_need(
    sockets: Sockets,
) -> None:
    user = await sockets.chat()
    # Six times the burst of frames, as a client that sends "typing" on every key would.
    for _ in range(30):
        await user.send(type="typing")
    await user.send(type="message", text="Dzień dobry")
    # The first hint and the line reach the chat service (which has no chat for them);
    # the other hints are dropped at the gateway without a word.
    codes = [(await user.expect("error"))["code"] for _ in range(2)]
    assert codes == ["chat_not_found", "chat_not_found"]
    await stays_quiet(user, "error")
