"""Chat commands from the gateway: decode, ask the room, publish its notices.

Notices leave as non-persistent messages on the non-durable chat exchange, addressed to
the gateway instance that holds the socket; each instance's waiting queue is a broadcast.
Every command is answered on the queue all instances share and on this instance's own:
gateways send a chat's commands to the instance its id names (shared/chat.py).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiormq.exceptions import AMQPError, ChannelInvalidStateError
from faststream.rabbit import RabbitBroker, RabbitRouter
from faststream.rabbit.publisher import RabbitPublisher
from pydantic import BaseModel

from services.chat.domain import ChatRoom, Delivery
from shared.chat import (
    AcceptChat,
    AgentAvailability,
    AvailabilityQuery,
    ChatFileContent,
    ChatFileRef,
    ChatPush,
    ChatPushes,
    ChatStats,
    EndChat,
    FetchFile,
    Heartbeat,
    HeartbeatReply,
    ListQueue,
    PostMessage,
    QueueSnapshot,
    ServiceRestarted,
    SetAvailability,
    ShareFile,
    ShowTyping,
    SocketClosed,
    StartChat,
    StartReply,
    StatsQuery,
)
from shared.clock import Clock
from shared.publishing import declare_publisher
from shared.routes import (
    ACCEPT_CHAT,
    AGENT_AVAILABILITY,
    CHAT_HEARTBEAT,
    CHAT_QUEUE,
    CHAT_SOCKET_CLOSED,
    CHAT_STATS,
    CHAT_TYPING,
    END_CHAT,
    FETCH_CHAT_FILE,
    POST_CHAT_MESSAGE,
    SET_AGENT_AVAILABILITY,
    SHARE_CHAT_FILE,
    START_CHAT,
)
from shared.rpc import ReplyT, RequestT, RpcRoute
from shared.rpc import answers as answers_on
from shared.signing import BusSigner
from shared.topology import (
    CHAT_EXCHANGE,
    CHAT_GATEWAY_KEY,
    CHAT_QUEUE_KEY,
    CHAT_RESTARTED_KEY,
    chat_gateway_key,
    chat_instance_queue,
)

logger = logging.getLogger("helpdesk.chat")

# Many queue changes in a burst (a wave of starts or accepts) are told once.
QUEUE_MOVES_DELAY_SECONDS = 0.1
# How soon a push a gateway's queue did not take is tried again.
PUSH_RETRY_SECONDS = 0.2
# At most this many pushes wait for one gateway; past it the oldest are given up.
HELD_PUSHES_MAX = 1000


class Notifier:
    """Publishes the room's notices; transient by rule (DESIGN.md, Messaging rules)."""

    def __init__(
        self, broker: RabbitBroker, room: ChatRoom, timeout: float, signer: BusSigner, clock: Clock
    ) -> None:
        # One declared publisher per kind of push, so the AsyncAPI document lists each.
        self._notices = declare_publisher(
            broker, ChatPushes, CHAT_EXCHANGE, CHAT_GATEWAY_KEY, persist=False
        )
        self._queue_views = declare_publisher(
            broker, QueueSnapshot, CHAT_EXCHANGE, CHAT_QUEUE_KEY, persist=False
        )
        self._restarts = declare_publisher(
            broker, ServiceRestarted, CHAT_EXCHANGE, CHAT_RESTARTED_KEY, persist=False
        )
        self.room = room
        self.timeout = timeout
        self.signer = signer
        self.clock = clock
        self._published_version = 0
        self._queue_view: asyncio.Task[None] | None = None
        # Pushes waiting for a gateway's queue, in order, by gateway; and their retries.
        self._held: dict[str, list[ChatPushes]] = {}
        self._retries: set[asyncio.Task[None]] = set()

    async def deliver(self, deliveries: list[Delivery]) -> None:
        await self._send(deliveries)
        if self.room.queue_version != self._published_version and self._queue_view is None:
            self._queue_view = asyncio.create_task(self._queue_moved_soon())

    async def publish_queue(self) -> None:
        self._published_version = self.room.queue_version
        await self._broadcast(self._queue_views, self.room.snapshot(self.clock()))

    async def announce_start(self) -> None:
        await self._broadcast(self._restarts, ServiceRestarted(instance=self.room.instance))

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
            message = ChatPushes(pushes=pushes)
            held = self._held.get(gateway_id)
            if held is not None:
                # Behind the ones still waiting: a chat's lines arrive in order.
                held.append(message)
                del held[:-HELD_PUSHES_MAX]
            elif not await self._push(gateway_id, message):
                self._held[gateway_id] = [message]
                retry = asyncio.create_task(self._retry(gateway_id))
                self._retries.add(retry)
                retry.add_done_callback(self._retries.discard)

    async def _push(self, gateway_id: str, message: ChatPushes) -> bool:
        """Whether the gateway's queue took the pushes.

        Mandatory, and returned when no queue is bound: the gateway's queue goes with its
        broker connection, so while a gateway reconnects (its node died) its chat lines
        would otherwise be dropped, and the chats on it would lose lines silently.
        """
        key = chat_gateway_key(gateway_id)
        try:
            await self._publish(self._notices, message, key, mandatory=True)
        except (AMQPError, ChannelInvalidStateError, TimeoutError):
            return False
        return True

    async def _retry(self, gateway_id: str) -> None:
        """Tries the gateway's held pushes again, oldest first, for as long as its sockets
        count as alive; a gateway gone longer has lost them (and their chats end)."""
        held = self._held[gateway_id]
        give_up = asyncio.get_running_loop().time() + self.room.limits.liveness.total_seconds()
        try:
            while held:
                if await self._push(gateway_id, held[0]):
                    held.pop(0)
                    continue
                if asyncio.get_running_loop().time() > give_up:
                    logger.warning(
                        "chat notices for a gateway given up",
                        extra={"gateway": gateway_id, "notices": len(held)},
                    )
                    return
                await asyncio.sleep(PUSH_RETRY_SECONDS)
        finally:
            del self._held[gateway_id]

    async def _publish(
        self,
        publisher: RabbitPublisher,
        message: BaseModel,
        routing_key: str | None = None,
        mandatory: bool = False,
    ) -> None:
        """Publish `message`, to `routing_key` if given, else to the publisher's own key.

        Signed, so only the chat service can put a line or an ended chat in front of a user.
        A deadline, because a publish on a broken robust connection hangs (aio-pika #636).
        """
        route = routing_key or publisher.routing()
        body, signature = self.signer.seal(route, message)
        async with asyncio.timeout(self.timeout):
            await publisher.publish(
                body,
                routing_key=route,
                headers=signature,
                content_type="application/json",
                mandatory=mandatory,
            )

    async def _broadcast(self, publisher: RabbitPublisher, message: BaseModel) -> None:
        """A queue view or a start, to every gateway and instance: the next sweep repeats
        a lost one, so it is not held for retries."""
        try:
            await self._publish(publisher, message)
        except (AMQPError, ChannelInvalidStateError, TimeoutError):
            logger.warning("chat broadcast not published", extra={"route": publisher.routing()})


