"""Keeps every subscriber of a service consuming while its broker connection is up.

aio-pika restores a robust connection's consumers after a reconnect and after the broker
cancels one, but not in every case (DESIGN.md's pitfalls: FastStream #2758, aio-pika #231).
Seen here, in the scale-out test under load: a cluster node died together with one of two
notifications instances. The survivor kept its connection, and the broker cancelled its
consumers of the RPC queues that had lived on the dead node (a queue is placed on the node
of whoever declares it first). aio-pika never brought them back: its log shows the two
cancels and nothing after (a restore on that connection had been refused with NOT_FOUND at
the previous node's death). The survivor answered no request for minutes: every list of
pop-ups was "service not running".

So each service watches its own consumers: a subscriber whose consumer has been missing
from a connection that is up for `grace` seconds (aio-pika's own recovery goes first) is
brought back, and again on the next round while that fails. Nothing is watched while
aio-pika reconnects: after a reconnect it restores everything itself.
"""

import asyncio
import contextlib
import logging
import time
from typing import Any

import aiormq
from aio_pika import RobustChannel, RobustConnection, RobustQueue
from aiormq.exceptions import AMQPError
from faststream.rabbit import RabbitBroker
from faststream.rabbit.subscriber import RabbitSubscriber

logger = logging.getLogger("helpdesk.consumers")

CHECK_EVERY_SECONDS = 1.0
# aio-pika restores a cancelled consumer within about one reconnect interval (1 s here).
GRACE_SECONDS = 3.0
RESTORE_TIMEOUT_SECONDS = 5.0


class ConsumerWatch:
    def __init__(
        self,
        broker: RabbitBroker,
        every_seconds: float = CHECK_EVERY_SECONDS,
        grace_seconds: float = GRACE_SECONDS,
    ) -> None:
        self.broker = broker
        self.every_seconds = every_seconds
        self.grace_seconds = grace_seconds
        # Since when each consumer (by its queue's name) has been missing.
        self._missing_since: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None
        self.restored = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="consumer-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.every_seconds)
            try:
                await self.check()
            except Exception:
                # A bug here must not end the watch: logged with its traceback, next round.
                logger.exception("consumer watch round failed")

    async def check(self) -> None:
        """One round: note who is missing, bring back who has been missing for too long."""
        connection = self._connection()
        # Down or being made again: aio-pika restores every channel and consumer once it is
        # back, and the grace starts over then.
        if connection is None or connection.is_closed or not connection.connected.is_set():
            self._missing_since.clear()
            return
        now = time.monotonic()
        for subscriber in self._subscribers():
            queue = subscriber._queue_obj
            tag = subscriber._consumer_tag
            if queue is None or tag is None:
                continue
            if await _consuming(queue, tag):
                self._missing_since.pop(queue.name, None)
                continue
            since = self._missing_since.setdefault(queue.name, now)
            if now - since < self.grace_seconds:
                continue
            try:
                brought_back = await self._bring_back(connection, queue, tag)
            except (AMQPError, OSError, TimeoutError, RuntimeError) as error:
                logger.warning(
                    "consumer not restored yet",
                    extra={"queue": queue.name, "error": type(error).__name__},
                )
                continue
            self._missing_since.pop(queue.name, None)
            if not brought_back:
                continue
            self.restored += 1
            logger.warning(
                "consumer restored by the watch",
                extra={"queue": queue.name, "missing_for": round(now - since, 1)},
            )

    def _connection(self) -> RobustConnection | None:
        connection: Any = getattr(self.broker, "_connection", None)
        return connection if isinstance(connection, RobustConnection) else None

    def _subscribers(self) -> list[RabbitSubscriber]:
        return [
            subscriber
            for subscriber in self.broker.subscribers
            if isinstance(subscriber, RabbitSubscriber) and subscriber.running
        ]

    async def _bring_back(self, connection: RobustConnection, queue: RobustQueue, tag: str) -> bool:
        """Whether the watch brought the consumer back (False: aio-pika had meanwhile)."""
        channel = queue.channel
        if not isinstance(channel, RobustChannel):
            raise RuntimeError(f"the consumer of {queue.name} is not on a robust channel")
        if channel.is_closed:
            # Closed under an open connection: aio-pika's restore reopens the channel and
            # declares and consumes everything it held, this consumer too.
            await asyncio.wait_for(channel.restore(), RESTORE_TIMEOUT_SECONDS)
            if await _consuming(queue, tag):
                return True
        # Under the lock aio-pika restores consumers with, so the two never start the same
        # consumer twice (a tag reused on a channel makes the broker close the connection).
        async with channel._RobustChannel__restore_lock:  # type: ignore[attr-defined]
            if await _consuming(queue, tag):
                return False
            consumer = queue._consumers.get(tag)
            if consumer is None:
                raise RuntimeError(f"no record of the consumer of {queue.name}")
            # The queue first, on a channel of its own: a declare the broker refuses closes
            # the channel it was sent on, and the service's channel carries all consumers.
            probe = await connection.channel(publisher_confirms=False)
            try:
                await probe.declare_queue(
                    queue.name,
                    durable=queue.durable,
                    exclusive=queue.exclusive,
                    auto_delete=queue.auto_delete,
                    arguments=queue.arguments,
                    timeout=RESTORE_TIMEOUT_SECONDS,
                    robust=False,
                )
            finally:
                await probe.close()
            # As aio-pika itself restores it: the same tag and what the consumer was started
            # with (FastStream's callback, its acknowledgement mode and arguments).
            await queue.consume(consumer_tag=tag, timeout=RESTORE_TIMEOUT_SECONDS, **consumer)
            return True


async def _consuming(queue: RobustQueue, tag: str) -> bool:
    channel = queue.channel
    if channel.is_closed:
        return False
    underlay = await channel.get_underlay_channel()
    return isinstance(underlay, aiormq.Channel) and tag in underlay.consumers
