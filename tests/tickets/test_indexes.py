"""Every screen's query has an index declared for it."""

from itertools import combinations
from typing import Any

import httpx

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
            # The date filter is a range on updated_at, the sort key itself.
            equality = ("account_id", *chosen)
            assert any(served_by(equality, "updated_at", keys) for keys in indexes), equality
    assert any(served_by(("status",), "sla_due_at", keys) for keys in indexes)
