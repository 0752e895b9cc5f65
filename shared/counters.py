"""Atomic sequence counters: where ticket and pop-up numbers come from."""

import contextlib
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError


class CounterMissing(RuntimeError):
    """The counter was never created: the owning store's start (`create`) did not run."""


class Counter:
    """One named counter, a document `{_id: name, value: last number given}`."""

    def __init__(self, collection: AsyncIOMotorCollection[Any], name: str) -> None:
        self.collection = collection
        self.name = name

    async def create(self) -> None:
        """Create the counter at a service's start, before anyone asks for a number.

        Concurrent `find_one_and_update(upsert=True)` calls on a counter that does not
        exist yet may race to create it (on secantusd-rs some of them answer null); created
        once here, every later `$inc` finds it. An existing counter is left as it is.
        """
        with contextlib.suppress(DuplicateKeyError):  # another instance created it just now
            await self.collection.update_one(
                {"_id": self.name}, {"$setOnInsert": {"value": 0}}, upsert=True
            )

    async def next(self, count: int = 1) -> int:
        """The next number; with `count`, the last of that many in a row."""
        counter = await self.collection.find_one_and_update(
            {"_id": self.name},
            {"$inc": {"value": count}},
            return_document=ReturnDocument.AFTER,
        )
        if counter is None:
            raise CounterMissing(f"counter {self.name!r} in {self.collection.name} was not created")
        value: int = counter["value"]
        return value
