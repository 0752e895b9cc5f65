"""Pop-ups as a user lists them, and the steps that make one."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.support.sockets import Frame
from tests.support.tickets import new_ticket, reply
from tests.support.waiting import eventually

# Snoozed this long, a reminder falls due within a test's patience.
SNOOZE_SECONDS = 3


def about(ticket_number: str) -> Callable[[Frame], bool]:
    """Frames of one ticket: announcements to everyone from other tests may arrive too."""
    return lambda frame: bool(frame["data"].get("ticket_number") == ticket_number)


def titled(title: str) -> Callable[[Frame], bool]:
    return lambda frame: bool(frame["data"]["title"] == title)


async def answered_ticket(
    gateway: httpx.AsyncClient, user: dict[str, str], agent: dict[str, str], text: str
) -> str:
    """A new ticket of `user` that an agent has answered with `text`."""
    number = await new_ticket(gateway, user)
    answered = await reply(gateway, number, agent, text, agent=True)
    assert answered.status_code == 201, answered.text
    return number


async def popups(
    gateway: httpx.AsyncClient, user: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    response = await gateway.get("/api/v1/popups", params=params, headers=user)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def eventually_listed(
    gateway: httpx.AsyncClient,
    user: dict[str, str],
    where: Callable[[list[dict[str, Any]]], bool],
    within: float = 10.0,
    **params: Any,
) -> list[dict[str, Any]]:
    """The pop-up list once `where` holds for it (events are consumed asynchronously)."""
    items: list[dict[str, Any]] = []

    async def holds() -> bool:
        nonlocal items
        items = await popups(gateway, user, **params)
        return where(items)

    await eventually(holds, within)
    return items


async def answered_popup(
    gateway: httpx.AsyncClient, user: dict[str, str], agent: dict[str, str]
) -> dict[str, Any]:
    """The pop-up an agent's answer to a new ticket of `user` made."""
    number = await answered_ticket(gateway, user, agent, "Odpowiedź wsparcia")
    items = await eventually_listed(gateway, user, bool, ticket_number=number)
    return items[0]


def in_seconds(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()
