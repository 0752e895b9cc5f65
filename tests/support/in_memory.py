"""A service's handlers on FastStream's in-memory broker (`TestRabbitBroker`).

Commands get the reply the gateway would get, events arrive as from another service, and
what the service's outbox relays send is caught: handler logic in milliseconds, with no
RabbitMQ, no gateway and no process of its own. The database is the real one.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from faststream.rabbit import RabbitBroker, RabbitQueue, TestRabbitBroker

from shared.events import Event
from shared.outbox import OutboxRelay
from shared.publishing import event_publisher
from shared.rpc import RequestT, RpcReply, RpcRoute
from shared.signing import BusSigner
from shared.topology import EVENTS_EXCHANGE, ServiceName
from tests.support.system import TEST_BUS_KEY

PUBLISH_TIMEOUT_SECONDS = 5.0


class InMemoryBus:
    def __init__(self, service: ServiceName) -> None:
        self.service = service
        self.broker = RabbitBroker()
        # What a service's relays publish with: persistent, confirmed (here, in memory).
        signer = BusSigner(TEST_BUS_KEY)
        self.publish = event_publisher(self.broker, service, PUBLISH_TIMEOUT_SECONDS, signer)
        self.relays: list[OutboxRelay] = []
        self.sent: list[dict[str, Any]] = []

        # Every event on the exchange; without a subscriber the test broker refuses a publish.
        @self.broker.subscriber(
            RabbitQueue("test.in-memory.events", routing_key="#"), EVENTS_EXCHANGE
        )
        async def catch(event: dict[str, Any]) -> None:
            self.sent.append(event)

    @asynccontextmanager
    async def running(self) -> AsyncIterator["InMemoryBus"]:
        async with TestRabbitBroker(self.broker):
            yield self

    async def ask(self, route: RpcRoute[RequestT, Any], request: RequestT) -> RpcReply:
        """The reply to a command or query, as the gateway's RPC client receives it."""
        answer = await self.broker.request(request, queue=route.queue)
        return RpcReply.model_validate(await answer.decode())

    async def tell(self, event: Event[Any]) -> None:
        """An event from another service, as it arrives on the events exchange."""
        await self.broker.publish(event, exchange=EVENTS_EXCHANGE, routing_key=event.type)

    async def relayed(self) -> list[dict[str, Any]]:
        """What the service's outbox relays send now of what its handlers wrote."""
        before = len(self.sent)
        for relay in self.relays:
            await relay.relay_pending()
        return self.sent[before:]
