"""The chat service's notifier alone: a push a gateway's queue did not take (the gateway is
reconnecting to the broker) is tried again, in order, for as long as the gateway's sockets
count as alive. The publisher is a stand-in that refuses while told to; the end-to-end case
(a node holding a gateway's queue killed) is tests/test_scale_out.py."""

import asyncio
import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiormq.exceptions import ChannelInvalidStateError
from faststream.rabbit import RabbitBroker

from services.chat.domain import ChatRoom, Delivery
from services.chat.handlers import Notifier
from shared.chat import Endpoint, MessageNotice
from shared.signing import BusSigner
from tests.support.chat_room import LIMITS, T0
from tests.support.waiting import eventually


class Gateway:
    """Stands in for the publisher of chat notices: refuses while `reachable` is False,
    as RabbitMQ returns a mandatory message no queue is bound for."""

    def __init__(self) -> None:
        self.reachable = False
        self.tries = 0
        self.received: list[str] = []

    async def publish(self, body: bytes, **options: Any) -> None:
        self.tries += 1
        assert options["mandatory"] is True
        if not self.reachable:
            raise ChannelInvalidStateError("no queue took it")
        for push in json.loads(body)["pushes"]:
            self.received.append(push["notice"]["text"])


def notifier(liveness: timedelta) -> tuple[Notifier, Gateway]:
    room = ChatRoom(replace(LIMITS, liveness=liveness), "instance1")
    made = Notifier(RabbitBroker(), room, 1.0, BusSigner("key"), lambda: T0)
    gateway = Gateway()
    made._notices.publish = gateway.publish  # type: ignore[method-assign]
    return made, gateway


def line(text: str) -> list[Delivery]:
    notice = MessageNotice(chat_id="instance1.c", sender="user", text=text, at=T0)
    return [Delivery(Endpoint(gateway_id="g1", socket_id="agent"), notice)]


async def test_pushes_a_reconnecting_gateway_missed_arrive_in_order() -> None:
    chats, gateway = notifier(timedelta(seconds=30))
    for text in ("one", "two", "three"):
        await chats.deliver(line(text))
    assert gateway.received == []
    gateway.reachable = True

    async def all_arrived() -> bool:
        return len(gateway.received) == 3

    await eventually(all_arrived, within=10)
    await chats.deliver(line("four"))
    assert gateway.received == ["one", "two", "three", "four"]


async def test_pushes_for_a_gateway_gone_longer_than_its_sockets_live_are_given_up() -> None:
    chats, gateway = notifier(timedelta(seconds=0.5))
    await chats.deliver(line("lost"))

    async def given_up() -> bool:
        return not chats._held

    await eventually(given_up, within=10)
    tries = gateway.tries
    await asyncio.sleep(0.5)
    assert gateway.tries == tries, "still trying after giving up"
    gateway.reachable = True
    await chats.deliver(line("next"))
    assert gateway.received == ["next"]
