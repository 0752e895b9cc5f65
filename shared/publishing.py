"""Publishing domain events: persistent, confirmed, with a deadline."""

import asyncio
from typing import Any

from aiormq.exceptions import AMQPError, ChannelInvalidStateError
from faststream.rabbit import RabbitBroker

from shared.outbox import PublishEvent
from shared.signing import BusSigner
from shared.topology import EVENTS_EXCHANGE


class PublishFailed(ConnectionError):
    """The broker did not confirm the event in time; it stays in the outbox."""


def event_publisher(broker: RabbitBroker, timeout: float, signer: BusSigner) -> PublishEvent:
    async def publish(event: dict[str, Any]) -> None:
        # Signed, because consumers act on the agent an event names (shared/signing.py).
        body, signature = signer.seal(event["type"], event)
        try:
            # A deadline, because a publish on a broken robust connection hangs until the
            # broker returns (aio-pika #636); the outbox retries later.
            async with asyncio.timeout(timeout):
                await broker.publish(
                    body,
                    exchange=EVENTS_EXCHANGE,
                    routing_key=event["type"],
                    persist=True,
                    mandatory=False,
                    message_id=event["event_id"],
                    message_type=event["type"],
                    correlation_id=event.get("correlation_id") or event["event_id"],
                    headers=signature,
                    content_type="application/json",
                )
        # A closed channel while the robust connection reconnects is not an AMQPError.
        except (AMQPError, ChannelInvalidStateError, TimeoutError) as error:
            raise PublishFailed(f"event {event['event_id']} not confirmed") from error

    return publish
