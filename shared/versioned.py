"""Optimistic concurrency for changes that are decided from what was read.

A ticket's next status and SLA clock, or a pop-up's state and the event that announces it,
follow from the document as it was read. Such a change is written with ordinary update
operators, but only if the document's `version` is still the one read (and it counts the
version up); otherwise the caller reads again and decides again. Changes that do not
depend on the current state (an outbox removal, a read mark) need no version.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from motor.motor_asyncio import AsyncIOMotorCollection

from shared.errors import Unavailable

T = TypeVar("T")

VERSION = "version"
FIRST_VERSION = 1
# Concurrent changes of one document retry on a version conflict; a handful always suffices.
WRITE_ATTEMPTS = 20


async def update_versioned(
    collection: AsyncIOMotorCollection[Any], key: Any, version: int, update: dict[str, Any]
) -> bool:
    """Apply `update` to the document `key` if it is still at the `version` read; False
    if somebody changed it since."""
    result = await collection.update_one(
        {"_id": key, VERSION: version},
        {**update, "$inc": {**update.get("$inc", {}), VERSION: 1}},
    )
    return result.matched_count == 1


async def retry_on_conflict(attempt: Callable[[], Awaitable[T | None]], busy: str) -> T:
    """Run `attempt` (read, decide, write with `update_versioned`) until it answers what it
    wrote; None means another writer won since the read, so it reads and decides again.
    A document still contended after WRITE_ATTEMPTS is `Unavailable` with `busy`."""
    for _attempt in range(WRITE_ATTEMPTS):
        if (written := await attempt()) is not None:
            return written
    raise Unavailable(busy)
