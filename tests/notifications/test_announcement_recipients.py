"""An announcement to one user needs a user the help desk knows: a typo is a 404."""

import uuid
from typing import Any

import httpx
from motor.motor_asyncio import AsyncIOMotorDatabase

from tests.support.database import count
from tests.support.popups import answered_ticket, popups
from tests.support.system import Account
from tests.support.waiting import eventually


async def announce_to(
    gateway: httpx.AsyncClient, agent: dict[str, str], account_id: str, user_id: str
) -> httpx.Response:
    body = {
        "title": f"Przerwa {uuid.uuid4().hex[:6]}",
        "body": "W nocy system będzie niedostępny.",
        "account_id": account_id,
        "user_id": user_id,
    }
    return await gateway.post("/api/v1/agent/announcements", json=body, headers=agent)


async def test_an_announcement_to_an_unknown_user_is_404_and_stores_nothing(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    response = await announce_to(gateway, agent, account.account_id, "nikt-taki")
    assert response.status_code == 404
    assert response.json()["code"] == "announcement_user_unknown"
    assert "nikt-taki" in response.json()["detail"]
    assert await count(database["announcements"], {"account_id": account.account_id}) == 0


async def test_a_user_who_signed_in_is_known_in_that_account_only(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, agent: dict[str, str]
) -> None:
    await popups(gateway, account.user("ola"))
    assert (await announce_to(gateway, agent, account.account_id, "ola")).status_code == 201
    other = await announce_to(gateway, agent, other_account.account_id, "ola")
    assert other.status_code == 404


async def test_a_user_with_a_pop_up_is_known(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    # Created through the API and answered: never signed in, but has an answer's pop-up.
    await answered_ticket(gateway, account.user("jan"), agent, "Już działa.")

    async def popped_up() -> bool:
        return await count(database["popups"], {"account_id": account.account_id}) == 1

    await eventually(popped_up, 10)
    assert (await announce_to(gateway, agent, account.account_id, "jan")).status_code == 201
