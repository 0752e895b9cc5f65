"""Every query a screen or a background loop runs is served by an index: MongoDB's own plan
(explain) shows an index scan and no collection scan."""

import uuid
from datetime import UTC, datetime, timedelta
from itertools import product
from typing import Any

import httpx
from motor.motor_asyncio import AsyncIOMotorCollection

from services.notifications.store import (
    NEWEST_FIRST,
    UNREAD,
    announced_query,
    announcements_query,
    due_query,
    page_query,
)
from services.tickets.domain import WAITING_ON_SUPPORT
from services.tickets.knowledge.store import votes_query, week_query
from services.tickets.models import QueueFilters
from services.tickets.rating_store import LATEST_FIRST, comments_query, period_query
from services.tickets.search import query_terms
from services.tickets.store import (
    ASSIGNEE_ID,
    HISTORY_ORDER,
    QUEUE_ORDER,
    SEARCH_TERMS,
    TAGS,
    history_query,
    outdated_search_query,
    queue_query,
)
from shared.outbox import PENDING_FLAG
from tests.support.database import plan_stages
from tests.support.system import Account

DAY = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC))


async def assert_indexed(
    collection: AsyncIOMotorCollection[Any], query: dict[str, Any], order: Any = None
) -> None:
    cursor = collection.find(query).limit(20)
    if order:
        cursor = cursor.sort(order)
    stages = plan_stages(await cursor.explain())
    assert "IXSCAN" in stages and "COLLSCAN" not in stages, (collection.name, query, stages)


