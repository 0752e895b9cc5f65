"""A service consumes again after losing a consumer while its broker connection stays up.

Found by the scale-out test under load: a cluster node died together with one of two
notifications instances; the survivor kept its connection but lost its consumers of the
RPC queues that had lived on that node, aio-pika never brought them back, and the survivor
answered nothing for minutes. Here the broker refuses a restore in a way one node can show
(a changed exchange), and a consumer goes away without aio-pika knowing; each time the
service must answer again within seconds.
"""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import aio_pika
import pytest
from aiormq.exceptions import ChannelNotFoundEntity
from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue

from shared.consumer_watch import ConsumerWatch
from shared.settings import Settings
from shared.topology import rpc_queue
from tests.support.system import private_vhost
from tests.support.waiting import eventually

EXCHANGE = RabbitExchange("watch.events", type=ExchangeType.TOPIC, durable=True)
EVENT_KEY = "thing.happened"
EVENT_QUEUE = RabbitQueue("watch.thing.happened", durable=True, routing_key=EVENT_KEY)
RPC_QUEUE = rpc_queue("tickets", "watch-probe")
# aio-pika's own recovery gets its grace, then the watch's round; a loaded machine adds.
WITHIN_SECONDS = 20.0


@dataclass
class Service:
    broker: RabbitBroker
    watch: ConsumerWatch
    events: list[str]


@pytest.fixture
def vhost_url(base_settings: Settings) -> Iterator[str]:
    with private_vhost(base_settings.rabbitmq_url, "consumer-watch") as url:
        yield url


@pytest.fixture
async def service(vhost_url: str) -> AsyncIterator[Service]:
    """A service's broker as the services build theirs, answering one RPC queue and
    consuming one event queue, with the watch every service runs."""
    broker = RabbitBroker(vhost_url, reconnect_interval=0.5, logger=None)
    events: list[str] = []

    @broker.subscriber(RPC_QUEUE)
    async def answer(request: str) -> str:
        return f"answered {request}"

    @broker.subscriber(EVENT_QUEUE, EXCHANGE)
    async def keep(event: str) -> None:
        events.append(event)

    watch = ConsumerWatch(broker, every_seconds=0.5, grace_seconds=1.0)
    await broker.start()
    await watch.start()
    try:
        yield Service(broker, watch, events)
    finally:
        await watch.stop()
        await broker.stop()


@pytest.fixture
async def caller(vhost_url: str) -> AsyncIterator[RabbitBroker]:
    broker = RabbitBroker(vhost_url, logger=None)
    await broker.start()
    try:
        yield broker
    finally:
        await broker.stop()


async def answers(caller: RabbitBroker, request: str) -> bool:
    try:
        response = await caller.request(request, queue=RPC_QUEUE.name, timeout=1)
    except TimeoutError:
        return False
    return bool(await response.decode() == f"answered {request}")


async def service_channel(service: Service) -> aio_pika.RobustChannel:
    subscriber = next(each for each in service.broker.subscribers if each.running)
    channel = subscriber._queue_obj.channel  # type: ignore[attr-defined]
    assert isinstance(channel, aio_pika.RobustChannel)
    return channel


async def test_a_channel_whose_restore_the_broker_refused_is_restored_later(
    service: Service, caller: RabbitBroker, vhost_url: str
) -> None:
    assert await answers(caller, "before")
    channel = await service_channel(service)
    admin = await aio_pika.connect(vhost_url)
    try:
        admin_channel = await admin.channel()
        # The exchange changed under the service: its channel's restore is refused.
        await admin_channel.exchange_delete(EXCHANGE.name)
        await admin_channel.declare_exchange(EXCHANGE.name, type="fanout", durable=True)
        # A channel error (here a declare the broker refuses; in the cluster a consume of
        # a queue lost with its node) closes the service's channel with all its consumers.
        with pytest.raises(ChannelNotFoundEntity):
            await channel.declare_queue("watch.missing", passive=True)

        async def restore_refused() -> bool:
            return channel.is_closed

        await eventually(restore_refused, 10)
        assert not await answers(caller, "while refused")
        # The exchange as it should be again: nothing tells aio-pika to try once more.
        await admin_channel.exchange_delete(EXCHANGE.name)
        await admin_channel.declare_exchange(EXCHANGE.name, type="topic", durable=True)
    finally:
        await admin.close()

    await eventually(lambda: answers(caller, "after"), WITHIN_SECONDS)
    await caller.publish("an event", exchange=EXCHANGE, routing_key=EVENT_KEY)

    async def event_kept() -> bool:
        return "an event" in service.events

    await eventually(event_kept, 10)
    assert service.watch.restored >= 1


async def test_a_consumer_gone_without_aio_pika_knowing_is_consumed_again(
    service: Service, caller: RabbitBroker
) -> None:
    assert await answers(caller, "before")
    rpc = next(each for each in service.broker.subscribers if each.queue.name == RPC_QUEUE.name)
    tag = rpc._consumer_tag  # type: ignore[attr-defined]
    underlay = await (await service_channel(service)).get_underlay_channel()
    # What a refused restore leaves: the broker has no consumer (and an auto-delete queue
    # goes with its last one), while aio-pika still counts it as restored.
    await underlay.basic_cancel(tag)
    assert not await answers(caller, "while gone")

    await eventually(lambda: answers(caller, "after"), WITHIN_SECONDS)
    assert service.watch.restored == 1