def _counts(room: ChatRoom) -> dict[str, int]:
    return room.stats().model_dump()


def chat_router(room: ChatRoom, notifier: Notifier, clock: Clock) -> RabbitRouter:
    """The chat commands, each answered on its own transient RPC queues (shared, and this
    instance's), and the other instances' queue broadcasts."""
    router = RabbitRouter()

    def answers(
        route: RpcRoute[RequestT, ReplyT],
    ) -> Callable[[Callable[[RequestT], Awaitable[ReplyT]]], object]:
        # The shared queue too: starts and queries go to any instance, and one instance
        # alone answers everything there as before instances had queues of their own.
        def subscribe(handler: Callable[[RequestT], Awaitable[ReplyT]]) -> object:
            answers_on(router, route)(handler)
            return answers_on(router, route.at(room.instance))(handler)

        return subscribe

    @router.subscriber(chat_instance_queue(room.instance), CHAT_EXCHANGE)
    async def other_instance_queue(snapshot: QueueSnapshot) -> None:
        room.heard_from(snapshot, clock())

    @answers(START_CHAT)
    async def start_chat(command: StartChat) -> StartReply:
        reply, deliveries = room.start(command, clock())
        logger.info("chat start", extra={"outcome": reply.outcome, "chat_id": reply.chat_id})
        await notifier.deliver(deliveries)
        return reply

    @answers(ACCEPT_CHAT)
    async def accept_chat(command: AcceptChat) -> None:
        deliveries = room.accept(command, clock())
        logger.info("chat accepted", extra={"chat_id": command.chat_id, **_counts(room)})
        await notifier.deliver(deliveries)

    @answers(POST_CHAT_MESSAGE)
    async def post_message(command: PostMessage) -> None:
        await notifier.deliver(room.post(command, clock()))

    @answers(CHAT_TYPING)
    async def typing(command: ShowTyping) -> None:
        await notifier.deliver(room.typing(command, clock()))

    @answers(SHARE_CHAT_FILE)
    async def share_file(command: ShareFile) -> ChatFileRef:
        ref, deliveries = room.share_file(command, clock())
        # Sizes only: never a file's name or content.
        logger.info("chat file shared", extra={"size": ref.size, **_counts(room)})
        await notifier.deliver(deliveries)
        return ref

    @answers(FETCH_CHAT_FILE)
    async def fetch_file(query: FetchFile) -> ChatFileContent:
        held = room.file(query)
        return ChatFileContent(ref=held.ref, content=held.content)

    @answers(END_CHAT)
    async def end_chat(command: EndChat) -> None:
        deliveries = room.end(command, clock())
        logger.info("chat ended", extra={"by": "request", **_counts(room)})
        await notifier.deliver(deliveries)

    @answers(CHAT_SOCKET_CLOSED)
    async def socket_closed(command: SocketClosed) -> None:
        deliveries = room.socket_closed(command.endpoint)
        if deliveries:
            logger.info("chat ended", extra={"by": "socket_closed", **_counts(room)})
        await notifier.deliver(deliveries)

    @answers(CHAT_HEARTBEAT)
    async def heartbeat(command: Heartbeat) -> HeartbeatReply:
        chat_ids = room.heartbeat(command.endpoint, clock(), command.agent)
        # An agent's console that came back (a lost one) changes who is offered chats.
        await notifier.deliver([])
        return HeartbeatReply(chat_ids=chat_ids)

    @answers(CHAT_QUEUE)
    async def list_queue(query: ListQueue) -> QueueSnapshot:
        if query.console is not None and query.agent is not None:
            room.console_checked_in(query.console, query.agent, clock())
            await notifier.deliver([])
        return room.snapshot(clock())

    @answers(AGENT_AVAILABILITY)
    async def availability(query: AvailabilityQuery) -> AgentAvailability:
        return room.availability(query.agent)

    @answers(SET_AGENT_AVAILABILITY)
    async def set_availability(command: SetAvailability) -> AgentAvailability:
        reply = room.set_availability(command)
        logger.info("agent availability", extra={"status": command.status})
        # Every console's queue view changes: the agent's own, and the count of those online.
        await notifier.deliver([])
        return reply

    @answers(CHAT_STATS)
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
        # Every sweep, waiting chats or not: it refreshes their waiting times, and it tells
        # gateways and the other instances this one is alive (shared/chat_instances.py).
        await notifier.publish_queue()
