"""The gateway's RPC client waits out a broker reconnect instead of refusing the request.

Found by the scale-out test under load: with the node holding a gateway's connection
killed, a chat line typed in the second of the failover was refused ("the message broker
is not reachable") and never reached the agent. Here the broker closes the client's
connection (as a node's loss does) and a request is made while it reconnects.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from shared.chat import ChatStats, StatsQuery
from shared.errors import Unavailable
from shared.routes import CHAT_STATS
from shared.rpc import RpcReply
from shared.rpc_client import RpcClient
from shared.settings import Settings
from shared.signing import BusSigner
from tests.support.system import private_vhost, rabbitmqctl

T = TypeVar("T")
RECONNECT_SECONDS = 0.5
STATS = ChatStats(open_chats=0, waiting=0, files=0, file_bytes=0)


@pytest.fixture
def vhost_url(base_settings: Settings) -> Iterator[str]:
    with private_vhost(base_settings.rabbitmq_url, "rpc-reconnect") as url:
        yield url


async def answering(url: str) -> AbstractRobustConnection:
    """A stand-in chat service answering the stats query on a durable queue, so a request
    published while it reconnects too waits there for it instead of being returned."""
    connection = await aio_pika.connect_robust(url, reconnect_interval=RECONNECT_SECONDS)
    channel = await connection.channel()
    queue = await channel.declare_queue(CHAT_STATS.queue.name, durable=True)

    async def answer(message: AbstractIncomingMessage) -> None:
        async with message.process():
            reply = RpcReply(ok=True, result=STATS.model_dump(mode="json"))
            await channel.default_exchange.publish(
                aio_pika.Message(
                    body=reply.model_dump_json().encode(), correlation_id=message.correlation_id
                ),
                routing_key=message.reply_to or "",
            )

    await queue.consume(answer)
    return connection


async def once_disconnected(
    client: RpcClient, vhost_url: str, why: str, then: Callable[[], Awaitable[T]]
) -> T:
    """The broker closes every connection to the vhost; the moment the client notices, runs
    `then` (rabbitmqctl may still be running: it takes seconds, a reconnect does not)."""

    # Told by the connection itself: polling `connected` missed the loss in a loaded CI run
    # (aio-pika reconnects at once after a loss, so the gap can be shorter than a poll).
    lost = asyncio.Event()
    assert client._connection is not None
    client._connection.close_callbacks.add(lambda *_: lost.set())

    async def watch() -> T:
        await lost.wait()
        return await then()

    watching = asyncio.create_task(watch())
    vhost = vhost_url.rsplit("/", 1)[1]
    await asyncio.to_thread(rabbitmqctl, "close_all_connections", "-p", vhost, why)
    async with asyncio.timeout(20):
        return await watching


async def stats(client: RpcClient) -> ChatStats:
    return await client.call(CHAT_STATS, StatsQuery())


async def test_a_request_made_during_a_reconnect_is_answered_once_connected(
    vhost_url: str,
) -> None:
    service = await answering(vhost_url)
    client = RpcClient(vhost_url, 10, BusSigner("k" * 32), reconnect_seconds=RECONNECT_SECONDS)
    await client.connect()
    try:
        assert await stats(client) == STATS
        answer = await once_disconnected(
            client, vhost_url, "a node was lost", lambda: stats(client)
        )
        assert answer == STATS
    finally:
        await client.close()
        await service.close()


async def test_a_broker_that_stays_away_is_still_reported_within_seconds(
    vhost_url: str,
) -> None:
    client = RpcClient(vhost_url, 10, BusSigner("k" * 32), reconnect_seconds=RECONNECT_SECONDS)
    await client.connect()
    try:
        # Nobody may connect to the vhost any more: every reconnect attempt fails.
        vhost = vhost_url.rsplit("/", 1)[1]
        await asyncio.to_thread(rabbitmqctl, "clear_permissions", "-p", vhost, "guest")

        async def refused_after() -> float:
            began = asyncio.get_running_loop().time()
            # Ready while a request would still wait for the reconnect; not after.
            assert client.reachable
            with pytest.raises(Unavailable, match="not reachable"):
                await stats(client)
            assert not client.reachable
            return asyncio.get_running_loop().time() - began

        waited = await once_disconnected(client, vhost_url, "the broker went away", refused_after)
        # Two reconnect attempts and a second's slack, not the request's 10 s deadline.
        assert RECONNECT_SECONDS * 2 <= waited < RECONNECT_SECONDS * 2 + 1 + 1, waited
    finally:
        await client.close()


async def test_requests_sent_all_through_a_reconnect_never_outrun_the_reply_consumer(
    vhost_url: str,
) -> None:
    """Found by the scale-out test: a request published while aio-pika was restoring the
    channel, before the direct reply-to consumer was back, made the broker close the
    connection ("fast reply consumer does not exist") and the client reconnect again, a
    second later; the gateway, not ready that long, lost its sockets to the balancer."""
    service = await answering(vhost_url)
    client = RpcClient(vhost_url, 10, BusSigner("k" * 32), reconnect_seconds=RECONNECT_SECONDS)
    await client.connect()
    assert client._connection is not None
    reconnects: list[object] = []
    client._connection.reconnect_callbacks.add(lambda *_: reconnects.append(1))
    try:

        async def a_stream_of_requests() -> list[ChatStats]:
            # One request at a time, one every few milliseconds, across the whole reconnect.
            answers = []
            until = asyncio.get_running_loop().time() + RECONNECT_SECONDS * 4
            while asyncio.get_running_loop().time() < until:
                # The gateway's readiness: a balancer never takes it out for a reconnect.
                assert client.reachable
                answers.append(await stats(client))
                await asyncio.sleep(0.002)
            return answers

        answers = await once_disconnected(
            client, vhost_url, "a node was lost", a_stream_of_requests
        )
        assert set(map(repr, answers)) == {repr(STATS)}
        assert len(reconnects) == 1
    finally:
        await client.close()
        await service.close()
