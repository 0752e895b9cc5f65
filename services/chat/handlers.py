"""Chat commands from the gateway: decode, ask the room, publish its notices.

Notices leave as non-persistent messages on the non-durable chat exchange, addressed to
the gateway instance that holds the socket; the agents' queue view is a broadcast.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from faststream.rabbit import RabbitBroker, RabbitRouter
from pydantic import BaseModel

from services.chat.domain import ChatRoom, Delivery
from shared.chat import (
    AcceptChat,
    ChatPush,
    ChatPushes,
    ChatStats,
    EndChat,
    Heartbeat,
    HeartbeatReply,
    ListQueue,
    PostMessage,
    QueueSnapshot,
    ServiceRestarted,
    SocketClosed,
    StartChat,
    StartReply,
    StatsQuery,
)
from shared.rpc import rpc_endpoint
from shared.signing import BusSigner
from shared.topology import (
    CHAT_EXCHANGE,
    CHAT_QUEUE_KEY,
    CHAT_RESTARTED_KEY,
    chat_gateway_key,
    rpc_queue,
)

Clock = Callable[[], datetime]
logger = logging.getLogger("helpdesk.chat")

# Many queue changes in a burst (a wave of starts or accepts) are told once.
QUEUE_MOVES_DELAY_SECONDS = 0.1


def utcnow() -> datetime:
    return datetime.now(UTC)


class Notifier:
    """Publishes the room's notices; transient by rule (DESIGN.md, Messaging rules)."""

    def __init__(
        self, broker: RabbitBroker, room: ChatRoom, timeout: float, signer: BusSigner, clock: Clock
    ) -> None:
        self.broker = broker
        self.room = room
        self.timeout = timeout
        self.signer = signer
        self.clock = clock
        self._published_version = 0
        self._queue_view: asyncio.Task[None] | None = None

    async def deliver(self, deliveries: list[Delivery]) -> None:
        await self._send(deliveries)
        if self.room.queue_version != self._published_version and self._queue_view is None:
            self._queue_view = asyncio.create_task(self._queue_moved_soon())

    async def publish_queue(self) -> None:
        self._published_version = self.room.queue_version
        await self._publish(self.room.snapshot(self.clock()), CHAT_QUEUE_KEY)

    async def announce_restart(self, instance: str) -> None:
        await self._publish(ServiceRestarted(instance=instance), CHAT_RESTARTED_KEY)

    async def _queue_moved_soon(self) -> None:
        """New places for those waiting and a new view for the agents, once per burst."""
        try:
            await asyncio.sleep(QUEUE_MOVES_DELAY_SECONDS)
            await self._send(self.room.position_updates())
            await self.publish_queue()
        finally:
            self._queue_view = None

    async def _send(self, deliveries: list[Delivery]) -> None:
        by_gateway: dict[str, list[ChatPush]] = {}
        for delivery in deliveries:
            push = ChatPush(socket_id=delivery.to.socket_id, notice=delivery.notice)
            by_gateway.setdefault(delivery.to.gateway_id, []).append(push)
        for gateway_id, pushes in by_gateway.items():
            await self._publish(ChatPushes(pushes=pushes), chat_gateway_key(gateway_id))

    async def _publish(self, message: BaseModel, routing_key: str) -> None:
        # Not mandatory: a notice for a gateway that is gone has nobody to reach, and a
        # returned message would be logged by aiormq with its body (chat text). Signed, so
        # only the chat service can put a line or an ended chat in front of a user.
        body, signature = self.signer.seal(routing_key, message)
        try:
            async with asyncio.timeout(self.timeout):
                await self.broker.publish(
                    body,
                    exchange=CHAT_EXCHANGE,
                    routing_key=routing_key,
                    persist=False,
                    mandatory=False,
                    headers=signature,
                    content_type="application/json",
                )
        except TimeoutError:
            # Heartbeats reconcile what a lost notice leaves behind (gateway → chat).
            logger.warning("chat notice not published in time", extra={"route": routing_key})


def _counts(room: ChatRoom) -> dict[str, int]:
    return room.stats().model_dump()


def chat_router(room: ChatRoom, notifier: Notifier, clock: Clock) -> RabbitRouter:
    """The chat commands, each answered on its own transient RPC queue."""
    router = RabbitRouter()

    @router.subscriber(rpc_queue("chat", "start"))
    @rpc_endpoint
    async def start_chat(command: StartChat) -> StartReply:
        reply, deliveries = room.start(command, clock())
        logger.info("chat start", extra={"outcome": reply.outcome, "chat_id": reply.chat_id})
        await notifier.deliver(deliveries)
        return reply

    @router.subscriber(rpc_queue("chat", "accept"))
    @rpc_endpoint
    async def accept_chat(command: AcceptChat) -> None:
        deliveries = room.accept(command, clock())
        logger.info("chat accepted", extra={"chat_id": command.chat_id, **_counts(room)})
        await notifier.deliver(deliveries)

    @router.subscriber(rpc_queue("chat", "message"))
    @rpc_endpoint
    async def post_message(command: PostMessage) -> None:
        await notifier.deliver(room.post(command, clock()))

    @router.subscriber(rpc_queue("chat", "end"))
    @rpc_endpoint
    async def end_chat(command: EndChat) -> None:
        deliveries = room.end(command, clock())
        logger.info("chat ended", extra={"by": "request", **_counts(room)})
        await notifier.deliver(deliveries)

    @router.subscriber(rpc_queue("chat", "socket_closed"))
    @rpc_endpoint
    async def socket_closed(command: SocketClosed) -> None:
        deliveries = room.socket_closed(command.endpoint)
        if deliveries:
            logger.info("chat ended", extra={"by": "socket_closed", **_counts(room)})
        await notifier.deliver(deliveries)

    @router.subscriber(rpc_queue("chat", "heartbeat"))
    @rpc_endpoint
    async def heartbeat(command: Heartbeat) -> HeartbeatReply:
        return HeartbeatReply(chat_ids=room.heartbeat(command.endpoint, clock()))

    @router.subscriber(rpc_queue("chat", "queue"))
    @rpc_endpoint
    async def list_queue(query: ListQueue) -> QueueSnapshot:
        return room.snapshot(clock())

    @router.subscriber(rpc_queue("chat", "stats"))
    @rpc_endpoint
    async def stats(query: StatsQuery) -> ChatStats:
        return room.stats()

    return router


def sweep_interval(limit_seconds: float, heartbeat_seconds: float) -> float:
    # Often enough that an idle, unanswered or dead chat ends within a quarter of its limit.
    return min(5.0, limit_seconds / 4, heartbeat_seconds)


async def run_sweeper(room: ChatRoom, notifier: Notifier, interval: float, clock: Clock) -> None:
    """Ends idle and abandoned chats; refreshes the agents' waiting times while anyone waits."""
    while True:
        await asyncio.sleep(interval)
        deliveries = room.sweep(clock())
        if deliveries:
            logger.info("chats expired", extra={"notices": len(deliveries), **_counts(room)})
        await notifier.deliver(deliveries)
        if room.waiting:
            await notifier.publish_queue()
