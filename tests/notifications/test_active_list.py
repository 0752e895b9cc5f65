"""What pops up as a modal (`state=active`), what history keeps, and the unread count."""

from typing import Any

import httpx

from tests.support.popups import (
    SNOOZE_SECONDS,
    answered_popup,
    eventually_listed,
    in_seconds,
    popups,
)
from tests.support.sockets import OpenStream
from tests.support.system import Account
from tests.support.waiting import eventually


async def listing(
    gateway: httpx.AsyncClient, user: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await gateway.get("/api/v1/popups", params=params, headers=user)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def announce(
    gateway: httpx.AsyncClient, agent: dict[str, str], account: Account, user_id: str, title: str
) -> None:
    fields = {"title": title, "body": "Treść", "account_id": account.account_id, "user_id": user_id}
    response = await gateway.post("/api/v1/agent/announcements", json=fields, headers=agent)
    assert response.status_code == 201, response.text


async def test_previewed_closed_and_deleted_popups_no_longer_pop_up_but_stay_in_history(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    previewed, closed, deleted, waiting = [
        (await answered_popup(gateway, anna, agent))["number"] for _ in range(4)
    ]
    assert (await gateway.post(f"/api/v1/popups/{previewed}/read", headers=anna)).is_success
    seen = await gateway.post(f"/api/v1/popups/{closed}/seen", headers=anna)
    assert seen.status_code == 200, seen.text
    assert (seen.json()["seen"], seen.json()["read"]) == (True, False)
    assert (await gateway.delete(f"/api/v1/popups/{deleted}", headers=anna)).is_success

    # A page load asks again: only the one the user has not dealt with comes back.
    active = [item["number"] for item in (await listing(gateway, anna))["items"]]
    assert active == [waiting]
    history = {
        item["number"]: item for item in (await listing(gateway, anna, state="all"))["items"]
    }
    assert set(history) == {previewed, closed, deleted, waiting}
    assert (history[closed]["seen"], history[closed]["read"]) == (True, False)
    assert history[deleted]["deleted"] is True
    assert history[waiting]["seen"] is False


async def test_unread_count_is_every_popup_not_previewed_and_not_deleted(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    numbers = [(await answered_popup(gateway, anna, agent))["number"] for _ in range(4)]
    assert (await listing(gateway, anna))["unread"] == 4
    await gateway.post(f"/api/v1/popups/{numbers[0]}/read", headers=anna)
    await gateway.post(f"/api/v1/popups/{numbers[1]}/seen", headers=anna)
    await gateway.delete(f"/api/v1/popups/{numbers[2]}", headers=anna)
    # Closed (close button) is still unread: the badge sends the user to history for it.
    for state in ("active", "all"):
        assert (await listing(gateway, anna, state=state, page_size=1))["unread"] == 2
    assert (await listing(gateway, account.user("piotr")))["unread"] == 0


async def test_closing_reaches_the_users_other_tabs_and_is_idempotent(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    anna = account.user("anna")
    number = (await answered_popup(gateway, anna, agent))["number"]
    tab = await open_stream(account.account_id, "anna")
    for _ in range(2):
        closed = await gateway.post(f"/api/v1/popups/{number}/seen", headers=anna)
        assert closed.status_code == 200 and closed.json()["seen"] is True
    assert (await tab.expect("popup.seen"))["data"]["number"] == number
    stranger = account.user("piotr")
    assert (
        await gateway.post(f"/api/v1/popups/{number}/seen", headers=stranger)
    ).status_code == 404


async def test_a_closed_popup_snoozed_comes_back_when_its_reminder_falls_due(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], open_stream: OpenStream
) -> None:
    anna = account.user("anna")
    number = (await answered_popup(gateway, anna, agent))["number"]
    tab = await open_stream(account.account_id, "anna")
    await gateway.post(f"/api/v1/popups/{number}/seen", headers=anna)
    snoozed = await gateway.post(
        f"/api/v1/popups/{number}/snooze", json={"until": in_seconds(SNOOZE_SECONDS)}, headers=anna
    )
    assert snoozed.status_code == 200
    assert number not in [item["number"] for item in await popups(gateway, anna)]
    reminded = await tab.expect("popup.reminded", within=SNOOZE_SECONDS + 10)
    assert reminded["data"]["seen"] is False
    await eventually_listed(gateway, anna, lambda items: [i["number"] for i in items] == [number])


async def test_every_active_popup_is_reachable_page_by_page(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    # Anna signs in first: an announcement to one user needs a user the help desk knows.
    await listing(gateway, anna)
    for index in range(24):
        await announce(gateway, agent, account, "anna", f"Ogłoszenie {index}")

    async def all_made() -> bool:
        return (await listing(gateway, anna, page_size=1))["total"] == 24

    await eventually(all_made, 10.0)
    numbers: list[str] = []
    for page in (1, 2, 3):
        body = await listing(gateway, anna, page=page, page_size=10)
        assert body["total"] == 24
        numbers += [item["number"] for item in body["items"]]
    assert len(set(numbers)) == 24
