"""This gateway instance's own push queue: broker messages in, handlers for local sockets out.

Every gateway instance declares one exclusive, auto-delete queue and binds it by routing key
to what its sockets need (chat notices addressed to this instance, broadcasts, the pop-up
and ticket events). Any number of instances each receive their own copy, and the queue goes
away with the instance, so nothing waits in the broker for a gateway that is gone.

The queue also goes with the connection: when that is lost (a broker restart, a cluster
node's death), a new connection declares a new queue, bound the same way.
"""

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractIncomingMessage, AbstractQueue
from aiormq.exceptions import AMQPError
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
        self._connection: AbstractConnection | None = None
        self._queue: AbstractQueue | None = None
        self._connects = 0
        self._keeper: asyncio.Task[None] | None = None
        # Set when the current connection is lost (aio-pika's `closed()` resolves only on
        # a close this side asked for).
        self._lost = asyncio.Event()

    @property
    def queue_name(self) -> str:
        """The queue of the current connection: `gateway.push.<instance id>`, with `.<n>`
        from the n-th connection on (a lost queue's name may linger in a cluster)."""
        base = f"gateway.push.{self.instance_id}"
        return base if self._connects <= 1 else f"{base}.{self._connects}"

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
        """Connects and declares the queue (raising if the broker cannot be reached); from
        then on, a lost connection is made again every `reconnect_seconds`."""
        await self._connect()
        self._keeper = asyncio.create_task(self._stay_connected())

    async def close(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
        if self._connection is not None:
            await self._connection.close()

    async def _connect(self) -> None:
        # Not aio-pika's robust connection: restoring the old queue by its name failed after
        # a cluster node died (the name of a queue lost with its node lingers for a moment:
        # NOT_FOUND), and each failure started the whole reconnect over, so the gateway's
        # sockets heard nothing more.
        connection = await aio_pika.connect(self.url, timeout=self.timeout)
        lost = asyncio.Event()
        connection.close_callbacks.add(lambda *_: lost.set())
        try:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=PREFETCH)
            self._connects += 1
            queue = await channel.declare_queue(
                self.queue_name, durable=False, exclusive=True, auto_delete=True
            )
            for exchange, routing_key in self._bindings:
                declared = await channel.declare_exchange(
                    exchange.name,
                    type=exchange.type.value,
                    durable=exchange.durable,
                    auto_delete=exchange.auto_delete,
                )
                await queue.bind(declared, routing_key=routing_key)
            await queue.consume(self._dispatch)
        except BaseException:
            await connection.close()
            raise
        self._connection, self._queue, self._lost = connection, queue, lost
        logger.info("push queue declared", extra={"queue": queue.name})

    async def _stay_connected(self) -> None:
        while True:
            await self._lost.wait()
            logger.warning("push connection lost", extra={"queue": self.queue_name})
            while True:
                await asyncio.sleep(self.reconnect_seconds)
                try:
                    await self._connect()
                    break
                except (AMQPError, OSError, TimeoutError) as error:
                    logger.warning(
                        "push queue not declared yet", extra={"error": type(error).__name__}
                    )

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
