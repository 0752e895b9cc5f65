"""What one gateway instance tells every other: transient, signed hints on one exchange.

The counterpart of the push queue (push.py): each instance's queue receives what the
others publish here, its own included, so every instance applies one path for all.
"""

import asyncio
import logging

import aio_pika
from aio_pika.abc import AbstractRobustChannel, AbstractRobustConnection
from faststream.rabbit import RabbitExchange
from pydantic import BaseModel

from shared.signing import BusSigner

logger = logging.getLogger("helpdesk.gateway.broadcast")

BROKER_DOWN = (
    aio_pika.exceptions.AMQPError,
    aio_pika.exceptions.ChannelInvalidStateError,
    ConnectionError,
)


class Broadcast:
    def __init__(
        self,
        url: str,
        exchange: RabbitExchange,
        timeout: float,
        signer: BusSigner,
        reconnect_seconds: float = 5.0,
    ) -> None:
        self.url = url
        self.exchange = exchange
        self.timeout = timeout
        self.signer = signer
        self.reconnect_seconds = reconnect_seconds
        self._connection: AbstractRobustConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(
            self.url, timeout=self.timeout, reconnect_interval=self.reconnect_seconds
        )
        channel = await self._connection.channel()
        assert isinstance(channel, AbstractRobustChannel)
        self._exchange = await channel.declare_exchange(
            self.exchange.name,
            type=self.exchange.type.value,
            durable=self.exchange.durable,
            auto_delete=self.exchange.auto_delete,
        )

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()

    async def publish(self, routing_key: str, message: BaseModel) -> None:
        """Send one hint; one that cannot go now is dropped (the next one repairs it)."""
        if self._exchange is None:
            return
        # Signed: the push queue drops whatever no gateway or service signed.
        body, headers = self.signer.seal(routing_key, message)
        envelope = aio_pika.Message(
            body=body,
            headers=headers,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.NOT_PERSISTENT,
        )
        try:
            # A deadline: aio-pika can hang on a broken robust connection (aio-pika #636).
            async with asyncio.timeout(self.timeout):
                await self._exchange.publish(envelope, routing_key=routing_key)
        except (TimeoutError, *BROKER_DOWN):
            logger.warning("broadcast not published", extra={"route": routing_key})
