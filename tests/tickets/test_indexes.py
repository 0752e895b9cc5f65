"""Every screen's query has an index declared for it."""

from datetime import UTC, datetime
from itertools import combinations
from typing import Any

import httpx

from services.tickets.store import UPDATED_MS, epoch_ms
from tests.conftest import Account


def served_by(equality: tuple[str, ...], sort_key: str, index_keys: list[tuple[str, Any]]) -> bool:
    """An index serves a query if it starts with its equality fields, then its sort key."""
    fields = [field for field, _direction in index_keys]
    return sorted(fields[: len(equality)]) == sorted(equality) and fields[
        len(equality) : len(equality) + 1
    ] == [sort_key]


async def test_each_history_filter_combination_and_the_queue_have_an_index(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    # The tickets service declares its indexes at start; one ticket makes sure they exist.
    await gateway.post(
        "/api/v1/tickets", data={"subject": "x", "message": "y"}, headers=account.user()
    )
    indexes = [spec["key"] for spec in (await database["tickets"].index_information()).values()]
    optional = ("status", "subject")
    for size in range(len(optional) + 1):
        for chosen in combinations(optional, size):
            # The date filter is a range on updated_ms, the sort key itself.
            equality = ("account_id", *chosen)
            assert any(served_by(equality, UPDATED_MS, keys) for keys in indexes), equality
    assert any(served_by(("status",), "sla_due_at", keys) for keys in indexes)
    assert any(served_by(("queue_state",), "sla_due_at", keys) for keys in indexes)


def uses_an_index(plan: dict[str, Any]) -> bool:
    """What each MongoDB-wire server says when an index serves a query."""
    text = str(plan)
    return (
        "IXSCAN" in text  # MongoDB
        or plan.get("filterPushdown") is True  # FerretDB
        or "USING INDEX" in text  # NX-27017 (SQLite's plan)
    )


async def test_the_server_serves_each_screen_query_from_an_index(
    gateway: httpx.AsyncClient, account: Account, database: Any
) -> None:
    await gateway.post(
        "/api/v1/tickets", data={"subject": "x", "message": "y"}, headers=account.user()
    )
    # Equalities spelled as TicketStore.page sends them.
    history = {"account_id": {"$eq": account.account_id}}
    day = epoch_ms(datetime(2026, 1, 1, tzinfo=UTC))
    queries: list[tuple[dict[str, Any], str]] = [
        (history, UPDATED_MS),
        ({**history, "status": {"$eq": "new"}}, UPDATED_MS),
        ({**history, "subject": {"$eq": "x"}}, UPDATED_MS),
        ({**history, "status": {"$eq": "new"}, "subject": {"$eq": "x"}}, UPDATED_MS),
        ({**history, UPDATED_MS: {"$gte": day, "$lt": day + 86_400_000}}, UPDATED_MS),
        ({"queue_state": {"$eq": "open"}}, "sla_due_at"),
        ({"status": {"$eq": "resolved"}}, "sla_due_at"),
    ]
    for criteria, sort_key in queries:
        plan = await database.command(
            "explain", {"find": "tickets", "filter": criteria, "sort": {sort_key: 1}, "limit": 20}
        )
        assert uses_an_index(plan), (criteria, plan)