async def test_history_with_every_filter_combination_and_the_agent_queue_use_an_index(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    # The tickets service declares its indexes at start; one ticket makes sure they exist.
    await gateway.post(
        "/api/v1/tickets", data={"subject": "x", "message": "y"}, headers=account.user()
    )
    tickets = database["tickets"]
    for status, subject, day in product([None, "new"], [None, "x"], [None, DAY]):
        query = history_query(account.account_id, status, subject, day)
        await assert_indexed(tickets, query, HISTORY_ORDER)
    for statuses, importance, account_id, created in product(
        [tuple(WAITING_ON_SUPPORT), ("resolved",)], [None, "high"], [None, "hotel"], [None, DAY]
    ):
        filters = QueueFilters(statuses, importance, account_id, created=created)
        await assert_indexed(tickets, queue_query(filters), QUEUE_ORDER)
    # The views by assignee, the tag filter and the search, alone and with the others.
    for narrowing, importance in product(QUEUE_NARROWINGS, [None, "high"]):
        filters = QueueFilters(tuple(WAITING_ON_SUPPORT), importance, **narrowing)
        await assert_indexed(tickets, queue_query(filters), QUEUE_ORDER)
    await assert_indexed(tickets, {PENDING_FLAG: True})
    await assert_indexed(tickets, outdated_search_query())


async def test_history_search_looks_its_terms_up_in_the_multikey_index(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    for n in range(30):
        await gateway.post(
            "/api/v1/tickets",
            data={"subject": f"Temat {n}", "message": "Drukarka" if n % 10 else "Faktura"},
            headers=account.user(),
        )
    tickets = database["tickets"]
    words = query_terms("faktury")
    query = history_query(account.account_id, None, None, None, words)
    plan = await tickets.find(query).sort(HISTORY_ORDER).limit(20).explain()
    assert SEARCH_TERMS in index_fields(plan), plan
    assert "COLLSCAN" not in plan_stages(plan)
    # The index narrows the account's 30 tickets to the 3 with the word before reading any.
    assert plan["executionStats"]["totalDocsExamined"] == 3, plan["executionStats"]
    for status, subject, day in product([None, "new"], [None, "Temat 1"], [None, DAY]):
        query = history_query(account.account_id, status, subject, day, query_terms("a b"))
        await assert_indexed(tickets, query, HISTORY_ORDER)


async def test_the_agent_queue_finds_a_view_a_tag_or_a_word_through_its_own_index(
    gateway: httpx.AsyncClient, account: Account, agent: dict[str, str], database: Any
) -> None:
    """Most tickets are nobody's, untagged, without the word: each filter's index reads
    only the few that match, most urgent first."""
    numbers = []
    for n in range(30):
        created = await gateway.post(
            "/api/v1/tickets",
            data={"subject": f"Temat {n}", "message": "Drukarka" if n % 10 else "Faktura"},
            headers=account.user(),
        )
        numbers.append(created.json()["number"])
    agent_id = (await gateway.get("/api/v1/agent/agents", headers=agent)).json()["me"]
    tag = f"tag{uuid.uuid4().hex[:8]}"
    for number in numbers[:2]:
        await gateway.patch(
            f"/api/v1/agent/tickets/{number}",
            json={"assignee_id": agent_id, "add_tags": [tag]},
            headers=agent,
        )
    tickets = database["tickets"]
    statuses = tuple(WAITING_ON_SUPPORT)
    for filters, field in [
        (QueueFilters(statuses, assignee_id=agent_id), ASSIGNEE_ID),
        (QueueFilters(statuses, tag=tag), TAGS),
        (
            QueueFilters(statuses, account_id=account.account_id, words=_words("faktury")),
            SEARCH_TERMS,
        ),
    ]:
        plan = await tickets.find(queue_query(filters)).sort(QUEUE_ORDER).limit(20).explain()
        assert field in index_fields(plan), plan
        assert "COLLSCAN" not in plan_stages(plan)


def _words(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(map(tuple, query_terms(text)))


QUEUE_NARROWINGS: list[dict[str, Any]] = [
    {"unassigned": True},
    {"assignee_id": "agent-1"},
    {"tag": "vip"},
    {"words": _words("faktura")},
    {"words": _words("faktura drukarka"), "unassigned": True, "account_id": "hotel"},
    {"tag": "vip", "assignee_id": "agent-1", "created": DAY},
]


def index_fields(plan: Any) -> set[str]:
    """The fields of every index an explain answer scans."""
    if isinstance(plan, dict):
        own = set(plan["keyPattern"]) if plan.get("stage") == "IXSCAN" else set()
        return own.union(*(index_fields(value) for value in plan.values()))
    if isinstance(plan, list):
        return set().union(*(index_fields(value) for value in plan))
    return set()


async def test_pop_up_lists_the_reminder_scan_and_the_outboxes_use_an_index(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    # Listing pop-ups goes through the notifications service, which declared its indexes.
    await gateway.get("/api/v1/popups", headers=account.user())
    popups = database["popups"]
    now = datetime.now(UTC)
    for visible_at, ticket_number in product([None, now], [None, "HD-000001"]):
        query = page_query(account.account_id, "anna", visible_at, ticket_number)
        await assert_indexed(popups, query, NEWEST_FIRST)
    await assert_indexed(popups, {"account_id": account.account_id, "user_id": "anna", **UNREAD})
    await assert_indexed(popups, due_query(now + timedelta(seconds=1)))
    await assert_indexed(popups, announced_query(account.account_id, "anna"))
    announcements = database["announcements"]
    query = announcements_query(account.account_id, "anna")
    await assert_indexed(announcements, query, [("created_at", 1)])
    await assert_indexed(popups, {PENDING_FLAG: True})
    await assert_indexed(announcements, {PENDING_FLAG: True})


async def test_the_ratings_report_and_a_tickets_ratings_use_an_index(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    await gateway.post(
        "/api/v1/tickets", data={"subject": "x", "message": "y"}, headers=account.user()
    )
    ratings = database["ratings"]
    for kind, account_id in product([None, "ticket", "chat"], [None, "hotel"]):
        await assert_indexed(ratings, period_query(DAY, kind, account_id))
    for account_id in (None, "hotel"):
        await assert_indexed(ratings, comments_query(DAY, account_id), LATEST_FIRST)
    await assert_indexed(ratings, {"number": "HD-000001"}, [("resolution", -1)])


async def test_the_knowledge_base_report_uses_an_index(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    # One vote and one gap: the collections exist with the indexes the service declared.
    anna = account.user()
    await gateway.put("/api/v1/kb/articles/reset-hasla/vote", json={"helpful": True}, headers=anna)
    await gateway.post(
        "/api/v1/kb/missed-searches", json={"q": "drukarka", "lang": "pl"}, headers=anna
    )
    for helpful in (True, False):
        await assert_indexed(database["kb_votes"], votes_query(helpful))
    await assert_indexed(database["kb_missed_searches"], week_query("2026-W49"))
    await assert_indexed(database["kb_opened_before_ticket"], week_query("2026-W49"))
