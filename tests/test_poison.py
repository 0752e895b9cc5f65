"""A malformed event is dead-lettered after a bounded number of deliveries, and the
consumer goes on serving the events behind it."""

import json
import uuid

import aio_pika
import httpx

from shared.signing import BusSigner
from shared.topology import DEAD_LETTER_QUEUE, EVENTS_EXCHANGE
from tests.support.system import TEST_BUS_KEY, Account, HelpDesk
from tests.support.waiting import eventually

# The notifications service's queues of reply.posted: the pop-up's and the e-mail copy's.
REPLY_QUEUES = {"notifications.reply.posted", "notifications.email.reply.posted"}


async def test_poison_event_goes_to_dead_letters_and_the_rest_still_flows(
    system: HelpDesk, gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    marker = f"poison-{uuid.uuid4().hex}"
    connection = await aio_pika.connect(system.settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE.name)
        # Signed with the help desk's key: a malformed event from a buggy publisher of
        # ours, not a forged one (those are rejected at once: tests/test_bus_signing.py).
        body = json.dumps({"type": "reply.posted", "marker": marker}).encode()
        await exchange.publish(
            aio_pika.Message(
                body,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                content_type="application/json",
                headers=BusSigner(TEST_BUS_KEY).headers("reply.posted", body),
            ),
            routing_key="reply.posted",
        )
        dead_letters = await channel.declare_queue(DEAD_LETTER_QUEUE.name, passive=True)
        found: list[aio_pika.abc.AbstractIncomingMessage] = []

        async def dead_lettered() -> bool:
            message = await dead_letters.get(no_ack=False, fail=False)
            if message is None:
                return False
            if marker.encode() in message.body:
                found.append(message)
                await message.ack()
                return len(found) == len(REPLY_QUEUES)
            await message.nack(requeue=True)
            return False

        await eventually(dead_lettered, within=60)
        # Each queue of reply.posted (the pop-up's, the e-mail copy's) counted the failed
        # deliveries and, past DELIVERY_LIMIT, dead-lettered its copy of the message, with
        # its original route for a replay.
        deaths = [message.headers["x-death"][0] for message in found]  # type: ignore[index]
        assert {death["queue"] for death in deaths} == REPLY_QUEUES  # type: ignore[index]
        for death in deaths:
            assert death["reason"] == "delivery_limit"  # type: ignore[index]
            assert death["routing-keys"] == ["reply.posted"]  # type: ignore[index]

    # The consumer is alive: a real answer still becomes the user's pop-up.
    anna = account.user("anna")
    number = (
        await gateway.post(
            "/api/v1/tickets", data={"subject": "Po truciźnie", "message": "..."}, headers=anna
        )
    ).json()["number"]
    await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies", data={"message": "Działa"}, headers=agent
    )

    async def popup_arrived() -> bool:
        popups = await gateway.get("/api/v1/popups", params={"state": "all"}, headers=anna)
        return any(item["ticket_number"] == number for item in popups.json()["items"])

    await eventually(popup_arrived, within=20)
