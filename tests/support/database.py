"""Reading the test database: counts and query plans."""

from typing import Any


async def count(collection: Any, query: dict[str, Any]) -> int:
    """Documents matching `query`."""
    counted: int = await collection.count_documents(query)
    return counted


def plan_stages(plan: Any) -> set[str]:
    """Every `stage` named anywhere in an explain answer (IXSCAN, COLLSCAN, SORT...)."""
    if isinstance(plan, dict):
        own = {plan["stage"]} if isinstance(plan.get("stage"), str) else set()
        return own.union(*(plan_stages(value) for value in plan.values()))
    if isinstance(plan, list):
        return set().union(*(plan_stages(value) for value in plan))
    return set()
