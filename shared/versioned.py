"""Optimistic concurrency for documents that several requests may change at once.

A change reads the document, computes its next state, and writes the whole of it only if
its `version` is still the one read; otherwise it reads again and retries. One
single-document replace is atomic on every MongoDB-wire server, so no change is lost.
"""

from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection

VERSION = "version"
FIRST_VERSION = 1


async def replace_versioned(
    collection: AsyncIOMotorCollection[Any], document: dict[str, Any]
) -> bool:
    """Write `document` if nobody changed it since it was read; False on a conflict."""
    read_version = document[VERSION]
    result = await collection.replace_one(
        {"_id": document["_id"], VERSION: read_version},
        {**document, VERSION: read_version + 1},
    )
    return result.matched_count == 1
