"""The agents' ratings report through the gateway: a period's average, count, stars, accounts
and recent comments, of tickets, chats or both."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from motor.motor_asyncio import AsyncIOMotorDatabase

from services.tickets.rating_store import RatingStore
from tests.support.system import Account
from tests.support.tickets import new_ticket


async def rated_ticket(
    gateway: httpx.AsyncClient,
    user: dict[str, str],
    agent: dict[str, str],
    rating: int,
    comment: str | None = None,
) -> str:
    number = await new_ticket(gateway, user)
    await gateway.patch(
        f"/api/v1/agent/tickets/{number}", json={"status": "resolved"}, headers=agent
    )
    response = await gateway.put(
        f"/api/v1/tickets/{number}/rating",
        json={"rating": rating, "comment": comment},
        headers=user,
    )
    assert response.status_code == 200, response.text
    return number


async def report(
    gateway: httpx.AsyncClient, agent: dict[str, str], **params: str
) -> dict[str, Any]:
    response = await gateway.get("/api/v1/agent/ratings", params=params, headers=agent)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_report_of_an_account_counts_averages_and_lists_its_comments(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    anna = account.user("anna", "Anna Kowalska")
    first = await rated_ticket(gateway, anna, agent, 5, "Świetnie")
    await rated_ticket(gateway, anna, agent, 4)
    last = await rated_ticket(gateway, anna, agent, 2, "Za długo")
    await RatingStore(database).save_chat_rating(account.account_id, 3, datetime.now(UTC))

    both = await report(gateway, agent, account_id=account.account_id)
    tickets = await report(gateway, agent, account_id=account.account_id, kind="ticket")
    chats = await report(gateway, agent, account_id=account.account_id, kind="chat")

    assert (both["count"], both["average"]) == (4, 3.5)
    assert {row["rating"]: row["count"] for row in both["distribution"]} == {
        1: 0,
        2: 1,
        3: 1,
        4: 1,
        5: 1,
    }
    assert both["accounts"] == [{"account_id": account.account_id, "count": 4, "average": 3.5}]
    assert [(c["number"], c["rating"], c["comment"]) for c in both["recent_comments"]] == [
        (last, 2, "Za długo"),
        (first, 5, "Świetnie"),
    ]
    assert both["recent_comments"][0]["rated_by"]["name"] == "Anna Kowalska"
    assert (tickets["count"], tickets["average"]) == (3, 3.67)
    assert (chats["count"], chats["average"], chats["recent_comments"]) == (1, 3.0, [])
    # The default period is the last 30 days, today included, in the support time zone.
    since, until = (datetime.fromisoformat(both[key]) for key in ("since", "until"))
    assert until - since == timedelta(days=30)
    assert since < datetime.now(UTC) < until


async def test_every_account_is_in_the_whole_report_and_other_periods_hold_none(
    gateway: httpx.AsyncClient, account: Account, other_account: Account, agent: dict[str, str]
) -> None:
    await rated_ticket(gateway, account.user("anna"), agent, 1, "Źle")
    await rated_ticket(gateway, other_account.user("jan"), agent, 5)

    whole = await report(gateway, agent)
    long_ago = await report(gateway, agent, **{"from": "2025-01-01", "to": "2025-01-31"})

    accounts = {row["account_id"]: row for row in whole["accounts"]}
    assert (accounts[account.account_id]["count"], accounts[account.account_id]["average"]) == (
        1,
        1.0,
    )
    assert accounts[other_account.account_id]["average"] == 5.0
    assert whole["count"] >= 2
    assert (long_ago["count"], long_ago["average"], long_ago["accounts"]) == (0, None, [])
    assert (long_ago["since"], long_ago["until"]) == (
        "2024-12-31T23:00:00Z",
        "2025-01-31T23:00:00Z",
    )


async def test_the_report_is_for_agents_and_refuses_bad_periods(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str]
) -> None:
    by_user = await gateway.get("/api/v1/agent/ratings", headers=account.user())
    assert (by_user.status_code, by_user.json()["code"]) == (403, "agent_only")
    cases = [
        ({"from": "2026-02-01", "to": "2026-01-01"}, "period_invalid"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "period_too_long"),
        ({"from": "yesterday"}, "date_invalid"),
        ({"kind": "email"}, "kind_invalid"),
        ({"account_id": "x" * 201}, "account_id_invalid"),
    ]
    for params, code in cases:
        refused = await gateway.get("/api/v1/agent/ratings", params=params, headers=agent)
        assert (refused.status_code, refused.json()["code"]) == (422, code), params
