"""KB feedback through the real gateway and tickets service: helpful votes, searches that
found nothing, articles opened before a ticket, related articles, and the agents' report."""

import random
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from motor.motor_asyncio import AsyncIOMotorDatabase

from services.tickets.knowledge.domain import iso_week
from shared.people import person_key
from tests.support.system import Account
from tests.support.tickets import new_ticket
from tests.support.waiting import eventually

REPORT = "/api/v1/agent/kb/report"


def unheard_word() -> str:
    """Letters no article has, so a search for it finds nothing (and no test shares it)."""
    return "".join(random.choices("qxzjvw", k=10))


async def report(gateway: httpx.AsyncClient, agent: dict[str, str]) -> dict[str, Any]:
    response = await gateway.get(REPORT, headers=agent)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def article_row(body: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(row for row in body["articles"] if row["slug"] == slug)


async def test_a_vote_is_kept_per_person_changes_and_counts_in_the_report(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    slug = "raport-oblozenia"
    before = article_row(await report(gateway, agent), slug)
    anna = account.user("anna")
    vote = f"/api/v1/kb/articles/{slug}/vote"
    assert (await gateway.get(vote, headers=anna)).json() == {
        "slug": slug,
        "helpful": None,
        "counted": True,
    }

    first = await gateway.put(vote, json={"helpful": True}, headers=anna)
    assert first.status_code == 200, first.text
    changed = await gateway.put(vote, json={"helpful": False}, headers=anna)
    assert changed.json() == {"slug": slug, "helpful": False, "counted": True}
    # The same user id in another hotel is another person with a vote of their own.
    await gateway.put(vote, json={"helpful": True}, headers=other_account.user("anna"))

    assert (await gateway.get(vote, headers=anna)).json()["helpful"] is False
    stored = await database["kb_votes"].find_one(
        {"_id": f"{person_key(account.account_id, 'anna')}:{slug}"}
    )
    assert stored is not None and stored["helpful"] is False
    after = article_row(await report(gateway, agent), slug)
    assert after["helpful"] - before["helpful"] == 1
    assert after["not_helpful"] - before["not_helpful"] == 1
    assert after["votes"] == after["helpful"] + after["not_helpful"]
    assert after["helpful_ratio"] == round(after["helpful"] / after["votes"], 3)
    assert after["title"] == "Raport obłożenia, ADR i RevPAR"


async def test_an_agents_vote_and_search_are_not_counted(
    gateway: httpx.AsyncClient, agent: dict[str, str]
) -> None:
    slug = "zaliczka-do-rezerwacji"
    before = await report(gateway, agent)
    answer = await gateway.put(
        f"/api/v1/kb/articles/{slug}/vote", json={"helpful": False}, headers=agent
    )
    assert answer.json() == {"slug": slug, "helpful": False, "counted": False}
    word = unheard_word()
    missed = await gateway.post(
        "/api/v1/kb/missed-searches", json={"q": f"drukarka {word}", "lang": "pl"}, headers=agent
    )
    assert missed.json() == {"recorded": False, "query": None, "reason": "not_counted"}
    after = await report(gateway, agent)
    assert article_row(after, slug)["votes"] == article_row(before, slug)["votes"]
    assert not [row for row in after["missed_searches"] if word in row["query"]]


async def test_votes_on_what_is_no_article_or_not_a_choice_are_refused(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    anna = account.user()
    missing = await gateway.put(
        "/api/v1/kb/articles/no-such-article/vote", json={"helpful": True}, headers=anna
    )
    assert missing.status_code == 404
    bad = await gateway.put(
        "/api/v1/kb/articles/reset-hasla/vote", json={"helpful": "maybe"}, headers=anna
    )
    assert bad.status_code == 422
    odd_slug = await gateway.get("/api/v1/kb/articles/..%2Fetc/vote", headers=anna)
    assert odd_slug.status_code in (404, 422)


async def test_a_search_without_results_is_kept_folded_and_counted_per_week(
    gateway: httpx.AsyncClient,
    account: Account,
    other_account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    word = unheard_word()
    typed = f"  „Drukarka {word.upper()}?” "
    missed = "/api/v1/kb/missed-searches"
    first = await gateway.post(
        missed, json={"q": typed, "lang": "pl"}, headers=account.user("anna")
    )
    assert first.json() == {"recorded": True, "query": f"drukarka {word}", "reason": None}
    await gateway.post(
        missed, json={"q": f"drukarka {word}", "lang": "pl"}, headers=account.user("anna")
    )
    await gateway.post(
        missed, json={"q": f"DRUKARKA {word}", "lang": "pl"}, headers=other_account.user("anna")
    )

    body = await report(gateway, agent)
    week = iso_week(datetime.now(UTC), ZoneInfo("Europe/Warsaw"))
    assert body["weeks"][0] == week and len(body["weeks"]) == 8
    rows = [row for row in body["missed_searches"] if row["query"] == f"drukarka {word}"]
    assert rows == [
        {"week": week, "query": f"drukarka {word}", "lang": "pl", "searches": 3, "people": 2}
    ]
    assert await database["kb_missed_searches"].count_documents({"key": f"pl:drukarka {word}"}) == 2


async def test_searches_that_find_articles_or_hold_personal_data_are_not_kept(
    gateway: httpx.AsyncClient, account: Account, database: AsyncIOMotorDatabase[Any]
) -> None:
    missed = "/api/v1/kb/missed-searches"
    anna = account.user()
    found = await gateway.post(missed, json={"q": "faktura", "lang": "pl"}, headers=anna)
    assert found.json() == {"recorded": False, "query": None, "reason": "has_results"}
    for private in (
        "zadzwoń +48 600 123 456",
        "jan.kowalski@hotel.pl",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.x",
    ):
        refused = await gateway.post(missed, json={"q": private, "lang": "pl"}, headers=anna)
        assert refused.json()["reason"] == "personal_data", private
    kept = [
        row
        async for row in database["kb_missed_searches"].find(
            {"key": {"$regex": "600|kowalski|eyj"}}
        )
    ]
    assert kept == []
    too_long = await gateway.post(missed, json={"q": "x" * 201, "lang": "pl"}, headers=anna)
    assert too_long.status_code == 422
    no_lang = await gateway.post(missed, json={"q": "drukarka"}, headers=anna)
    assert no_lang.status_code == 422
    for wordless in ("¿?", "___"):
        refused = await gateway.post(missed, json={"q": wordless, "lang": "pl"}, headers=anna)
        assert refused.status_code == 422, wordless


async def test_an_article_opened_shortly_before_a_ticket_is_counted_for_that_week(
    gateway: httpx.AsyncClient,
    account: Account,
    agent: dict[str, str],
    database: AsyncIOMotorDatabase[Any],
) -> None:
    slug = "platnosci-online"
    anna = account.user("anna")
    assert (await gateway.get(f"/api/v1/kb/articles/{slug}", headers=anna)).status_code == 200
    # Another person of the same hotel wrote a ticket without reading: not linked.
    await new_ticket(gateway, account.user("piotr"), subject="Bez czytania")
    number = await new_ticket(gateway, anna, subject="Płatność online nie działa")

    async def linked() -> bool:
        return (
            await database["kb_opened_before_ticket"].find_one({"_id": f"{number}:{slug}"})
            is not None
        )

    await eventually(linked, within=10)
    links = [
        doc
        async for doc in database["kb_opened_before_ticket"].find(
            {"account_id": account.account_id}
        )
    ]
    assert [link["_id"] for link in links] == [f"{number}:{slug}"]
    week = iso_week(datetime.now(UTC), ZoneInfo("Europe/Warsaw"))
    rows = [r for r in (await report(gateway, agent))["opened_before_ticket"] if r["slug"] == slug]
    assert rows and rows[0]["week"] == week and rows[0]["tickets"] >= 1
    assert rows[0]["title"].startswith("Płatności online")


async def test_an_article_ends_with_three_to_five_related_ones_of_its_language(
    gateway: httpx.AsyncClient, account: Account
) -> None:
    body = (
        await gateway.get("/api/v1/kb/articles/wystawienie-faktury", headers=account.user())
    ).json()
    related = [ref["slug"] for ref in body["related"]]
    assert 3 <= len(related) <= 5
    assert "wystawienie-faktury" not in related
    assert related[0] == "faktura-korygujaca"
    for slug in related:
        other = await gateway.get(f"/api/v1/kb/articles/{slug}", headers=account.user())
        assert other.json()["lang"] == "pl"


async def test_the_report_is_for_agents_only(gateway: httpx.AsyncClient, account: Account) -> None:
    assert (await gateway.get(REPORT, headers=account.user())).status_code == 403
    assert (await gateway.get(REPORT)).status_code == 401
