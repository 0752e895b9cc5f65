"""A service publishes only the event types the topology says it sends."""

import pytest
from faststream.rabbit import RabbitBroker

from shared.events import TicketCreated, event_type
from shared.publishing import UndeclaredEvent, event_publisher
from shared.signing import BusSigner
from shared.topology import PUBLISHED_EVENTS


async def test_an_event_of_a_type_the_service_does_not_send_is_refused_before_it_leaves() -> None:
    assert TicketCreated not in PUBLISHED_EVENTS["notifications"]
    # Never connected: anything but the refusal would fail on the broker instead.
    signer = BusSigner("a-key-for-this-test-only-" + "x" * 32)
    publish = event_publisher(RabbitBroker(), "notifications", 1.0, signer)
    with pytest.raises(UndeclaredEvent):
        await publish({"type": event_type(TicketCreated), "event_id": "event-1"})
