"""This gateway instance's own push queue: broker messages in, handlers for local sockets out.

Every gateway instance declares one exclusive, auto-delete queue and binds it by routing key
to what its sockets need (chat notices addressed to this instance, broadcasts, the pop-up
and ticket events). Any number of instances each receive their own copy, and the queue goes
away with the instance, so nothing waits in the broker for a gateway that is gone.
"""

import logging
import uuid
from collections.abc import Awaitable, Callable

import aio_pika
from aio_pika.abc import (
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from faststream.rabbit import RabbitExchange
from opentelemetry.trace import Tracer

from shared.signing import BusSigner
from shared.tracing import consume_span

PushHandler = Callable[[bytes], Awaitable[None]]

# Enough in flight to keep the sockets busy without letting a burst pile up in our memory.
PREFETCH = 256
logger = logging.getLogger("helpdesk.gateway.push")


class PushConsumer:
    def __init__(
        self,
        url: str,
        timeout: float,
        signer: BusSigner,
        instance_id: str | None = None,
        tracer: Tracer | None = None,
        reconnect_seconds: float = 5.0,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.signer = signer
        self.reconnect_seconds = reconnect_seconds
        self.instance_id = instance_id or uuid.uuid4().hex
        self.tracer = tracer
        self._bindings: list[tuple[RabbitExchange, str]] = []
        self._handlers: dict[tuple[str, str], list[PushHandler]] = {}
        self._connection: AbstractRobustConnection | None = None
        self._queue: AbstractQueue | None = None

    @property
    def queue_name(self) -> str:
        return f"gateway.push.{self.instance_id}"

    @property
    def bindings(self) -> tuple[tuple[RabbitExchange, str], ...]:
        """What this instance's queue is bound to: (exchange, routing key), as bound."""
        return tuple(self._bindings)

    def bind(self, exchange: RabbitExchange, routing_key: str, handler: PushHandler) -> None:
        """Receive `routing_key` from `exchange` and hand each message's body to `handler`.

        Called while the app is built, before `start`. Keys are matched exactly (no
        wildcards); several handlers of one key (the chat console and the agents' stream
        both show the chat queue) each get every message, in the order they were bound.
        """
        if self._queue is not None:
            raise RuntimeError("bind every routing key before the push consumer starts")
        route = (exchange.name, routing_key)
        if route not in self._handlers:
            self._bindings.append((exchange, routing_key))
        self._handlers.setdefault(route, []).append(handler)

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(
            self.url, timeout=self.timeout, reconnect_interval=self.reconnect_seconds
        )
        # The robust channel re-declares the queue, its bindings and the consumer after a
        # reconnect (consumers that FastStream would not recreate: FastStream #2758).
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        self._queue = await channel.declare_queue(
            self.queue_name, durable=False, exclusive=True, auto_delete=True
        )
        for exchange, routing_key in self._bindings:
            declared = await channel.declare_exchange(
                exchange.name,
                type=exchange.type.value,
                durable=exchange.durable,
                auto_delete=exchange.auto_delete,
            )
            await self._queue.bind(declared, routing_key=routing_key)
        await self._queue.consume(self._dispatch)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()

    async def _dispatch(self, message: AbstractIncomingMessage) -> None:
        # A handler that raises has a bug; the message is dropped, never redelivered in a loop.
        exchange, routing_key = message.exchange or "", message.routing_key or ""
        # Handing the event to this instance's sockets is the last span of its trace.
        with consume_span(self.tracer, exchange, routing_key, message.headers):
            async with message.process(requeue=False):
                handlers = self._handlers.get((exchange, routing_key))
                if handlers is None:
                    logger.warning("push without a handler", extra={"route": routing_key})
                    return
                # Only what the services signed reaches a socket: someone with broker access
                # must not put a pop-up or a chat line of their own in front of a user.
                if not self.signer.verify(
                    routing_key, dict(message.headers or {}), message.body, max_age=None
                ):
                    logger.warning("unsigned or forged push dropped", extra={"route": routing_key})
                    return
                for handler in handlers:
                    await handler(message.body)
