"""Sequence counters: created once at start, then every number is given exactly once."""

import asyncio
import uuid
from typing import Any

import pytest
from motor.motor_asyncio import AsyncIOMotorDatabase

from shared.counters import Counter, CounterMissing


def counter(database: AsyncIOMotorDatabase[Any]) -> Counter:
    return Counter(database["counters"], f"test-{uuid.uuid4().hex[:8]}")


async def test_numbers_come_one_after_another_and_concurrent_callers_never_share_one(
    own_database: AsyncIOMotorDatabase[Any],
) -> None:
    numbers = counter(own_database)
    await numbers.create()

    given = await asyncio.gather(*(numbers.next() for _ in range(50)))

    assert sorted(given) == list(range(1, 51))
    # A block of 10 in one step: its last number.
    assert await numbers.next(10) == 60


async def test_creating_it_again_at_the_next_start_keeps_its_value(
    own_database: AsyncIOMotorDatabase[Any],
) -> None:
    numbers = counter(own_database)
    await numbers.create()
    await numbers.next(7)

    await asyncio.gather(numbers.create(), numbers.create())

    assert await numbers.next() == 8


async def test_a_counter_never_created_is_an_error_not_a_new_counter(
    own_database: AsyncIOMotorDatabase[Any],
) -> None:
    numbers = counter(own_database)

    with pytest.raises(CounterMissing):
        await numbers.next()
    assert await own_database["counters"].count_documents({"_id": numbers.name}) == 0
