"""Every query a screen or a background loop runs is served by an index: MongoDB's own plan
(explain) shows an index scan and no collection scan."""

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
from services.tickets.store import HISTORY_ORDER, QUEUE_ORDER, history_query, queue_query
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
    for statuses, importance, account_id, text in product(
        [WAITING_ON_SUPPORT, ["resolved"]], [None, "high"], [None, "hotel"], [None, "faktura"]
    ):
        query = queue_query(statuses, importance, account_id, text)
        await assert_indexed(tickets, query, QUEUE_ORDER)
    await assert_indexed(tickets, {PENDING_FLAG: True})


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
