"""Remind later, Preview and Delete: what each does to the lists and the sockets."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.clock import stored_precision
from tests.support.popups import (
    SNOOZE_SECONDS,
    answered_popup,
    answered_ticket,
    eventually_listed,
    in_seconds,
    popups,
)
from tests.support.sockets import OpenStream, stays_quiet
from tests.support.system import Account, HelpDesk
from tests.support.tickets import reply


async def test_snooze_until_hides_the_popup_and_it_comes_back_as_a_reminder(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    anna = account.user("anna")
    popup = await answered_popup(gateway, anna, agent)
    tab = await open_stream(account.account_id, "anna")
    number = popup["number"]
    until = in_seconds(SNOOZE_SECONDS)
    snoozed = await gateway.post(
        f"/api/v1/popups/{number}/snooze", json={"until": until}, headers=anna
    )
    assert snoozed.status_code == 200, snoozed.text
    assert datetime.fromisoformat(snoozed.json()["snoozed_until"]) == stored_precision(
        datetime.fromisoformat(until)
    )
    assert (await tab.expect("popup.snoozed"))["data"]["number"] == number
    assert number not in [item["number"] for item in await popups(gateway, anna)]
    history = await popups(gateway, anna, state="all", ticket_number=popup["ticket_number"])
    assert history[0]["snoozed_until"] is not None

    reminded = await tab.expect("popup.reminded", within=SNOOZE_SECONDS + 10)
    assert reminded["data"]["number"] == number
    assert reminded["data"]["snoozed_until"] is None
    assert number in [item["number"] for item in await popups(gateway, anna)]


async def test_snooze_minutes_defaults_to_half_an_hour(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    number = (await answered_popup(gateway, anna, agent))["number"]
    before = datetime.now(UTC)
    default = await gateway.post(f"/api/v1/popups/{number}/snooze", headers=anna)
    until = datetime.fromisoformat(default.json()["snoozed_until"])
    assert timedelta(minutes=29) < until - before < timedelta(minutes=31)
    later = await gateway.post(
        f"/api/v1/popups/{number}/snooze", json={"minutes": 90}, headers=anna
    )
    until = datetime.fromisoformat(later.json()["snoozed_until"])
    assert timedelta(minutes=89) < until - before < timedelta(minutes=91)


@pytest.mark.parametrize(
    "body",
    [
        {"minutes": 0},
        {"minutes": 10081},
        {"until": "2020-01-01T00:00:00Z"},
        {"until": "2099-01-01T00:00:00"},
        {"minutes": 5, "until": "2099-01-01T00:00:00Z"},
    ],
)
async def test_snooze_needs_minutes_in_range_or_a_future_time(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], body: dict[str, Any]
) -> None:
    anna = account.user("anna")
    number = (await answered_popup(gateway, anna, agent))["number"]
    refused = await gateway.post(f"/api/v1/popups/{number}/snooze", json=body, headers=anna)
    assert refused.status_code == 422, refused.text


async def test_preview_marks_read_and_delete_keeps_it_in_history_only(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    anna = account.user("anna")
    popup = await answered_popup(gateway, anna, agent)
    number, ticket = popup["number"], popup["ticket_number"]
    tab = await open_stream(account.account_id, "anna")
    read = await gateway.post(f"/api/v1/popups/{number}/read", headers=anna)
    assert read.status_code == 200 and read.json()["read"] is True
    assert (await tab.expect("popup.read"))["data"]["read"] is True
    # Read, it pops up no more; history has it, read.
    assert await popups(gateway, anna, ticket_number=ticket) == []
    assert (await popups(gateway, anna, state="all", ticket_number=ticket))[0]["read"] is True

    deleted = await gateway.delete(f"/api/v1/popups/{number}", headers=anna)
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert (await tab.expect("popup.deleted"))["data"]["number"] == number
    assert await popups(gateway, anna, ticket_number=ticket) == []
    history = await popups(gateway, anna, state="all", ticket_number=ticket)
    assert [(item["number"], item["deleted"], item["read"]) for item in history] == [
        (number, True, True)
    ]
    again = await gateway.post(f"/api/v1/popups/{number}/snooze", headers=anna)
    assert again.status_code == 409


async def test_nobody_touches_another_users_popups(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    agent: dict[str, str],
) -> None:
    number = (await answered_popup(gateway, account.user("anna"), agent))["number"]
    for stranger in (account.user("piotr"), other_account.user("anna")):
        for call in (
            gateway.post(f"/api/v1/popups/{number}/read", headers=stranger),
            gateway.post(f"/api/v1/popups/{number}/snooze", headers=stranger),
            gateway.delete(f"/api/v1/popups/{number}", headers=stranger),
        ):
            assert (await call).status_code == 404
        assert number not in [i["number"] for i in await popups(gateway, stranger, state="all")]


async def test_history_of_a_ticket_lists_its_popups_newest_first_in_pages(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    number = await answered_ticket(gateway, anna, agent, "pierwsza")
    for text in ("druga", "trzecia"):
        await reply(gateway, number, agent, text, agent=True)
    await eventually_listed(gateway, anna, lambda items: len(items) == 3, ticket_number=number)
    query = {"state": "all", "ticket_number": number, "page_size": 2}
    first = await gateway.get("/api/v1/popups", params=query, headers=anna)
    second = await gateway.get("/api/v1/popups", params={**query, "page": 2}, headers=anna)
    assert first.json()["total"] == 3
    bodies = [item["body"] for page in (first, second) for item in page.json()["items"]]
    assert bodies == ["trzecia", "druga", "pierwsza"]


async def test_a_reminder_survives_a_restart_of_the_notifications_service(
    system: HelpDesk,
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    open_stream: OpenStream,
) -> None:
    anna = account.user("anna")
    number = (await answered_popup(gateway, anna, agent))["number"]
    tab = await open_stream(account.account_id, "anna")
    snoozed = await gateway.post(
        f"/api/v1/popups/{number}/snooze", json={"until": in_seconds(SNOOZE_SECONDS)}, headers=anna
    )
    assert snoozed.status_code == 200
    await tab.expect("popup.snoozed")
    notifications = system.services["notifications"]
    # Killed, not stopped: nothing of the reminder may live only in the process.
    notifications.stop(kill=True)
    try:
        await stays_quiet(tab, "popup.reminded", within=SNOOZE_SECONDS + 1)
    finally:
        notifications.start()
    reminded = await tab.expect("popup.reminded", within=15)
    assert reminded["data"]["number"] == number
    assert number in [item["number"] for item in await popups(gateway, anna)]
