"""Optimistic concurrency for changes that are decided from what was read.

A ticket's next status and SLA clock, or a pop-up's state and the event that announces it,
follow from the document as it was read. Such a change is written with ordinary update
operators, but only if the document's `version` is still the one read (and it counts the
version up); otherwise the caller reads again and decides again. Changes that do not
depend on the current state (an outbox removal, a read mark) need no version.
"""

from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection

VERSION = "version"
FIRST_VERSION = 1


async def update_versioned(
    collection: AsyncIOMotorCollection[Any], read: dict[str, Any], update: dict[str, Any]
) -> bool:
    """Apply `update` to the document `read` if nobody changed it since; False otherwise."""
    result = await collection.update_one(
        {"_id": read["_id"], VERSION: read[VERSION]},
        {**update, "$inc": {**update.get("$inc", {}), VERSION: 1}},
    )
    return result.matched_count == 1
