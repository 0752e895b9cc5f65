"""Declared publishers, and domain events through them: persistent, confirmed, with a
deadline."""

import asyncio
import inspect
from typing import Any

from aiormq.exceptions import AMQPError, ChannelInvalidStateError
from faststream.rabbit import RabbitBroker, RabbitExchange
from faststream.rabbit.publisher import RabbitPublisher
from pydantic import BaseModel

from shared.events import event_type
from shared.outbox import PublishEvent
from shared.signing import BusSigner
from shared.topology import EVENTS_EXCHANGE, PUBLISHED_EVENTS, ServiceName


class PublishFailed(ConnectionError):
    """The broker did not confirm the event in time; it stays in the outbox."""


class UndeclaredEvent(LookupError):
    """An event of a type its service does not declare (shared/topology.py): a bug."""


def event_publisher(
    broker: RabbitBroker, service: ServiceName, timeout: float, signer: BusSigner
) -> PublishEvent:
    """Publishes the events `service` sends, each through its type's publisher.

    Declared publishers, not `broker.publish`, so the service's AsyncAPI document lists
    every event it sends with its schema (the body goes as signed bytes). Build one per
    broker: each call declares them.
    """
    publishers = {
        event_type(kind): declare_publisher(
            broker, kind, EVENTS_EXCHANGE, event_type(kind), persist=True, typed=True
        )
        for kind in PUBLISHED_EVENTS[service]
    }

    async def publish(event: dict[str, Any]) -> None:
        publisher = publishers.get(event["type"])
        if publisher is None:
            raise UndeclaredEvent(f"{service} does not declare events of type {event['type']}")
        # Signed, because consumers act on the agent an event names (shared/signing.py).
        body, signature = signer.seal(event["type"], event)
        try:
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
        # A closed channel while the robust connection reconnects is not an AMQPError.
        except (AMQPError, ChannelInvalidStateError, TimeoutError) as error:
            raise PublishFailed(f"event {event['event_id']} not confirmed") from error

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
