"""An answer from support that support never wrote reaches no user.

Someone holding broker credentials but not HELPDESK_BUS_KEY publishes a `reply.posted`
event straight onto the real broker, with a message of their own, to a user who has the
Help menu open. The services sign what they publish (shared/signing.py); a forged event is
dead-lettered by the notifications service, and its live copy is dropped by the
gateway's push queue.
"""

import json
import uuid
from collections.abc import Callable
from typing import Any

import aio_pika
import httpx
import pytest

from shared.signing import BusSigner
from shared.topology import DEAD_LETTER_QUEUE, EVENTS_EXCHANGE, LIVE_EXCHANGE
from tests.support.events import EventLog
from tests.support.popups import answered_ticket, eventually_listed, popups
from tests.support.sockets import OpenStream, stays_quiet
from tests.support.system import TEST_BUS_KEY, Account, HelpDesk
from tests.support.waiting import eventually

FORGED_TEXT = "Pilne: podaj hasło do systemu pod numerem 700 000 000"


def forged_answer(frame: dict[str, Any]) -> bool:
    return bool(frame["data"].get("body") == FORGED_TEXT)


async def publish_event(url: str, event: dict[str, Any], headers: dict[str, Any]) -> None:
    """The event, then its live copy for the gateways, as a service sends them."""
    async with await aio_pika.connect(url) as connection:
        channel = await connection.channel()
        for name in (EVENTS_EXCHANGE.name, LIVE_EXCHANGE.name):
            exchange = await channel.get_exchange(name)
            message = aio_pika.Message(
                json.dumps(event).encode(),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                headers=headers,
            )
            await exchange.publish(message, routing_key=event["type"])


async def dead_lettered(url: str, marker: str) -> dict[str, Any] | None:
    """The `x-death` record of the dead letter whose body holds `marker`, taken off the queue."""
    async with await aio_pika.connect(url) as connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(DEAD_LETTER_QUEUE.name, passive=True)
        held: list[aio_pika.abc.AbstractIncomingMessage] = []
        try:
            while (message := await queue.get(no_ack=False, fail=False)) is not None:
                if marker.encode() in message.body:
                    await message.ack()
                    [death] = message.headers["x-death"]  # type: ignore[misc]
                    return dict(death)  # type: ignore[arg-type]
                held.append(message)
        finally:
            for message in held:
                await message.nack(requeue=True)
    return None


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda body: {}, id="unsigned"),
        pytest.param(
            lambda body: BusSigner("a-key-someone-guessed-" + "x" * 20).headers(
                "reply.posted", body
            ),
            id="wrong-key",
        ),
    ],
)
async def test_a_forged_answer_reaches_no_user_and_lands_in_the_dead_letters(
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    event_log: EventLog,
    open_stream: OpenStream,
    forge: Callable[[bytes], dict[str, Any]],
) -> None:
    """Someone with broker access but not the bus key posts "support's answer" to a user."""
    url = system.settings.rabbitmq_url
    anna = account.user("anna")
    number = await answered_ticket(gateway, anna, agent, "Prawdziwa odpowiedź")
    [posted] = await event_log.wait_for("reply.posted", ticket_number=number)
    await eventually_listed(gateway, anna, bool, state="all", ticket_number=number)
    stream = await open_stream(account.account_id, "anna")
    forged = {**posted, "event_id": uuid.uuid4().hex}
    forged["payload"] = {**posted["payload"], "body": FORGED_TEXT, "message_id": uuid.uuid4().hex}
    body = json.dumps(forged).encode()

    await publish_event(url, forged, forge(body))

    deaths: list[dict[str, Any]] = []

    async def rejected() -> bool:
        death = await dead_lettered(url, forged["event_id"])
        deaths.extend([death] if death else [])
        return len(deaths) == 2

    await eventually(rejected, within=20)
    # Both of the service's queues of reply.posted refuse it: the pop-up's and the e-mail
    # copy's.
    assert {death["queue"] for death in deaths} == {
        "notifications.reply.posted",
        "notifications.email.reply.posted",
    }
    assert all(death["reason"] == "rejected" for death in deaths)
    await stays_quiet(stream, "reply.posted", forged_answer)
    assert len(await popups(gateway, anna, state="all", ticket_number=number)) == 1

    # The same event signed with the help desk's key is a real answer: the user sees it,
    # so what kept the forged one out was its signature alone.
    await publish_event(url, forged, BusSigner(TEST_BUS_KEY).headers("reply.posted", body))
    await stream.expect("reply.posted", where=forged_answer)
    await eventually_listed(
        gateway, anna, lambda items: len(items) == 2, state="all", ticket_number=number
    )
