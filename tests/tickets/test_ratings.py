"""Satisfaction ratings of tickets through the gateway: a user of the ticket's account rates
each resolution, agents see it on the ticket, and what is stored."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from motor.motor_asyncio import AsyncIOMotorDatabase

from shared.ratings import COMMENT_MAX
from tests.support.system import Account
from tests.support.tickets import new_ticket, reply
from tests.support.waiting import eventually


async def resolve(gateway: httpx.AsyncClient, number: str, agent: dict[str, str]) -> None:
    response = await gateway.patch(
        f"/api/v1/agent/tickets/{number}", json={"status": "resolved"}, headers=agent
    )
    assert response.status_code == 200, response.text


def rate(gateway: httpx.AsyncClient, number: str, headers: dict[str, str], **choice: Any) -> Any:
    return gateway.put(f"/api/v1/tickets/{number}/rating", json=choice, headers=headers)


async def test_a_user_rates_a_resolved_ticket_and_agents_see_it_on_the_ticket(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    anna = account.user("anna", "Anna Kowalska")
    number = await new_ticket(gateway, anna)
    await resolve(gateway, number, agent)

    rated = await rate(gateway, number, anna, rating=4, comment="  Szybko i konkretnie.  ")

    assert rated.status_code == 200, rated.text
    body = rated.json()
    assert (body["number"], body["resolution"], body["rating"]) == (number, 1, 4)
    assert body["comment"] == "Szybko i konkretnie."
    assert body["rated_by"] == {"role": "user", "id": "anna", "name": "Anna Kowalska"}
    seen_by_agent = (await gateway.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    assert [(r["rating"], r["comment"]) for r in seen_by_agent["ratings"]] == [
        (4, "Szybko i konkretnie.")
    ]
    stored = await database["ratings"].find_one({"_id": f"{number}:1"})
    assert stored is not None
    assert (stored["kind"], stored["account_id"], stored["rating"]) == (
        "ticket",
        account.account_id,
        4,
    )
    assert stored["has_comment"] is True
    assert isinstance(stored["rated_at"], datetime)


async def test_the_pop_up_announcing_the_resolution_says_so(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    await reply(gateway, number, agent, "Sprawdzamy.", agent=True)
    await resolve(gateway, number, agent)

    async def popups() -> list[dict[str, Any]]:
        # This ticket's only: announcements to everyone from other tests are Anna's too.
        listed = await gateway.get(
            "/api/v1/popups", params={"state": "all", "ticket_number": number}, headers=anna
        )
        items: list[dict[str, Any]] = listed.json()["items"]
        return items

    async def both_arrived() -> bool:
        return len(await popups()) == 2

    await eventually(both_arrived, within=30)
    items = await popups()
    assert [(p["ticket_number"], p["ticket_status"]) for p in items] == [
        (number, "resolved"),
        (number, None),
    ]


async def test_rating_again_changes_it_and_a_colleague_may_rate_it_too(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    anna, piotr = account.user("anna"), account.user("piotr", "Piotr Nowak")
    number = await new_ticket(gateway, anna)
    await resolve(gateway, number, agent)
    assert (await rate(gateway, number, anna, rating=2, comment="Długo")).status_code == 200

    changed = await rate(gateway, number, piotr, rating=5, comment="   ")

    assert changed.status_code == 200, changed.text
    assert (changed.json()["rating"], changed.json()["comment"]) == (5, None)
    stored = [document async for document in database["ratings"].find({"number": number})]
    assert [(d["rating"], d["comment"], d["rated_by"]["id"]) for d in stored] == [
        (5, None, "piotr")
    ]
    state = (await gateway.get(f"/api/v1/tickets/{number}/rating", headers=anna)).json()
    assert state["rateable"] is True
    assert state["rating"]["rating"] == 5


async def test_each_resolution_is_rated_on_its_own_and_a_reopened_one_no_longer(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    early = await rate(gateway, number, anna, rating=5)
    assert (early.status_code, early.json()["code"]) == (409, "ticket_not_resolved")

    await resolve(gateway, number, agent)
    assert (await rate(gateway, number, anna, rating=2, comment="Nie działa")).status_code == 200
    await reply(gateway, number, anna, "Nadal nie działa.", agent=False)
    reopened = await rate(gateway, number, anna, rating=3)
    assert (reopened.status_code, reopened.json()["code"]) == (409, "ticket_not_resolved")
    state = (await gateway.get(f"/api/v1/tickets/{number}/rating", headers=anna)).json()
    assert (state["rateable"], state["rating"]) == (False, None)

    await resolve(gateway, number, agent)
    await gateway.patch(f"/api/v1/agent/tickets/{number}", json={"status": "closed"}, headers=agent)
    # Closed after it was resolved: that resolution can still be rated.
    assert (await rate(gateway, number, anna, rating=5, comment="Teraz OK")).status_code == 200

    ticket = (await gateway.get(f"/api/v1/tickets/{number}", headers=agent)).json()
    assert [(r["resolution"], r["rating"], r["comment"]) for r in ticket["ratings"]] == [
        (2, 5, "Teraz OK"),
        (1, 2, "Nie działa"),
    ]


async def test_the_time_to_rate_ends_fourteen_days_after_the_resolution(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    await resolve(gateway, number, agent)
    state = (await gateway.get(f"/api/v1/tickets/{number}/rating", headers=anna)).json()
    until = datetime.fromisoformat(state["rateable_until"])
    assert timedelta(days=13, hours=23) < until - datetime.now(UTC) <= timedelta(days=14)

    long_ago = datetime.now(UTC) - timedelta(days=14, minutes=1)
    await database["tickets"].update_one({"_id": number}, {"$set": {"resolved_at": long_ago}})

    late = await rate(gateway, number, anna, rating=4)
    assert (late.status_code, late.json()["code"]) == (409, "rating_period_over")
    state = (await gateway.get(f"/api/v1/tickets/{number}/rating", headers=anna)).json()
    assert state["rateable"] is False
    assert await database["ratings"].count_documents({"number": number}) == 0


async def test_only_users_of_the_ticket_account_rate_it(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    await resolve(gateway, number, agent)

    by_agent = await rate(gateway, number, agent, rating=5)
    by_stranger = await rate(gateway, number, other_account.user("anna"), rating=1)
    stranger_reads = await gateway.get(
        f"/api/v1/tickets/{number}/rating", headers=other_account.user("anna")
    )

    assert (by_agent.status_code, by_agent.json()["code"]) == (403, "users_only")
    assert (by_stranger.status_code, by_stranger.json()["code"]) == (404, "ticket_not_found")
    assert stranger_reads.status_code == 404
    agent_reads = (await gateway.get(f"/api/v1/tickets/{number}/rating", headers=agent)).json()
    assert agent_reads["rateable"] is False
    assert await database["ratings"].count_documents({"number": number}) == 0


async def test_bad_ratings_are_refused_with_their_field_named(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    anna = account.user("anna")
    number = await new_ticket(gateway, anna)
    await resolve(gateway, number, agent)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"rating": 0}, "rating_invalid"),
        ({"rating": 6}, "rating_invalid"),
        ({"rating": "5"}, "rating_invalid"),
        ({"rating": 4.5}, "rating_invalid"),
        ({}, "rating_invalid"),
        ({"rating": 3, "comment": "x" * (COMMENT_MAX + 1)}, "comment_invalid"),
        ({"rating": 3, "comment": "ok\x1b[2J"}, "text_forbidden_characters"),
    ]
    for choice, code in cases:
        refused = await rate(gateway, number, anna, **choice)
        assert (refused.status_code, refused.json()["code"]) == (422, code), choice
    missing = await rate(gateway, "HD-999999", anna, rating=3)
    assert (missing.status_code, missing.json()["code"]) == (404, "ticket_not_found")
