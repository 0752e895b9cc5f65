"""Declared publishers, and domain events through them: persistent, confirmed, with a
deadline; then each event's live copy for the gateways' sockets."""

import asyncio
import inspect
import logging
from typing import Any

from aiormq.exceptions import AMQPError, ChannelInvalidStateError
from faststream.rabbit import RabbitBroker, RabbitExchange
from faststream.rabbit.publisher import RabbitPublisher
from pydantic import BaseModel

from shared.events import event_type
from shared.outbox import PublishEvent
from shared.signing import BusSigner
from shared.topology import EVENTS_EXCHANGE, LIVE_EXCHANGE, PUBLISHED_EVENTS, ServiceName

logger = logging.getLogger("helpdesk.publishing")


class PublishFailed(ConnectionError):
    """The broker did not confirm the event in time; it stays in the outbox."""


class UndeclaredEvent(LookupError):
    """An event of a type its service does not declare (shared/topology.py): a bug."""


def event_publisher(
    broker: RabbitBroker, service: ServiceName, timeout: float, signer: BusSigner
) -> PublishEvent:
    """Publishes the events `service` sends, each through its type's publisher, and then
    its live copy (shared/topology.py: LIVE_EXCHANGE says why apart).

    Declared publishers, not `broker.publish`, so the service's AsyncAPI document lists
    every event and live copy it sends with its schema (the body goes as signed bytes).
    Build one per broker: each call declares them.
    """

    def publishers(exchange: RabbitExchange, persist: bool) -> dict[str, RabbitPublisher]:
        return {
            event_type(kind): declare_publisher(
                broker, kind, exchange, event_type(kind), persist=persist, typed=True
            )
            for kind in PUBLISHED_EVENTS[service]
        }

    events = publishers(EVENTS_EXCHANGE, persist=True)
    live_copies = publishers(LIVE_EXCHANGE, persist=False)

    async def send(
        publisher: RabbitPublisher, event: dict[str, Any], body: bytes, signature: dict[str, Any]
    ) -> None:
        # A deadline, because a publish on a broken robust connection hangs until the
        # broker returns (aio-pika #636); the outbox retries later.
        async with asyncio.timeout(timeout):
            await publisher.publish(
                body,
                message_id=event["event_id"],
                correlation_id=event.get("correlation_id") or event["event_id"],
                headers=signature,
                content_type="application/json",
            )

    async def publish(event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind not in events:
            raise UndeclaredEvent(f"{service} does not declare events of type {kind}")
        # Signed, because consumers act on the agent an event names (shared/signing.py).
        body, signature = signer.seal(kind, event)
        try:
            await send(events[kind], event, body, signature)
        # A closed channel while the robust connection reconnects is not an AMQPError.
        except (AMQPError, ChannelInvalidStateError, TimeoutError) as error:
            raise PublishFailed(f"event {event['event_id']} not confirmed") from error
        # Only once the event is kept: a socket never hears of what could still be lost.
        try:
            await send(live_copies[kind], event, body, signature)
        except (AMQPError, ChannelInvalidStateError, TimeoutError) as error:
            logger.info(
                "live copy not confirmed",
                extra={"event_type": kind, "cause": type(error).__name__},
            )

    return publish


def declare_publisher(
    broker: RabbitBroker,
    kind: type[BaseModel],
    exchange: RabbitExchange,
    routing_key: str,
    *,
    persist: bool,
    typed: bool = False,
) -> RabbitPublisher:
    """A publisher of `kind` messages, which the AsyncAPI document lists with their schema.

    Not mandatory: events reach whichever queues are bound (none is not an error). The
    chat service publishes its notices mandatory (on a channel where a returned message
    raises rather than being logged by aiormq with its body, chat text), to try again one
    that a reconnecting gateway's queue missed. `typed` sets the AMQP type property to the
    routing key, as events carry it.
    """
    return broker.publisher(
        exchange=exchange,
        routing_key=routing_key,
        persist=persist,
        mandatory=False,
        message_type=routing_key if typed else None,
        schema=kind,
        # The class's own docstring only: inspect.getdoc would fall back to BaseModel's.
        description=inspect.cleandoc(kind.__doc__) if kind.__doc__ else None,
    )
