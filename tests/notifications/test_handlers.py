"""The notifications service's handlers on the in-memory broker: events that make pop-ups,
the replies to the users' commands and the events its outbox relays send, in milliseconds
(no RabbitMQ, no gateway, no process)."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from motor.motor_asyncio import AsyncIOMotorDatabase

from services.notifications.handlers import build_router
from services.notifications.service import PopupService
from services.notifications.store import PopupStore
from shared.events import ReplyPosted, ReplyPostedPayload
from shared.outbox import OutboxRelay
from shared.people import Author, Caller
from shared.popups import Announce, ListPopups, PopupAction
from shared.routes import ANNOUNCE, LIST_POPUPS, READ_POPUP
from tests.support.in_memory import InMemoryBus

EWA = Author(role="agent", id="ewa", name="Ewa")
EWA_CALLER = Caller(role="agent", id="ewa", name="Ewa", account_id="support")


@pytest.fixture(scope="module")
async def notifications(own_database: AsyncIOMotorDatabase[Any]) -> AsyncIterator[InMemoryBus]:
    bus = InMemoryBus("notifications")
    store = PopupStore(own_database)
    await store.ensure_indexes()
    # The relays run when a test asks what they send, not on a wake-up.
    service = PopupService(store, lambda: None, lambda: None)
    bus.relays += [
        OutboxRelay(store.popups, bus.publish),
        OutboxRelay(store.announcements, bus.publish),
    ]
    bus.broker.include_router(build_router(service))
    async with bus.running():
        yield bus


def reply_posted(owner: Caller, author: Author, body: str = "Poprawione.") -> ReplyPosted:
    return ReplyPosted(
        payload=ReplyPostedPayload(
            ticket_number=f"HD-{uuid.uuid4().int % 10**6:06d}",
            account_id=owner.account_id,
            ticket_owner_id=owner.id,
            ticket_subject="Faktura",
            message_id=uuid.uuid4().hex,
            author=author,
            body=body,
            status="in_progress",
            previous_status="new",
        )
    )


async def listed(notifications: InMemoryBus, caller: Caller) -> list[dict[str, Any]]:
    reply = await notifications.ask(LIST_POPUPS, ListPopups(caller=caller, state="all"))
    assert reply.ok, reply.error
    items: list[dict[str, Any]] = reply.result["items"]
    return items


async def test_an_agents_answer_becomes_the_owners_popup_relayed_as_popup_created(
    notifications: InMemoryBus, anna: Caller
) -> None:
    answer = reply_posted(anna, EWA)
    await notifications.tell(answer)
    [popup] = await listed(notifications, anna)
    ticket = answer.payload.ticket_number
    assert popup["title"] == f"Odpowiedź w zgłoszeniu {ticket}: Faktura"
    assert (popup["body"], popup["ticket_number"], popup["read"]) == ("Poprawione.", ticket, False)
    [event] = await notifications.relayed()
    assert event["type"] == "popup.created"
    assert event["payload"]["number"] == popup["number"]
    assert (event["payload"]["account_id"], event["payload"]["user_id"]) == (
        anna.account_id,
        "anna",
    )


async def test_the_same_event_delivered_twice_makes_one_popup(
    notifications: InMemoryBus, anna: Caller
) -> None:
    answer = reply_posted(anna, EWA)
    await notifications.tell(answer)
    await notifications.tell(answer)
    assert len(await listed(notifications, anna)) == 1
    assert [event["type"] for event in await notifications.relayed()] == ["popup.created"]


async def test_the_users_own_reply_makes_no_popup(notifications: InMemoryBus, anna: Caller) -> None:
    await notifications.tell(reply_posted(anna, anna.as_author(), "Nadal nie działa."))
    assert await listed(notifications, anna) == []
    assert await notifications.relayed() == []


async def test_preview_answers_the_popup_as_read_and_relays_popup_read_to_its_owner_only(
    notifications: InMemoryBus, anna: Caller
) -> None:
    await notifications.tell(reply_posted(anna, EWA))
    [popup] = await listed(notifications, anna)
    await notifications.relayed()

    stranger = anna.model_copy(update={"account_id": f"hotel-{uuid.uuid4().hex[:8]}"})
    refused = await notifications.ask(
        READ_POPUP, PopupAction(caller=stranger, number=popup["number"])
    )
    assert not refused.ok and refused.error is not None
    assert refused.error.kind == "not_found"

    read = await notifications.ask(READ_POPUP, PopupAction(caller=anna, number=popup["number"]))
    assert read.ok, read.error
    assert (read.result["number"], read.result["read"]) == (popup["number"], True)
    [event] = await notifications.relayed()
    assert (event["type"], event["payload"]["read"]) == ("popup.read", True)


async def test_an_announcement_becomes_each_readers_popup_once_even_when_tabs_read_at_once(
    notifications: InMemoryBus, anna: Caller
) -> None:
    # To Anna's account only: the module's database is shared by its tests.
    command = Announce(
        caller=EWA_CALLER, title="Przerwa", body="W nocy.", account_id=anna.account_id
    )
    announced = await notifications.ask(ANNOUNCE, command)
    assert announced.ok, announced.error
    assert [event["type"] for event in await notifications.relayed()] == ["announcement.published"]

    # Tabs read at the same moment, and again later: one pop-up, one popup.created.
    first, *others = await asyncio.gather(*(listed(notifications, anna) for _tab in range(4)))
    assert [popup["title"] for popup in first] == ["Przerwa"]
    for answer in [*others, await listed(notifications, anna)]:
        assert [popup["number"] for popup in answer] == [first[0]["number"]]
    [created] = await notifications.relayed()
    assert created["type"] == "popup.created"
    assert (created["payload"]["user_id"], created["payload"]["number"]) == (
        "anna",
        first[0]["number"],
    )

    # A colleague gets one of their own when they read; another hotel's Anna never does.
    colleague = anna.model_copy(update={"id": "piotr"})
    [theirs] = await listed(notifications, colleague)
    assert theirs["number"] != first[0]["number"]
    stranger = anna.model_copy(update={"account_id": f"hotel-{uuid.uuid4().hex[:8]}"})
    assert await listed(notifications, stranger) == []
    assert [event["payload"]["user_id"] for event in await notifications.relayed()] == ["piotr"]
