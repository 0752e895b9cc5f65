"""`helpdesk dead-letters`: listing leaves dead letters in place; replay routes them back."""

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aio_pika
import httpx
import pytest
from motor.motor_asyncio import AsyncIOMotorDatabase

from shared.signing import BusSigner
from shared.topology import DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, EVENTS_EXCHANGE
from tests.support.cli import Helpdesk
from tests.support.database import count
from tests.support.metrics import scrape, value
from tests.support.system import TEST_BUS_KEY, Account, HelpDesk
from tests.support.waiting import eventually

CONSUMED = "faststream_received_processed_messages_total"


@dataclass
class Poisoned:
    """An event of this test's own that a consumer rejected into the dead-letter queue."""

    event_id: str
    routing_key: str
    queue: str


async def in_dead_letters(url: str, event_id: str, remove: bool = False) -> bool:
    """Whether the event is in the dead-letter queue (other tests' dead letters stay)."""
    async with await aio_pika.connect(url) as connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(DEAD_LETTER_QUEUE.name, passive=True)
        found = False
        while (message := await queue.get(no_ack=False, fail=False)) is not None:
            if json.loads(message.body).get("event_id") == event_id:
                found = True
                if remove:
                    await message.ack()
        return found


@pytest.fixture
async def poisoned(system: HelpDesk) -> AsyncIterator[Poisoned]:
    url = system.settings.rabbitmq_url
    marker = uuid.uuid4().hex[:10]
    letter = Poisoned(uuid.uuid4().hex, f"test.cli.{marker}", f"test.cli.poison.{marker}")
    async with await aio_pika.connect(url) as connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE.name)
        queue = await channel.declare_queue(
            letter.queue, arguments={"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name}
        )
        await queue.bind(exchange, letter.routing_key)
        event = {"event_id": letter.event_id, "type": letter.routing_key, "payload": {}}
        await exchange.publish(
            aio_pika.Message(json.dumps(event).encode(), message_id=letter.event_id),
            routing_key=letter.routing_key,
        )
        # The consumer gives up on it, as one past its delivery limit does.
        message = await queue.get(no_ack=False, timeout=5)
        await message.reject(requeue=False)
        await queue.delete(if_unused=False, if_empty=False)
    await eventually(lambda: in_dead_letters(url, letter.event_id), within=10)
    yield letter
    await in_dead_letters(url, letter.event_id, remove=True)


async def test_list_shows_the_dead_letter_and_keeps_it(
    helpdesk: Helpdesk, poisoned: Poisoned, system: HelpDesk
) -> None:
    result = await helpdesk("dead-letters", "list")

    assert result.exit_code == 0, result.output
    [row] = [line.split() for line in result.stdout.splitlines() if poisoned.event_id in line]
    assert row[:4] == [poisoned.routing_key, poisoned.event_id, "rejected", poisoned.queue]
    assert row[4].startswith("20")  # the first failure's time, ISO 8601
    assert await in_dead_letters(system.settings.rabbitmq_url, poisoned.event_id)


async def test_replay_puts_the_event_back_on_its_route_and_out_of_dead_letters(
    helpdesk: Helpdesk, poisoned: Poisoned, system: HelpDesk
) -> None:
    url = system.settings.rabbitmq_url
    async with await aio_pika.connect(url) as connection:
        channel = await connection.channel()
        watch = await channel.declare_queue(exclusive=True)
        await watch.bind(EVENTS_EXCHANGE.name, poisoned.routing_key)

        result = await helpdesk("dead-letters", "replay", poisoned.event_id)

        assert result.exit_code == 0, result.output
        assert f"-> {EVENTS_EXCHANGE.name} {poisoned.routing_key}" in result.stdout
        message = await watch.get(timeout=5)
        assert json.loads(message.body)["event_id"] == poisoned.event_id
        assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        assert "x-death" not in (message.headers or {})
    assert not await in_dead_letters(url, poisoned.event_id)


async def test_replay_of_an_unknown_event_fails_and_replays_nothing(
    helpdesk: Helpdesk, poisoned: Poisoned, system: HelpDesk
) -> None:
    result = await helpdesk("dead-letters", "replay", "no-such-event")

    assert result.exit_code == 1
    assert "no-such-event" in result.stderr
    assert await in_dead_letters(system.settings.rabbitmq_url, poisoned.event_id)


@pytest.mark.parametrize("args", [[], ["--all", "some-id"]])
async def test_replay_needs_either_all_or_event_ids(helpdesk: Helpdesk, args: list[str]) -> None:
    result = await helpdesk("dead-letters", "replay", *args)

    assert result.exit_code == 2
    assert "--all" in result.output


@pytest.fixture
async def repair_popup_numbers(
    database: AsyncIOMotorDatabase[Any],
) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """Breaks pop-up numbering (the counter is not a number, so every new pop-up fails)
    and yields its repair, which also runs at the end whatever happens."""
    counters = database["popup_counters"]
    saved = await counters.find_one({"_id": "popup"})
    assert saved is not None, "the notifications service creates its counter at start"
    await counters.update_one({"_id": "popup"}, {"$set": {"value": "broken"}})

    async def fix() -> None:
        # Only while broken: pop-ups made after the repair moved the counter on, and
        # setting it back would hand their numbers out again.
        await counters.update_one(
            {"_id": "popup", "value": "broken"}, {"$set": {"value": saved["value"]}}
        )

    yield fix
    await fix()


async def dead_letters_about(url: str, ticket_number: str) -> dict[str, bytes]:
    """The dead letters that mention a ticket, by event id; all of them stay in the queue."""
    async with await aio_pika.connect(url) as connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(DEAD_LETTER_QUEUE.name, passive=True)
        found: dict[str, bytes] = {}
        while (message := await queue.get(no_ack=False, fail=False)) is not None:
            if ticket_number.encode() in message.body:
                found[json.loads(message.body)["event_id"]] = message.body
        return found  # unacknowledged: they return to the queue with the connection


async def test_replay_after_the_fix_makes_each_popup_once(
    helpdesk: Helpdesk,
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
    repair_popup_numbers: Callable[[], Awaitable[None]],
) -> None:
    url = system.settings.rabbitmq_url
    anna = account.user("anna")
    created = await gateway.post(
        "/api/v1/tickets", data={"subject": "Odtworzenie", "message": "..."}, headers=anna
    )
    number = created.json()["number"]
    replied = await gateway.post(
        f"/api/v1/agent/tickets/{number}/replies", data={"message": "Odpowiedź"}, headers=agent
    )
    assert replied.status_code == 201, replied.text

    # The consumer fails on the answer until its delivery limit dead-letters it.
    async def dead_lettered() -> bool:
        return bool(await dead_letters_about(url, number))

    await eventually(dead_lettered, within=60)
    letters = await dead_letters_about(url, number)
    await repair_popup_numbers()

    replayed = await helpdesk("dead-letters", "replay", *letters)

    assert replayed.exit_code == 0, replayed.output
    assert f"{len(letters)} replayed" in replayed.stdout
    popups = database["popups"]

    async def popups_made() -> bool:
        return await count(popups, {"ticket_number": number}) >= len(letters)

    await eventually(popups_made, within=20)
    # The same events again, as a second replay or a relay's repeat would bring them.
    notifications = system.services["notifications"].url
    events = [json.loads(body) for body in letters.values()]
    handlers = [f"{EVENTS_EXCHANGE.name}.{event['type']}" for event in events]
    before = await scrape(notifications)
    async with await aio_pika.connect(url) as connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE.name)
        for body, event in zip(letters.values(), events, strict=True):
            signature = BusSigner(TEST_BUS_KEY).headers(event["type"], body)
            message = aio_pika.Message(body, content_type="application/json", headers=signature)
            await exchange.publish(message, routing_key=event["type"])

    async def consumed_again() -> bool:
        after = await scrape(notifications)
        return all(
            value(after, CONSUMED, handler=handler, status="acked")
            >= value(before, CONSUMED, handler=handler, status="acked") + handlers.count(handler)
            for handler in handlers
        )

    await eventually(consumed_again, within=20)
    for event_id in letters:
        assert await count(popups, {"_id": f"event:{event_id}"}) == 1
    assert await count(popups, {"ticket_number": number}) == len(letters)
    assert not await dead_letters_about(url, number)
