"""Consuming the same event twice never makes two pop-ups."""

import json

import aio_pika
import httpx

from shared.signing import BusSigner
from shared.topology import EVENTS_EXCHANGE
from tests.support.events import EventLog
from tests.support.popups import about, answered_ticket, eventually_listed, popups
from tests.support.sockets import OpenStream, stays_quiet
from tests.support.system import TEST_BUS_KEY, Account, HelpDesk


async def test_the_same_reply_posted_delivered_twice_makes_one_popup(
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    event_log: EventLog,
    open_stream: OpenStream,
) -> None:
    anna = account.user("anna")
    number = await answered_ticket(gateway, anna, agent, "Jedna odpowiedź")
    [posted] = await event_log.wait_for("reply.posted", ticket_number=number)
    await eventually_listed(gateway, anna, bool, state="all", ticket_number=number)
    tab = await open_stream(account.account_id, "anna")

    # The outbox relay may publish an event again (a crash between publish and mark).
    connection = await aio_pika.connect(system.settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE.name)
        for _copy in range(2):
            body = json.dumps(posted).encode()
            message = aio_pika.Message(
                body,
                message_id=posted["event_id"],
                headers=BusSigner(TEST_BUS_KEY).headers("reply.posted", body),
            )
            await exchange.publish(message, routing_key="reply.posted")
    await event_log.wait_for("reply.posted", count=3, ticket_number=number)

    await stays_quiet(tab, "popup.created", about(number))
    assert len(await popups(gateway, anna, state="all", ticket_number=number)) == 1
