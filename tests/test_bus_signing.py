"""Broker access is not impersonation: a request without the gateway's signature is refused.

Each case publishes straight onto the real broker, as someone holding broker credentials
but not HELPDESK_BUS_KEY would, a request that claims to come from a support agent.
(Forged events: tests/notifications/test_forged_answer.py.)
"""

import asyncio
import json
import time
from typing import Any

import aio_pika
import pytest

from shared.signing import BusSigner
from tests.support.system import TEST_BUS_KEY, HelpDesk

QUEUE = "rpc.tickets.queue"
FORGED_AGENT = {"caller": {"role": "agent", "id": "mallory", "name": "Ewa", "account_id": "x"}}


async def ask(url: str, body: bytes, headers: dict[str, Any]) -> dict[str, Any]:
    """One request on the bus, answered on direct reply-to; the service's reply envelope."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        replies = await channel.declare_queue("amq.rabbitmq.reply-to", passive=True)
        answered: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

        async def on_reply(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            answered.set_result(message.body)

        await replies.consume(on_reply, no_ack=True)
        message = aio_pika.Message(
            body, content_type="application/json", reply_to="amq.rabbitmq.reply-to", headers=headers
        )
        await channel.default_exchange.publish(message, routing_key=QUEUE)
        reply: dict[str, Any] = json.loads(await asyncio.wait_for(answered, timeout=10))
        return reply


def signed(key: str, body: bytes) -> dict[str, Any]:
    return dict(BusSigner(key).headers(QUEUE, body))


BODY = json.dumps(FORGED_AGENT).encode()
OTHER_BODY = json.dumps({**FORGED_AGENT, "account_id": "hotel-a"}).encode()
STALE = dict(BusSigner(TEST_BUS_KEY).headers(QUEUE, BODY, at=time.time() - 120))


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param(BODY, {}, id="unsigned"),
        pytest.param(BODY, signed("a-key-someone-guessed-" + "x" * 20, BODY), id="wrong-key"),
        pytest.param(OTHER_BODY, signed(TEST_BUS_KEY, BODY), id="body-changed-after-signing"),
        pytest.param(BODY, STALE, id="replayed-two-minutes-later"),
    ],
)
async def test_a_request_with_a_forged_caller_is_refused(
    system: HelpDesk, body: bytes, headers: dict[str, Any]
) -> None:
    reply = await ask(system.settings.rabbitmq_url, body, headers)
    assert reply["ok"] is False
    assert reply["error"]["code"] == "bus_signature_invalid"
    assert reply["result"] is None


async def test_the_gateways_signature_is_answered(system: HelpDesk) -> None:
    reply = await ask(system.settings.rabbitmq_url, BODY, signed(TEST_BUS_KEY, BODY))
    assert reply["ok"] is True
